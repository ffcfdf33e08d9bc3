"""Steps 5–6: the office previews the split and publishes it; downloads of the overview (office)
and of each municipality's allocation sheet (PDF and XLSX)."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from funding import services, sheet
from funding.computation import plan_for_year
from funding.exports import allocation as exports
from funding.forms.publication import PublishForm
from funding.models import Allocation, AllocationRevision, PersonList
from funding.pdf import render_sheet_pdf
from funding.split import SplitError
from funding.views.common import base_url, get_allocation_or_404, get_year_or_404
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.organisation.access import role_required
from imcase.organisation.models import Role
from imcase.web.actions import Done, run_form_action


@login_required
@role_required(Role.OFFICE)
def preview(request, year):
    """The split from the current lists; publishing freezes exactly what was shown."""
    funding_year = get_year_or_404(request.user, year)
    form = PublishForm(request.POST or None)
    if request.method == "POST":

        def action(data: dict) -> Done:
            revision = services.publish(
                request.user, funding_year, data["fingerprint"], data["note"], base_url(request)
            )
            return Done(
                f"Die Verteilung wurde als Revision {revision.number} veröffentlicht; die "
                "Gemeinden wurden per E-Mail benachrichtigt.",
                reverse("funding:year", kwargs={"year": year}),
            )

        if response := run_form_action(request, form, action):
            return response
    plan, error = None, ""
    try:
        plan = plan_for_year(funding_year)
    except SplitError as exc:
        error = str(exc)
    today = timezone.localdate()
    lists = list(funding_year.lists.select_related("municipality").order_by("municipality__name"))
    context = {
        "year": funding_year,
        "plan": plan,
        "error": error,
        "form": form,
        "open_lists": [pl for pl in lists if pl.status != PersonList.Status.SUBMITTED],
        "late_lists": [pl for pl in lists if pl.is_late(today)],
        "has_lists": bool(lists),
        "next_number": funding_year.revisions.count() + 1,
    }
    return render(request, "funding/preview.html", context, status=400 if form.errors else 200)


def _revision_or_404(request, year: int, number: int) -> AllocationRevision:
    funding_year = get_year_or_404(request.user, year)
    return get_object_or_404(
        AllocationRevision.objects.visible_to(request.user)
        .filter(funding_year=funding_year)
        .select_related("funding_year__landkreis", "published_by"),
        number=number,
    )


@login_required
@role_required(Role.OFFICE)
def revision_detail(request, year, number):
    revision = _revision_or_404(request, year, number)
    allocations = revision.allocations.order_by("ags")
    return render(
        request,
        "funding/revision_detail.html",
        {"revision": revision, "year": revision.funding_year, "allocations": allocations},
    )


@login_required
@role_required(Role.OFFICE)
@require_GET
def overview_xlsx(request, year, number):
    revision = _revision_or_404(request, year, number)
    buffer = io.BytesIO()
    count = exports.write_overview_xlsx(
        exports.rows_from_revision(revision), exports.parameters_from_revision(revision), buffer
    )
    record(
        request.user, AuditEntry.Action.EXPORT, revision, label=str(revision), municipalities=count
    )
    filename = f"verteilung-{year}-revision-{number}.xlsx"
    return _download(buffer.getvalue(), exports.CONTENT_TYPE, filename)


@login_required
@role_required(Role.OFFICE, Role.MUNICIPALITY)
def sheet_page(request, year, ags):
    allocation = get_allocation_or_404(request.user, year, ags)
    history = (
        Allocation.objects.visible_to(request.user)
        .filter(revision__funding_year=allocation.revision.funding_year, ags=ags)
        .select_related("revision")
        .order_by("-revision__number")
    )
    context = {
        "allocation": allocation,
        "revision": allocation.revision,
        "year": allocation.revision.funding_year,
        "steps": sheet.steps(allocation),
        "verdict": sheet.verdict(allocation),
        "history": history,
    }
    return render(request, "funding/sheet.html", context)


@login_required
@role_required(Role.OFFICE, Role.MUNICIPALITY)
@require_GET
def sheet_pdf(request, year, ags, number):
    allocation = get_allocation_or_404(request.user, year, ags, number)
    record(request.user, AuditEntry.Action.EXPORT, allocation, label=str(allocation), kind="pdf")
    filename = f"zuteilung-{year}-{ags}-revision-{number}.pdf"
    return _download(render_sheet_pdf(allocation), "application/pdf", filename)


@login_required
@role_required(Role.OFFICE, Role.MUNICIPALITY)
@require_GET
def sheet_xlsx(request, year, ags, number):
    allocation = get_allocation_or_404(request.user, year, ags, number)
    buffer = io.BytesIO()
    exports.write_sheet_xlsx(allocation, buffer)
    record(request.user, AuditEntry.Action.EXPORT, allocation, label=str(allocation), kind="xlsx")
    filename = f"zuteilung-{year}-{ags}-revision-{number}.xlsx"
    return _download(buffer.getvalue(), exports.CONTENT_TYPE, filename)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
