"""The Regierungspräsidium across its Kreise: per year who has submitted and who is overdue, the
submissions of one Kreis, and one consolidated workbook of the submitted figures. Users other
than RP users, and Kreise of another RP, get a 404."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.exports.xlsx import CONTENT_TYPE
from reporting.forms import AnnualReportYearForm
from reporting.kennzahlen.table import reporting_years
from reporting.models import Submission
from reporting.rp_overview import consolidate, kreis_statuses, rp_kreise_or_404, write_consolidated


def _year_or_404(year: int) -> int:
    if year not in reporting_years(timezone.localdate()):
        raise Http404
    return year


@login_required
@require_GET
def overview(request):
    rp_kreise_or_404(request.user)
    today = timezone.localdate()
    form = AnnualReportYearForm(request.GET or None, today=today)
    year = form.year(today)
    statuses = kreis_statuses(request.user, year, today)
    context = {
        "form": form,
        "year": year,
        "statuses": statuses,
        "submitted": sum(1 for s in statuses if s.submissions),
        "overdue": sum(1 for s in statuses if s.overdue),
    }
    return render(request, "reporting/rp/overview.html", context)


@login_required
@require_GET
def kreis(request, year: int, kreis_id: int):
    landkreis = get_object_or_404(rp_kreise_or_404(request.user), pk=kreis_id)
    _year_or_404(year)
    submissions = (
        Submission.objects.visible_to(request.user)
        .filter(landkreis=landkreis, year=year)
        .select_related("landkreis")
        .order_by("-number")
    )
    status = next(
        s
        for s in kreis_statuses(request.user, year, timezone.localdate())
        if s.landkreis == landkreis
    )
    context = {"landkreis": landkreis, "year": year, "submissions": submissions, "status": status}
    return render(request, "reporting/rp/kreis.html", context)


@login_required
@require_GET
def consolidated_xlsx(request, year: int):
    kreise = rp_kreise_or_404(request.user)
    _year_or_404(year)
    consolidated = consolidate(request.user, year, timezone.localdate())
    buffer = io.BytesIO()
    write_consolidated(consolidated, year, buffer)
    record(
        request.user,
        AuditEntry.Action.EXPORT,
        request.user,
        label=f"Kennzahlentabellen {year} der Kreise",
        event="rp_consolidated_xlsx",
        year=year,
        kreise=[k.pk for k in kreise],
        submissions=[str(s.latest.code) for s in consolidated.statuses if s.latest],
    )
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kennzahlen-der-kreise-{year}.xlsx"'
    return response
