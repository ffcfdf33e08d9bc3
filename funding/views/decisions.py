"""Who runs IM from 1 January: the municipality records its decision, the office confirms it
(which sets the provider), and a cooperation's quarterly invoices are issued and downloaded by
the office and the two municipalities involved."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from funding.forms.common import VersionForm
from funding.forms.decisions import DecisionForm, WelfareTransferForm
from funding.invoice import render_invoice_pdf
from funding.models import (
    CooperationInvoice,
    Decision,
    FundingYear,
    decision_deadline,
    quarter_period,
)
from funding.models.decisions import QUARTERS, eigenregie_warning, latest_revision
from funding.services import decisions as services
from funding.views.common import get_year_or_404
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.organisation.access import role_required, scope_for
from imcase.organisation.models import Municipality, ProviderArea, Role
from imcase.web.actions import Done, run_button_action, run_form_action

TERMS = (
    "mode",
    "seat",
    "serving_municipality",
    "organisation",
    "passed_by",
    "weekly_hours",
    "billing",
    "hourly_rate",
    "quarterly_flat",
    "resolution_date",
    "note",
)


def get_decision_or_404(user, code) -> Decision:
    return get_object_or_404(
        Decision.objects.visible_to(user).select_related(
            "funding_year__landkreis",
            "municipality",
            "seat",
            "serving_municipality",
            "provider",
            "recorded_by",
            "confirmed_by",
        ),
        code=code,
    )


def _decision_url(code) -> str:
    return reverse("funding:decision", kwargs={"code": code})


def _own_municipality(user) -> Municipality:
    return get_object_or_404(
        Municipality.objects.visible_to(user), pk=scope_for(user).municipality_id
    )


def _amounts(funding_year: FundingYear):
    revision = latest_revision(funding_year)
    if revision is None:
        return None, {}
    return revision, dict(revision.allocations.values_list("municipality_id", "amount"))


@login_required
@role_required(Role.OFFICE, Role.MUNICIPALITY)
def index(request):
    years = FundingYear.objects.visible_to(request.user)
    if scope_for(request.user).role == Role.OFFICE:
        years = years.annotate(
            recorded=Count("decisions", distinct=True),
            confirmed=Count(
                "decisions", filter=Q(decisions__status=Decision.Status.CONFIRMED), distinct=True
            ),
        )
        return render(request, "funding/decisions/index_office.html", {"years": years})
    town = _own_municipality(request.user)
    decisions = Decision.objects.visible_to(request.user).select_related(
        "funding_year", "municipality", "serving_municipality", "seat"
    )
    own = {d.funding_year_id: d for d in decisions if d.municipality_id == town.pk}
    others = [d for d in decisions if d.municipality_id != town.pk]
    rows = [(year, own.get(year.pk)) for year in years]
    context = {"rows": rows, "others": others, "town": town}
    return render(request, "funding/decisions/index_municipality.html", context)


@login_required
@role_required(Role.OFFICE)
def overview(request, year):
    """All municipalities of the Kreis with their decision, the provider it sets, and warnings."""
    funding_year = get_year_or_404(request.user, year)
    revision, amounts = _amounts(funding_year)
    decisions = {
        d.municipality_id: d
        for d in Decision.objects.visible_to(request.user)
        .filter(funding_year=funding_year)
        .select_related("funding_year", "municipality", "seat", "serving_municipality", "provider")
        .prefetch_related("partners")
    }
    providers = {
        area.municipality_id: area.provider
        for area in ProviderArea.objects.active_on(dt.date(year, 1, 1))
        .filter(municipality__landkreis_id=funding_year.landkreis_id)
        .select_related("provider")
    }
    rows = []
    for town in Municipality.objects.visible_to(request.user).order_by("name"):
        decision = decisions.get(town.pk)
        partners = list(decision.partners.all()) if decision else []
        warning = eigenregie_warning(decision, partners, amounts, revision) if decision else ""
        rows.append(
            {
                "town": town,
                "decision": decision,
                "summary": decision.summary(partners) if decision else "",
                "amount": amounts.get(town.pk),
                "provider": providers.get(town.pk),
                "warning": warning,
                "late": decision.came_late() if decision else False,
            }
        )
    context = {
        "year": funding_year,
        "rows": rows,
        "revision": revision,
        "deadline": decision_deadline(funding_year.year),
        "recorded": sum(1 for r in rows if r["decision"]),
        "confirmed": sum(
            1 for r in rows if r["decision"] and r["decision"].status == Decision.Status.CONFIRMED
        ),
    }
    return render(request, "funding/decisions/overview.html", context)


@login_required
@role_required(Role.MUNICIPALITY)
def record_decision(request, year):
    """The municipality records or changes its decision for the funding year."""
    funding_year = get_year_or_404(request.user, year)
    town = _own_municipality(request.user)
    decision = (
        Decision.objects.visible_to(request.user)
        .filter(funding_year=funding_year, municipality=town)
        .first()
    )
    if decision is not None and not decision.is_editable:
        messages.info(
            request,
            "Die Entscheidung ist bestätigt. Für eine Änderung wenden Sie sich an die "
            "Koordinierungsstelle.",
        )
        return redirect("funding:decision", code=decision.code)
    if request.method == "POST":
        form = DecisionForm(request.POST, municipality=town)

        def action(data: dict) -> Done:
            saved = services.record_decision(request.user, funding_year, data, data["version"])
            return Done(
                "Ihre Entscheidung wurde an die Koordinierungsstelle gemeldet.",
                _decision_url(saved.code),
            )

        if response := run_form_action(request, form, action):
            return response
    elif decision is not None:
        initial = {name: getattr(decision, name) for name in TERMS}
        initial |= {"partners": list(decision.partners.all()), "version": decision.version}
        form = DecisionForm(initial=initial, municipality=town)
    else:
        form = DecisionForm(municipality=town)
    revision, amounts = _amounts(funding_year)
    context = {
        "form": form,
        "year": funding_year,
        "town": town,
        "decision": decision,
        "revision": revision,
        "amount": amounts.get(town.pk),
        "deadline": decision_deadline(funding_year.year),
    }
    return render(
        request,
        "funding/decisions/form.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@role_required(Role.OFFICE, Role.MUNICIPALITY)
def detail(request, code):
    decision = get_decision_or_404(request.user, code)
    scope = scope_for(request.user)
    partners = list(decision.partners.all())
    revision, amounts = _amounts(decision.funding_year)
    today = timezone.localdate()
    quarters = []
    if decision.mode == Decision.Mode.KOOPERATION:
        issued = {i.quarter: i for i in decision.invoices.all()}
        for quarter in QUARTERS:
            start, end = quarter_period(decision.funding_year.year, quarter)
            quarters.append(
                {
                    "number": quarter,
                    "start": start,
                    "end": end,
                    "invoice": issued.get(quarter),
                    "due": today >= start,
                }
            )
    serving_user = scope.role == Role.MUNICIPALITY and (
        scope.municipality_id == decision.serving_municipality_id
    )
    context = {
        "decision": decision,
        "year": decision.funding_year,
        "partners": partners,
        "summary": decision.summary(partners),
        "revision": revision,
        "amount": amounts.get(decision.municipality_id),
        "warning": eigenregie_warning(decision, partners, amounts, revision),
        "is_office": scope.role == Role.OFFICE,
        "may_edit": decision.is_editable and scope.municipality_id == decision.municipality_id,
        "may_issue": decision.status == Decision.Status.CONFIRMED
        and (scope.role == Role.OFFICE or serving_user),
        "quarters": quarters,
        "late": decision.came_late(),
        "deadline": decision_deadline(decision.funding_year.year),
        "vat_percent": settings.FUNDING_VAT_PERCENT,
    }
    return render(request, "funding/decisions/detail.html", context)


@login_required
@role_required(Role.OFFICE)
@require_POST
def confirm(request, code):
    decision = get_decision_or_404(request.user, code)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        confirmed = services.confirm_decision(request.user, decision, data["version"])
        return Done(
            f"Die Entscheidung von {decision.municipality.name} ist bestätigt. Träger ab "
            f"1. Januar {decision.funding_year.year}: {confirmed.provider.name}.",
            _decision_url(code),
        )

    return run_button_action(request, form, action, _decision_url(code))


@login_required
@role_required(Role.OFFICE)
@require_POST
def reopen(request, code):
    decision = get_decision_or_404(request.user, code)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        services.reopen_decision(request.user, decision, data["version"])
        return Done(
            f"Die Entscheidung von {decision.municipality.name} kann wieder geändert werden.",
            _decision_url(code),
        )

    return run_button_action(request, form, action, _decision_url(code))


@login_required
@role_required(Role.OFFICE, Role.MUNICIPALITY)
@require_POST
def issue_invoice(request, code, quarter):
    decision = get_decision_or_404(request.user, code)
    try:
        invoice, created = services.issue_invoice(request.user, decision, quarter)
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            messages.success(request, f"Die Rechnung {invoice.number} wurde erstellt.")
        else:
            messages.info(request, f"Die Rechnung {invoice.number} lag bereits vor.")
    return redirect("funding:decision", code=code)


@login_required
@role_required(Role.OFFICE, Role.MUNICIPALITY)
@require_GET
def invoice_pdf(request, code):
    invoice = get_object_or_404(
        CooperationInvoice.objects.visible_to(request.user).select_related(
            "decision__funding_year__landkreis", "decision__municipality"
        ),
        code=code,
    )
    record(request.user, AuditEntry.Action.EXPORT, invoice, label=str(invoice), kind="pdf")
    response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rechnung-{invoice.number}.pdf"'
    return response


@login_required
@role_required(Role.OFFICE)
def pass_to_welfare(request, year, ags):
    """The Landkreis passes its own task for a municipality to a welfare organisation."""
    funding_year = get_year_or_404(request.user, year)
    town = get_object_or_404(Municipality.objects.visible_to(request.user), ags=ags)
    decision = (
        Decision.objects.visible_to(request.user)
        .filter(funding_year=funding_year, municipality=town)
        .first()
    )
    if request.method == "POST":
        form = WelfareTransferForm(request.POST)

        def action(data: dict) -> Done:
            saved = services.pass_to_welfare(
                request.user, funding_year, town, data, data["version"]
            )
            return Done(
                f"Die Übertragung an {saved.organisation} für {town.name} ist eingetragen; "
                "bestätigen Sie sie, damit der Träger ab 1. Januar gilt.",
                _decision_url(saved.code),
            )

        if response := run_form_action(request, form, action):
            return response
    else:
        initial = {"version": decision.version} if decision else {}
        if decision and decision.mode == Decision.Mode.WOHLFAHRT:
            initial |= {
                "organisation": decision.organisation,
                "resolution_date": decision.resolution_date,
                "note": decision.note,
            }
        form = WelfareTransferForm(initial=initial)
    context = {"form": form, "year": funding_year, "town": town, "decision": decision}
    return render(
        request,
        "funding/decisions/welfare_form.html",
        context,
        status=400 if form.errors else 200,
    )
