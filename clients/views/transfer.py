"""Import of the Kreis's assignment list (coordinating office) and the XLSX export of the list."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clients.exporter import CONTENT_TYPE, write_clients_xlsx
from clients.forms.transfer import ImportForm
from clients.import_jobs import (
    ImportUnavailable,
    keep_problems,
    result_of,
    runs_in_background,
    start_import,
)
from clients.import_template import (
    CSV_CONTENT_TYPE,
    FILENAME,
    template_csv,
    template_xlsx,
)
from clients.importer import HEADER, ProblemLog, import_assignments
from clients.models import ImportJob
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
    result = problems_job = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if runs_in_background(upload):
            try:
                job = start_import(
                    request.user, landkreis, upload, dry_run=form.cleaned_data["dry_run"]
                )
            except ImportUnavailable as exc:
                messages.error(request, str(exc))
                return redirect("clients:import")
            return redirect("clients:import_job", code=job.code)
        log = ProblemLog()
        try:
            result = import_assignments(
                upload,
                filename=upload.name,
                landkreis=landkreis,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                log=log,
            )
            if result.ok and not result.dry_run:
                messages.success(request, result.summary)
                return redirect("clients:import")
            if not result.ok:
                # The page lists the first problems; the job keeps all for the CSV download.
                problems_job = keep_problems(request.user, landkreis, result, upload.name)
        finally:
            log.close()
    return render(
        request,
        "clients/import.html",
        {
            "form": form,
            "result": result,
            "problems_job": problems_job,
            "landkreis": landkreis,
            "header": HEADER,
        },
    )


@login_required
@role_required(Role.OFFICE)
@require_GET
def import_template(request, fmt):
    """The template of the list: the exact header and one example row of the user's Kreis."""
    landkreis = get_object_or_404(Landkreis, pk=scope_for(request.user).landkreis_id)
    if fmt == "csv":
        content, content_type = template_csv(landkreis), CSV_CONTENT_TYPE
    elif fmt == "xlsx":
        content, content_type = template_xlsx(landkreis), CONTENT_TYPE
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.{fmt}"'
    return response


@login_required
@role_required(Role.OFFICE)
@require_GET
def import_problems(request, code):
    """Every problem of the uploader's own refused file, as CSV (formulas neutralised)."""
    job = get_import_job_or_404(request.user, code)
    if not job.problems_file:
        raise Http404
    return FileResponse(
        job.problems_file.open("rb"),
        as_attachment=True,
        filename=f"importfehler-{timezone.localtime(job.created_at):%Y-%m-%d-%H%M}.csv",
        content_type=CSV_CONTENT_TYPE,
    )


def get_import_job_or_404(user, code) -> ImportJob:
    """Only the uploader sees his job; anyone else gets the 404 of a missing one."""
    return get_object_or_404(ImportJob.objects.visible_to(user), code=code)


@login_required
@require_GET
def import_job(request, code):
    """A background import: its progress (polled by static/js/imports.js), then its result."""
    job = get_import_job_or_404(request.user, code)
    return render(
        request,
        "clients/import_job.html",
        {
            "job": job,
            "result": result_of(job),
            "problems_job": job if job.problems_file else None,
            "header": HEADER,
        },
    )


@login_required
@require_GET
def import_job_status(request, code):
    """The state of the job as JSON, for the polling script."""
    job = get_import_job_or_404(request.user, code)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "rows_read": job.rows_read,
            "finished": job.is_finished,
        },
        headers={"Cache-Control": "no-store"},
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
    count = write_clients_xlsx(clients, today, buffer)
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
