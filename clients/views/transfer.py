"""Import of the Kreis's assignment list (coordinating office) and the XLSX export of the list."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clients.exporter import CONTENT_TYPE, export_queryset, write_clients_xlsx
from clients.forms.transfer import ImportForm
from clients.importer import HEADER, import_assignments
from clients.search import filter_clients
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.organisation.access import role_required, scope_for
from imcase.organisation.models import Landkreis, Role


@login_required
@role_required(Role.OFFICE)
def import_upload(request):
    landkreis = get_object_or_404(Landkreis, pk=scope_for(request.user).landkreis_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_assignments(
            upload,
            filename=upload.name,
            landkreis=landkreis,
            actor=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        if result.ok and not result.dry_run:
            messages.success(request, result.summary)
            return redirect("clients:import")
    return render(
        request,
        "clients/import.html",
        {"form": form, "result": result, "landkreis": landkreis, "header": HEADER},
    )


@login_required
@role_required(Role.MANAGER, Role.TEAM_LEAD)
@require_GET
def export_download(request):
    """The list as XLSX, filtered like the list page; only case workers see persons."""
    scope = scope_for(request.user)
    today = timezone.localdate()
    clients, _form = filter_clients(request.user, request.GET, today)
    buffer = io.BytesIO()
    count = write_clients_xlsx(export_queryset(clients), today, buffer)
    landkreis = Landkreis.objects.get(pk=scope.landkreis_id)
    filters = {key: value for key, value in request.GET.items() if key != "seite" and value}
    record(
        request.user,
        AuditEntry.Action.EXPORT,
        landkreis,
        label=landkreis.name,
        event="client_export",
        count=count,
        filters=filters,
    )
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="klienten-{today:%Y-%m-%d}.xlsx"'
    return response
