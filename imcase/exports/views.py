"""Starting an export, its progress page (polled by static/js/exports.js), the download.

A generated file belongs to its owner: anyone else gets 404, exactly as for a missing one.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from imcase.exports.models import GeneratedFile
from imcase.exports.registry import ExportParamsError, get_export
from imcase.exports.services import ExportError, start_export

LIST_DAYS = 7


def get_file_or_404(user, code) -> GeneratedFile:
    return get_object_or_404(GeneratedFile.objects.visible_to(user), code=code)


@login_required
@require_POST
def export_start(request, identifier):
    """Start the export ``identifier`` with the options in the query string."""
    export = get_export(identifier)
    if export is None or not export.allowed(request.user):
        raise Http404
    try:
        params = export.clean_params(request.user, request.GET)
    except ExportParamsError as exc:
        messages.error(request, str(exc))
        return redirect(export.back_url({}))
    try:
        generated = start_export(request.user, export, params)
    except ExportError as exc:
        messages.error(request, str(exc))
        return redirect(export.back_url(params))
    return redirect("exports:detail", code=generated.code)


@login_required
@require_GET
def export_detail(request, code):
    generated = get_file_or_404(request.user, code)
    return render(request, "exports/detail.html", {"file": generated})


@login_required
@require_GET
def export_status(request, code):
    """The state of the file as JSON, for the polling script."""
    generated = get_file_or_404(request.user, code)
    return JsonResponse(
        {
            "status": generated.status,
            "status_label": generated.get_status_display(),
            "progress": generated.progress,
            "finished": generated.is_finished,
            "error": generated.error,
            "download_url": (
                reverse("exports:download", args=[generated.code])
                if generated.is_downloadable
                else ""
            ),
        },
        headers={"Cache-Control": "no-store"},
    )


@login_required
@require_GET
def export_download(request, code):
    generated = get_file_or_404(request.user, code)
    if not generated.is_downloadable:
        raise Http404
    return FileResponse(
        generated.file.open("rb"),
        as_attachment=True,
        filename=generated.filename,
        content_type=generated.content_type or "application/octet-stream",
    )


@login_required
@require_GET
def export_list(request):
    since = timezone.now() - dt.timedelta(days=LIST_DAYS)
    files = GeneratedFile.objects.visible_to(request.user).filter(created_at__gte=since)
    return render(request, "exports/list.html", {"files": files[:100]})
