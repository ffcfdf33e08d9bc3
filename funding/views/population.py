"""Programmes split by Einwohnerzahl (as the Soforthilfe Ukraine): the office creates a
programme, enters its applicants (municipalities, the Landkreis, Verbünde), sees each
applicant's amount and whether it reaches the minimum position, records the position each
applicant reports, decides on unused money and downloads the split as XLSX."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from funding.exports.population import write_population_xlsx
from funding.formatting import euro
from funding.forms.common import VersionForm
from funding.forms.population import (
    ApplicantForm,
    GroupApplicantForm,
    PositionForm,
    ProgrammeEditForm,
    ProgrammeForm,
    RemainderForm,
)
from funding.models import PopulationApplicant, PopulationProgramme
from funding.services import population as services
from funding.split import SplitError
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.exports.xlsx import CONTENT_TYPE
from imcase.organisation.access import role_required, scope_for
from imcase.organisation.models import Landkreis, Role
from imcase.web.actions import Done, run_button_action, run_form_action

FIELDS = ("name", "year", "amount", "min_vza", "cost_per_vza")


def get_programme_or_404(user, code) -> PopulationProgramme:
    return get_object_or_404(
        PopulationProgramme.objects.visible_to(user).select_related("landkreis"), code=code
    )


def _programme_url(code) -> str:
    return reverse("funding:programme", kwargs={"code": code})


@login_required
@role_required(Role.OFFICE)
def programme_list(request):
    programmes = PopulationProgramme.objects.visible_to(request.user).annotate(
        applicant_count=Count("applicants")
    )
    return render(request, "funding/population/list.html", {"programmes": programmes})


@login_required
@role_required(Role.OFFICE)
def programme_create(request):
    landkreis = get_object_or_404(Landkreis, pk=scope_for(request.user).landkreis_id)
    initial = {
        "min_vza": settings.FUNDING_EIGENREGIE_MIN_VZA,
        "cost_per_vza": settings.FUNDING_COST_PER_VZA,
    }
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST":

        def action(data: dict) -> Done:
            created = services.create_programme(request.user, landkreis, data)
            return Done(
                f"Das Programm „{data['name']}“ wurde angelegt. Tragen Sie die Antragsteller ein.",
                _programme_url(created.code),
            )

        if response := run_form_action(request, form, action):
            return response
    context = {"form": form, "title": "Programm nach Einwohnerzahl anlegen"}
    return render(
        request, "funding/population/form.html", context, status=400 if form.errors else 200
    )


@login_required
@role_required(Role.OFFICE)
def programme_edit(request, code):
    programme = get_programme_or_404(request.user, code)
    if request.method == "POST":
        form = ProgrammeEditForm(request.POST)

        def action(data: dict) -> Done:
            services.update_programme(request.user, programme, data, data["version"])
            return Done("Die Angaben zum Programm wurden gespeichert.", _programme_url(code))

        if response := run_form_action(request, form, action):
            return response
    else:
        initial = {name: getattr(programme, name) for name in FIELDS}
        form = ProgrammeEditForm(initial={**initial, "version": programme.version})
    context = {"form": form, "programme": programme, "title": f"{programme} bearbeiten"}
    return render(
        request, "funding/population/form.html", context, status=400 if form.errors else 200
    )


def _detail_context(
    programme: PopulationProgramme, applicant_form=None, group_form=None, remainder_form=None
) -> dict:
    outcome, error = None, ""
    try:
        outcome = programme.outcome()
    except SplitError as exc:
        error = str(exc)
    results = outcome.results if outcome else ()
    initial = {"version": programme.version}
    return {
        "programme": programme,
        "outcome": outcome,
        "rows": [(r.line, r.applicant, r, outcome.redistribution.get(r.line.ags)) for r in results],
        "applicants": programme.applicants_with_members() if error else [],
        "error": error,
        "reaching": sum(1 for r in results if r.line.reaches_minimum),
        "total": sum(r.line.amount for r in results),
        "applicant_form": applicant_form or ApplicantForm(programme=programme, initial=initial),
        "group_form": group_form or GroupApplicantForm(programme=programme, initial=initial),
        "remainder_form": remainder_form or RemainderForm(initial=initial),
    }


@login_required
@role_required(Role.OFFICE)
def programme_detail(request, code):
    programme = get_programme_or_404(request.user, code)
    return render(request, "funding/population/detail.html", _detail_context(programme))


@login_required
@role_required(Role.OFFICE)
@require_POST
def applicant_add(request, code):
    programme = get_programme_or_404(request.user, code)
    form = ApplicantForm(request.POST, programme=programme)

    def action(data: dict) -> Done:
        services.add_applicant(request.user, programme, data["municipality"], data["version"])
        return Done(
            f"{data['municipality'].name} ist als Antragsteller eingetragen.", _programme_url(code)
        )

    if response := run_form_action(request, form, action):
        return response
    context = _detail_context(programme, applicant_form=form)
    return render(request, "funding/population/detail.html", context, status=400)


@login_required
@role_required(Role.OFFICE)
@require_POST
def group_applicant_add(request, code):
    """The Landkreis or a Verbund as an applicant for several municipalities."""
    programme = get_programme_or_404(request.user, code)
    form = GroupApplicantForm(request.POST, programme=programme)

    def action(data: dict) -> Done:
        applicant = services.add_group_applicant(
            request.user,
            programme,
            data["kind"],
            data["name"],
            list(data["members"]),
            data["version"],
        )
        return Done(f"{applicant.name} ist als Antragsteller eingetragen.", _programme_url(code))

    if response := run_form_action(request, form, action):
        return response
    context = _detail_context(programme, group_form=form)
    return render(request, "funding/population/detail.html", context, status=400)


@login_required
@role_required(Role.OFFICE)
def position(request, code, pk):
    """The position an applicant reports it created (recorded by the office)."""
    programme = get_programme_or_404(request.user, code)
    applicant = get_object_or_404(
        programme.applicants.select_related("municipality").prefetch_related("members"), pk=pk
    )
    if request.method == "POST":
        form = PositionForm(request.POST)

        def action(data: dict) -> Done:
            services.report_position(request.user, programme, pk, data, data["version"])
            return Done(
                f"Die Stelle von {applicant.label} wurde eingetragen.", _programme_url(code)
            )

        if response := run_form_action(request, form, action):
            return response
    else:
        form = PositionForm(initial=_position_initial(applicant, programme))
    amount = _granted(programme, applicant)
    context = {"form": form, "programme": programme, "applicant": applicant, "amount": amount}
    return render(
        request, "funding/population/position.html", context, status=400 if form.errors else 200
    )


@login_required
@role_required(Role.OFFICE)
@require_POST
def remainder(request, code):
    """Redistribute the unused money or mark it for another purpose."""
    programme = get_programme_or_404(request.user, code)
    form = RemainderForm(request.POST)

    def action(data: dict) -> Done:
        decided = services.decide_remainder(
            request.user, programme, data["use"], data["note"], data["version"]
        )
        return Done(
            f"Nicht genutzte Mittel ({euro(decided.remainder_amount)}): "
            f"{decided.get_remainder_use_display()}.",
            _programme_url(code),
        )

    if response := run_form_action(request, form, action):
        return response
    context = _detail_context(programme, remainder_form=form)
    return render(request, "funding/population/detail.html", context, status=400)


@login_required
@role_required(Role.OFFICE)
@require_POST
def applicant_remove(request, code, pk):
    programme = get_programme_or_404(request.user, code)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        services.remove_applicant(request.user, programme, pk, data["version"])
        return Done("Der Antragsteller wurde entfernt.", _programme_url(code))

    return run_button_action(request, form, action, _programme_url(code))


@login_required
@role_required(Role.OFFICE)
@require_GET
def programme_xlsx(request, code):
    programme = get_programme_or_404(request.user, code)
    try:
        outcome = programme.outcome()
    except SplitError as error:
        messages.error(request, str(error))
        return redirect("funding:programme", code=code)
    buffer = io.BytesIO()
    lines = [result.line for result in outcome.results]
    count = write_population_xlsx(programme, lines, buffer, outcome)
    record(request.user, AuditEntry.Action.EXPORT, programme, label=str(programme), rows=count)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    filename = f"verteilung-{slugify(programme.name)}-{programme.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the applicants report their positions themselves ------------------------------------------


def _own_applications(user):
    return (
        PopulationApplicant.objects.reported_by(user)
        .select_related("programme", "municipality")
        .prefetch_related("members")
        .order_by("-programme__year", "programme__name")
    )


@login_required
@role_required(Role.MUNICIPALITY)
def applications(request):
    """The programmes the user's municipality applied for (alone or in a Verbund)."""
    rows = []
    for applicant in _own_applications(request.user):
        rows.append((applicant, _granted(applicant.programme, applicant)))
    return render(request, "funding/population/applications.html", {"rows": rows})


