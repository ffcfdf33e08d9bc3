"""The Kennzahlentabelle in the browser: view a year (office: the Kreis or one provider;
managers and team leads: their provider), download it as XLSX, and — the office only —
finalise it as a submission to the Regierungspräsidium."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from imcase.exports.xlsx import CONTENT_TYPE
from reporting import services, stored
from reporting.forms import FiguresForm, FinaliseForm
from reporting.kennzahlen.table import fingerprint, reporting_years
from reporting.models import StoredTable, Submission
from reporting.scoping import figures_scope_or_404


@login_required
@require_GET
def figures(request):
    scope = figures_scope_or_404(request.user)
    today = timezone.localdate()
    form = FiguresForm(request.GET or None, user=request.user, scope=scope, today=today)
    year = form.value("jahr", today)
    provider = form.value("traeger", today) if scope.is_office else None
    table, stored, current = services.shown_table_for(
        request.user, year, provider.pk if provider else None
    )
    context = {
        "scope": scope,
        "form": form,
        "table": table,
        "stored": stored,
        "current": current,
        "year": year,
        "provider": provider,
        "finished": year < today.year,
    }
    if scope.can_finalise and provider is None and current:
        submissions = _submissions(request.user, scope, year)
        context.update(
            submissions=submissions,
            finalise_form=FinaliseForm(
                initial={"fingerprint": fingerprint(table)}, correction=bool(submissions)
            ),
            summary=submission_summary(table, submissions),
        )
    return render(request, "reporting/figures.html", context)


def _submissions(user, scope, year: int) -> list[Submission]:
    return list(
        Submission.objects.visible_to(user)
        .filter(landkreis=scope.landkreis, year=year)
        .order_by("-number")
    )


@dataclass(frozen=True)
class SubmissionSummary:
    """What pressing the button submits, in words, shown above it."""

    number: int
    figures: str
    sheets: str
    columns: list[str]
    replaces: Submission | None


def submission_summary(table, submissions: list[Submission]) -> SubmissionSummary:
    figures = len({line.figure.id for line in table.lines()})
    sheets = len(table.sections)
    return SubmissionSummary(
        number=(submissions[0].number + 1) if submissions else 1,
        figures=ngettext("%(n)s Kennzahl", "%(n)s Kennzahlen", figures) % {"n": figures},
        sheets=ngettext("%(n)s Blatt", "%(n)s Blättern", sheets) % {"n": sheets},
        columns=[column.title for column in table.columns],
        replaces=submissions[0] if submissions else None,
    )


def _provider_param(request) -> int | None:
    value = request.POST.get("traeger") or request.GET.get("traeger") or ""
    return int(value) if value.isdigit() else None


def _figures_url(year: int, provider_id: int | None) -> str:
    query = {"jahr": year, **({"traeger": provider_id} if provider_id else {})}
    return f"{reverse('reporting:figures')}?{urlencode(query)}"


@login_required
@require_POST
def recompute(request, year: int):
    """ "Neu berechnen": the table is computed again in the background; the page shows the
    progress and reloads when it is done."""
    if year not in reporting_years(timezone.localdate()):
        raise Http404
    provider_id = _provider_param(request)
    services.recompute_table_for(request.user, year, provider_id)
    messages.info(request, f"Die Kennzahlentabelle {year} wird neu berechnet.")
    return redirect(_figures_url(year, provider_id))


@login_required
@require_GET
def figures_status(request, year: int):
    """The state of the stored table as JSON, for the page's progress script."""
    if year not in reporting_years(timezone.localdate()):
        raise Http404
    landkreis, provider = services.table_scope(request.user, _provider_param(request))
    stored_table = StoredTable.objects.filter(
        landkreis=landkreis, year=year, provider=provider
    ).first()
    if stored_table is None:
        raise Http404
    return JsonResponse(
        {
            "status": stored_table.status,
            "progress": stored_table.progress,
            "current": stored.is_current(stored_table, timezone.localdate()),
            "error": stored_table.error,
        },
        headers={"Cache-Control": "no-store"},
    )


@login_required
@require_GET
def figures_xlsx(request, year: int):
    """Download of the table as it is now (not a submission: nothing is stored)."""
    if year not in reporting_years(timezone.localdate()):
        raise Http404
    provider_id = request.GET.get("traeger", "")
    buffer = io.BytesIO()
    table = services.write_table_for(
        request.user, year, int(provider_id) if provider_id.isdigit() else None, buffer
    )
    suffix = f"-traeger-{table.provider.pk}" if table.provider else ""
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="kennzahlentabelle-{year}{suffix}.xlsx"'
    )
    return response


@login_required
@require_POST
def finalise(request, year: int):
    scope = figures_scope_or_404(request.user)
    today = timezone.localdate()
    if not scope.can_finalise or year not in reporting_years(today):
        raise Http404
    submissions = _submissions(request.user, scope, year)
    form = FinaliseForm(request.POST, correction=bool(submissions))
    if form.is_valid():
        try:
            submission = services.finalise(
                request.user,
                year,
                form.cleaned_data.get("note", ""),
                request.build_absolute_uri("/"),
                expected_fingerprint=form.cleaned_data["fingerprint"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Die Kennzahlentabelle {year} wurde als Abgabe Nr. {submission.number} "
                "gespeichert; das Regierungspräsidium wurde per E-Mail benachrichtigt.",
            )
            return redirect("reporting:submission", code=submission.code)
    # Refused: show the current figures again, with the user's input and a fresh fingerprint.
    table = services.table_for(request.user, year)
    form.data = form.data.copy()
    form.data["fingerprint"] = fingerprint(table)
    context = {
        "scope": scope,
        "form": FiguresForm({"jahr": year}, user=request.user, scope=scope, today=today),
        "table": table,
        "current": True,
        "year": year,
        "provider": None,
        "finished": year < today.year,
        "submissions": submissions,
        "finalise_form": form,
        "summary": submission_summary(table, submissions),
    }
    return render(request, "reporting/figures.html", context, status=400)
