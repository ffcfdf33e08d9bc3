"""The funding overview per role, the funding year (office), its deductions, and steps 1–2
(drawing and sending the lists)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from funding import services
from funding.forms.common import VersionForm
from funding.forms.years import DeductionForm, FundingYearCreateForm, FundingYearEditForm
from funding.models import Allocation, FundingYear, PersonList
from funding.views.common import base_url, get_year_or_404
from imcase.errors import ServiceError
from imcase.organisation.access import role_required, scope_for
from imcase.organisation.models import Landkreis, Role
from imcase.web.actions import Done, run_button_action, run_form_action

EDIT_FIELDS = (
    "land_total",
    "quota_percent",
    "amount_entered",
    "period_start",
    "period_end",
    "reference_date",
    "list_deadline",
    "usage_deadline",
)


def _year_url(year: int) -> str:
    return reverse("funding:year", kwargs={"year": year})


@login_required
@role_required(Role.OFFICE, Role.MUNICIPALITY)
def index(request):
    years = FundingYear.objects.visible_to(request.user).select_related("landkreis")
    if scope_for(request.user).role == Role.MUNICIPALITY:
        return _index_municipality(request, years)
    years = years.annotate(
        list_count=Count("lists", distinct=True),
        submitted_count=Count(
            "lists", filter=Q(lists__status=PersonList.Status.SUBMITTED), distinct=True
        ),
        revision_count=Count("revisions", distinct=True),
    )
    return render(request, "funding/index_office.html", {"years": years})


def _index_municipality(request, years):
    lists = PersonList.objects.visible_to(request.user).select_related("funding_year")
    lists = {pl.funding_year_id: pl for pl in lists}
    latest: dict[int, Allocation] = {}
    allocations = Allocation.objects.visible_to(request.user).select_related("revision")
    for allocation in allocations.order_by("revision__number"):
        latest[allocation.revision.funding_year_id] = allocation
    today = timezone.localdate()
    rows = []
    for year in years:
        person_list = lists.get(year.pk)
        late = person_list.is_late(today) if person_list else False
        rows.append((year, person_list, latest.get(year.pk), late))
    return render(request, "funding/index_municipality.html", {"rows": rows})


@login_required
@role_required(Role.OFFICE)
def year_create(request):
    landkreis = get_object_or_404(Landkreis, pk=scope_for(request.user).landkreis_id)
    form = FundingYearCreateForm(request.POST or None)
    if request.method == "POST":

        def action(data: dict) -> Done:
            fields = {k: data[k] for k in EDIT_FIELDS}
            created = services.create_year(request.user, landkreis, data["year"], fields)
            return Done(f"Das Förderjahr {data['year']} wurde angelegt.", _year_url(created.year))

        if response := run_form_action(request, form, action):
            return response
    status = 400 if form.errors else 200
    return render(
        request,
        "funding/year_form.html",
        {"form": form, "title": "Neues Förderjahr anlegen"},
        status=status,
    )


@login_required
@role_required(Role.OFFICE)
def year_edit(request, year):
    funding_year = get_year_or_404(request.user, year)
    if request.method == "POST":
        form = FundingYearEditForm(request.POST)

        def action(data: dict) -> Done:
            fields = {k: data[k] for k in EDIT_FIELDS}
            services.update_year(request.user, funding_year, fields, data["version"])
            return Done("Die Angaben zum Förderjahr wurden gespeichert.", _year_url(year))

        if response := run_form_action(request, form, action):
            return response
    else:
        initial = {k: getattr(funding_year, k) for k in EDIT_FIELDS}
        form = FundingYearEditForm(initial={**initial, "version": funding_year.version})
    return render(
        request,
        "funding/year_form.html",
        {"form": form, "year": funding_year, "title": f"Förderjahr {year} bearbeiten"},
        status=400 if form.errors else 200,
    )


def _year_context(request, funding_year: FundingYear, deduction_form=None) -> dict:
    today = timezone.localdate()
    lists = funding_year.lists.select_related("municipality").annotate(
        entry_count=Count("entries"),
        persons=Count("entries", filter=Q(entries__struck=False)),
    )
    by_status = dict.fromkeys(PersonList.Status.values, 0)
    rows = []
    for person_list in lists:
        by_status[person_list.status] += 1
        rows.append((person_list, person_list.is_late(today)))
    return {
        "year": funding_year,
        "deductions": funding_year.deductions.all(),
        "deduction_form": deduction_form
        or DeductionForm(initial={"version": funding_year.version}),
        "lists": rows,
        "by_status": by_status,
        "late_count": sum(1 for _, late in rows if late),
        "revisions": funding_year.revisions.select_related("published_by"),
    }


@login_required
@role_required(Role.OFFICE)
def year_detail(request, year):
    funding_year = get_year_or_404(request.user, year)
    return render(request, "funding/year_detail.html", _year_context(request, funding_year))


@login_required
@role_required(Role.OFFICE)
@require_POST
def deduction_add(request, year):
    funding_year = get_year_or_404(request.user, year)
    form = DeductionForm(request.POST)

    def action(data: dict) -> Done:
        services.add_deduction(
            request.user, funding_year, data["name"], data["amount"], data["version"]
        )
        return Done(f"Der Abzug „{data['name']}“ wurde eingetragen.", _year_url(year))

    if response := run_form_action(request, form, action):
        return response
    context = _year_context(request, funding_year, deduction_form=form)
    return render(request, "funding/year_detail.html", context, status=400)


@login_required
@role_required(Role.OFFICE)
@require_POST
def deduction_remove(request, year, pk):
    funding_year = get_year_or_404(request.user, year)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        services.remove_deduction(request.user, funding_year, pk, data["version"])
        return Done("Der Abzug wurde entfernt.", _year_url(year))

    return run_button_action(request, form, action, _year_url(year))


@login_required
@role_required(Role.OFFICE)
@require_POST
def lists_generate(request, year):
    funding_year = get_year_or_404(request.user, year)
    try:
        result = services.generate_lists(request.user, funding_year)
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, result.summary)
    return redirect("funding:year", year=year)


@login_required
@role_required(Role.OFFICE)
@require_POST
def lists_send(request, year):
    funding_year = get_year_or_404(request.user, year)
    try:
        count = services.send_lists(request.user, funding_year, base_url(request))
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s Liste wurde versandt; die Gemeinde wurde per E-Mail benachrichtigt.",
                "%(n)s Listen wurden versandt; die Gemeinden wurden per E-Mail benachrichtigt.",
                count,
            )
            % {"n": count},
        )
    return redirect("funding:year", year=year)