@login_required
@role_required(Role.MUNICIPALITY)
def own_position(request, pk):
    """An applicant municipality reports the position it created."""
    applicant = get_object_or_404(_own_applications(request.user), pk=pk)
    programme = applicant.programme
    url = reverse("funding:applications")
    if request.method == "POST":
        form = PositionForm(request.POST)

        def action(data: dict) -> Done:
            services.report_own_position(request.user, applicant, data, data["version"])
            return Done(f"Ihre Stelle für „{programme.name} {programme.year}“ wurde gemeldet.", url)

        if response := run_form_action(request, form, action):
            return response
    else:
        form = PositionForm(initial=_position_initial(applicant, programme))
    context = {
        "form": form,
        "programme": programme,
        "applicant": applicant,
        "amount": _granted(programme, applicant),
        "own": True,
    }
    return render(
        request, "funding/population/position.html", context, status=400 if form.errors else 200
    )


def _granted(programme, applicant):
    """The applicant's share of the programme's split; None while it cannot be split."""
    try:
        lines = programme.split()
    except SplitError:
        return None
    return next((line.amount for line in lines if line.ags == applicant.key), None)


def _position_initial(applicant, programme) -> dict:
    """The position form as the applicant last reported it."""
    return {
        "position_vza": applicant.position_vza,
        "position_from": applicant.position_from,
        "own_funds": applicant.own_funds,
        "position_note": applicant.position_note,
        "version": programme.version,
    }
