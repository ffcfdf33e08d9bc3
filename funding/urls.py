from django.urls import path

from funding.views import decisions, lists, population, publication, usage, years

app_name = "funding"
urlpatterns = [
    path("", years.index, name="index"),
    path("jahre/neu/", years.year_create, name="year_create"),
    path("jahre/<int:year>/", years.year_detail, name="year"),
    path("jahre/<int:year>/bearbeiten/", years.year_edit, name="year_edit"),
    path("jahre/<int:year>/abzuege/", years.deduction_add, name="deduction_add"),
    path(
        "jahre/<int:year>/abzuege/<int:pk>/entfernen/",
        years.deduction_remove,
        name="deduction_remove",
    ),
    path("jahre/<int:year>/listen/erstellen/", years.lists_generate, name="lists_generate"),
    path("jahre/<int:year>/listen/versenden/", years.lists_send, name="lists_send"),
    path("jahre/<int:year>/verteilung/", publication.preview, name="preview"),
    path(
        "jahre/<int:year>/revisionen/<int:number>/",
        publication.revision_detail,
        name="revision",
    ),
    path(
        "jahre/<int:year>/revisionen/<int:number>/verteilung.xlsx",
        publication.overview_xlsx,
        name="overview_xlsx",
    ),
    path("jahre/<int:year>/zuteilung/<str:ags>/", publication.sheet_page, name="sheet"),
    path(
        "jahre/<int:year>/zuteilung/<str:ags>/<int:number>/zuteilung.pdf",
        publication.sheet_pdf,
        name="sheet_pdf",
    ),
    path(
        "jahre/<int:year>/zuteilung/<str:ags>/<int:number>/zuteilung.xlsx",
        publication.sheet_xlsx,
        name="sheet_xlsx",
    ),
    path("listen/<uuid:code>/", lists.list_detail, name="list"),
    path("listen/<uuid:code>/eintraege/<int:pk>/streichen/", lists.strike, name="strike"),
    path("listen/<uuid:code>/eintraege/<int:pk>/zuruecknehmen/", lists.unstrike, name="unstrike"),
    path("listen/<uuid:code>/kinder/", lists.child_add, name="child_add"),
    path("listen/<uuid:code>/kinder/<int:pk>/entfernen/", lists.child_remove, name="child_remove"),
    path("listen/<uuid:code>/zurueckmelden/", lists.submit, name="submit"),
    path("listen/<uuid:code>/wiedereroeffnen/", lists.reopen, name="reopen"),
    # decisions on who runs IM from 1 January; cooperation invoices
    path("entscheidungen/", decisions.index, name="decisions"),
    path("jahre/<int:year>/entscheidungen/", decisions.overview, name="decisions_year"),
    path("jahre/<int:year>/entscheidung/", decisions.record_decision, name="decision_record"),
    path(
        "jahre/<int:year>/entscheidungen/<str:ags>/freier-traeger/",
        decisions.pass_to_welfare,
        name="decision_welfare",
    ),
    path("entscheidungen/<uuid:code>/", decisions.detail, name="decision"),
    path("entscheidungen/<uuid:code>/bestaetigen/", decisions.confirm, name="decision_confirm"),
    path("entscheidungen/<uuid:code>/wiedereroeffnen/", decisions.reopen, name="decision_reopen"),
    path(
        "entscheidungen/<uuid:code>/rechnungen/<int:quarter>/",
        decisions.issue_invoice,
        name="invoice_issue",
    ),
    path("rechnungen/<uuid:code>/rechnung.pdf", decisions.invoice_pdf, name="invoice_pdf"),
    # programmes split by Einwohnerzahl
    path("einwohnerschluessel/", population.programme_list, name="programmes"),
    path("einwohnerschluessel/neu/", population.programme_create, name="programme_create"),
    path("einwohnerschluessel/antraege/", population.applications, name="applications"),
    path(
        "einwohnerschluessel/antraege/<int:pk>/stelle/",
        population.own_position,
        name="own_position",
    ),
    path("einwohnerschluessel/<uuid:code>/", population.programme_detail, name="programme"),
    path(
        "einwohnerschluessel/<uuid:code>/bearbeiten/",
        population.programme_edit,
        name="programme_edit",
    ),
    path(
        "einwohnerschluessel/<uuid:code>/antragsteller/",
        population.applicant_add,
        name="applicant_add",
    ),
    path(
        "einwohnerschluessel/<uuid:code>/antragsteller/<int:pk>/entfernen/",
        population.applicant_remove,
        name="applicant_remove",
    ),
    path(
        "einwohnerschluessel/<uuid:code>/antragsteller/mehrere-gemeinden/",
        population.group_applicant_add,
        name="group_applicant_add",
    ),
    path(
        "einwohnerschluessel/<uuid:code>/antragsteller/<int:pk>/stelle/",
        population.position,
        name="applicant_position",
    ),
    path(
        "einwohnerschluessel/<uuid:code>/restmittel/",
        population.remainder,
        name="programme_remainder",
    ),
    path(
        "einwohnerschluessel/<uuid:code>/verteilung.xlsx",
        population.programme_xlsx,
        name="programme_xlsx",
    ),
    # Verwendungsnachweis
    path("verwendungsnachweise/", usage.index, name="usage_index"),
    path(
        "verwendungsnachweise/anlegen/<int:year>/<int:provider>/",
        usage.start,
        name="usage_start",
    ),
    path("verwendungsnachweise/<uuid:code>/", usage.detail, name="usage"),
    path("verwendungsnachweise/<uuid:code>/einreichen/", usage.submit, name="usage_submit"),
    path("verwendungsnachweise/<uuid:code>/pruefen/", usage.review, name="usage_review"),
    path("verwendungsnachweise/<uuid:code>/wiedereroeffnen/", usage.reopen, name="usage_reopen"),
    path("jahre/<int:year>/verwendungsnachweise/", usage.year_overview, name="usage_year"),
    path(
        "jahre/<int:year>/vorwegabzuege/<int:pk>/verwendung/",
        usage.deduction_use,
        name="deduction_use",
    ),
    path(
        "jahre/<int:year>/gesamtverwendungsnachweis.xlsx",
        usage.year_xlsx,
        name="usage_xlsx",
    ),
]
