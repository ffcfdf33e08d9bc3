"""The Jahresbericht as a PDF (WeasyPrint, A4, German): the same HTML body as the screen page,
with the charts as inline SVG and each chart's numbers as a table below it. Nothing is fetched:
the URL fetcher refuses every URL (as for the plan PDF)."""

from __future__ import annotations

from django.template.loader import render_to_string

from reporting.annual_report import AnnualReport


class FetchRefused(ValueError):
    pass


def _refuse(url: str, *args, **kwargs):
    raise FetchRefused(f"Der Jahresbericht lädt keine externen Ressourcen ({url[:60]}).")


def report_html(report: AnnualReport) -> str:
    return render_to_string("reporting/annual_report/pdf.html", {"report": report})


def render_report_pdf(report: AnnualReport) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which most requests do not need.
    from weasyprint import CSS, HTML

    css = CSS(string=render_to_string("reporting/annual_report/pdf.css"), url_fetcher=_refuse)
    document = HTML(string=report_html(report), base_url=None, url_fetcher=_refuse)
    return document.write_pdf(stylesheets=[css])


def report_filename(report: AnnualReport, extension: str) -> str:
    suffix = f"-traeger-{report.scope.provider.pk}" if report.scope.provider else ""
    return f"jahresbericht-{report.year}{suffix}.{extension}"
