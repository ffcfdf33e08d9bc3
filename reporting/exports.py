"""The Kennzahlentabelle as a background export (found by ``imcase.exports`` discovery).

The task writes the same workbook as the direct download through
``reporting.services.write_table_for``, which checks the user's scope again and logs the export.
"""

from __future__ import annotations

from typing import IO, Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from imcase.exports.registry import Export, ExportParamsError, Progress, register_export
from reporting.forms import FiguresForm
from reporting.scoping import figures_scope_or_404
from reporting.services import write_table_for


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
