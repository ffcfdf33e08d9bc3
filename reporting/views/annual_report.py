"""The Jahresbericht: read it on screen, edit its texts, download it as PDF or DOCX. The office
sees the Kreis's report, a team lead his provider's; everyone else gets a 404."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from imcase.web.actions import Done, run_form_action
from reporting import services
from reporting.annual_report import TEXT_FIELDS, build_report, report_scope_or_404, texts_for
from reporting.annual_report_pdf import report_filename
from reporting.forms import AnnualReportYearForm, AnnualTextsForm
from reporting.kennzahlen.table import reporting_years

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _report_url(year: int) -> str:
    return f"{reverse('reporting:annual_report')}?jahr={year}"


def _checked_year(year: int) -> int:
    if year not in reporting_years(timezone.localdate()):
        raise Http404
    return year


@login_required
@require_GET
def annual_report(request):
    scope = report_scope_or_404(request.user)
    today = timezone.localdate()
    form = AnnualReportYearForm(request.GET or None, today=today)
    report = build_report(scope, form.year(today), today)
    return render(request, "reporting/annual_report/page.html", {"report": report, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_texts(request, year: int):
    scope = report_scope_or_404(request.user)
    _checked_year(year)
    texts = texts_for(scope, year)
    if request.method == "POST":
        form = AnnualTextsForm(request.POST)

        def action(data: dict) -> Done:
            services.save_annual_texts(
                request.user, year, {k: data[k] for k, _ in TEXT_FIELDS}, data["version"]
            )
            return Done(
                f"Die Texte des Jahresberichts {year} wurden gespeichert.", _report_url(year)
            )

        response = run_form_action(request, form, action)
        if response is not None:
            return response
        status = 400
    else:
        initial = {key: getattr(texts, key) for key, _ in TEXT_FIELDS}
        form = AnnualTextsForm(initial={**initial, "version": texts.version})
        status = 200
    context = {"form": form, "year": year, "scope": scope, "texts": texts}
    return render(request, "reporting/annual_report/texts.html", context, status=status)


def _download(request, year: int, kind: str, content_type: str) -> HttpResponse:
    buffer = io.BytesIO()
    report = services.write_annual_report_for(request.user, year, kind, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, kind)}"'
    return response


@login_required
@require_GET
def annual_report_pdf(request, year: int):
    return _download(request, year, "pdf", PDF)


@login_required
@require_GET
def annual_report_docx(request, year: int):
    return _download(request, year, "docx", DOCX)
