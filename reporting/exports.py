"""Background exports of reporting (found by ``imcase.exports`` discovery): the
Kennzahlentabelle, and the Jahresbericht as PDF and as DOCX.

The task writes the same workbook as the direct download through
``reporting.services.write_table_for``, which checks the user's scope again and logs the export.
"""

from __future__ import annotations

from typing import IO, Any, ClassVar

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from imcase.exports.registry import Export, ExportParamsError, Progress, register_export
from reporting.annual_report import report_scope_or_404
from reporting.forms import AnnualReportYearForm, FiguresForm
from reporting.scoping import figures_scope_or_404
from reporting.services import write_annual_report_for, write_table_for


@register_export
class KennzahlenExport(Export):
    identifier = "kennzahlentabelle"
    verbose_name = "Kennzahlentabelle (XLSX)"

    def allowed(self, user) -> bool:
        try:
            figures_scope_or_404(user)
        except Http404:
            return False
        return True

    def clean_params(self, user, data) -> dict[str, Any]:
        scope = figures_scope_or_404(user)
        form = FiguresForm(data, user=user, scope=scope, today=timezone.localdate())
        if not form.is_valid():
            raise ExportParamsError(
                "Bitte wählen Sie ein Berichtsjahr und einen Träger Ihres Kreises."
            )
        provider = form.cleaned_data.get("traeger")
        return {"year": form.cleaned_data["jahr"], "provider": provider.pk if provider else None}

    def filename(self, params: dict[str, Any]) -> str:
        suffix = f"-traeger-{params['provider']}" if params["provider"] else ""
        return f"kennzahlentabelle-{params['year']}{suffix}.xlsx"

    def back_url(self, params: dict[str, Any]) -> str:
        return reverse("reporting:figures") + (f"?jahr={params['year']}" if params else "")

    def write(self, user, params: dict[str, Any], out: IO[bytes], progress: Progress) -> int:
        table = write_table_for(user, params["year"], params["provider"], out)
        progress(1, 1)
        return len(table.lines())


class _AnnualReportExport(Export):
    """The Jahresbericht as a file, written in the background (``write_annual_report_for``
    checks the user's scope again and logs the export)."""

    kind: ClassVar[str]

    def allowed(self, user) -> bool:
        try:
            report_scope_or_404(user)
        except Http404:
            return False
        return True

    def clean_params(self, user, data) -> dict[str, Any]:
        form = AnnualReportYearForm(data, today=timezone.localdate())
        if not form.is_valid():
            raise ExportParamsError("Bitte wählen Sie ein Berichtsjahr.")
        return {"year": form.cleaned_data["jahr"]}

    def filename(self, params: dict[str, Any]) -> str:
        return f"jahresbericht-{params['year']}.{self.kind}"

    def back_url(self, params: dict[str, Any]) -> str:
        return reverse("reporting:annual_report") + (f"?jahr={params['year']}" if params else "")

    def write(self, user, params: dict[str, Any], out: IO[bytes], progress: Progress) -> int:
        write_annual_report_for(user, params["year"], self.kind, out)
        progress(1, 1)
        return 1


@register_export
class AnnualReportPdfExport(_AnnualReportExport):
    identifier = "jahresbericht_pdf"
    verbose_name = "Jahresbericht (PDF)"
    content_type = "application/pdf"
    kind = "pdf"


@register_export
class AnnualReportDocxExport(_AnnualReportExport):
    identifier = "jahresbericht_docx"
    verbose_name = "Jahresbericht (DOCX)"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    kind = "docx"
