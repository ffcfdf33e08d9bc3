"""The client list as a background export: the same workbook as ``/klienten/export/``
(``clients.exporter``), filtered like the list page, written by the task (registered under
``client_list``, found at start-up by ``imcase.exports.registry.discover_exports``).
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from clients.exporter import write_clients_xlsx
from clients.forms.list import ClientFilterForm
from clients.search import filter_clients
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.exports.registry import Export, ExportParamsError, Progress, register_export
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Role


@register_export
class ClientListExport(Export):
    identifier = "client_list"
    verbose_name = "Liste der Klient:innen (XLSX)"

    personal_data = True

    def allowed(self, user) -> bool:
        return scope_for(user).role in (Role.MANAGER, Role.TEAM_LEAD)

    def clean_params(self, user, data) -> dict[str, Any]:
        filters = {key: data[key] for key in ClientFilterForm.base_fields if data.get(key)}
        if not ClientFilterForm(filters, user=user).is_valid():
            raise ExportParamsError(
                "Die Filter der Liste sind ungültig; bitte prüfen Sie sie vor dem Export."
            )
        return {"filters": filters, "day": timezone.localdate().isoformat()}

    def filename(self, params: dict[str, Any]) -> str:
        return f"klienten-{params['day']}.xlsx"

    def back_url(self, params: dict[str, Any]) -> str:
        filters = params.get("filters") or {}
        query = f"?{urlencode(filters)}" if filters else ""
        return reverse("clients:list") + query

    def write(self, user, params: dict[str, Any], out: IO[bytes], progress: Progress) -> int:
        day = dt.date.fromisoformat(params["day"])
        clients, _form = filter_clients(user, params["filters"], day)
        total = clients.count()
        count = write_clients_xlsx(clients, day, out, progress=lambda done: progress(done, total))
        landkreis = Landkreis.objects.get(pk=scope_for(user).landkreis_id)
        record(
            user,
            AuditEntry.Action.EXPORT,
            landkreis,
            label=landkreis.name,
            event="client_export",
            count=count,
            filters=params["filters"],
            background=True,
        )
        return count
