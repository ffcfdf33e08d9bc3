"""Submissions of the Kennzahlentabelle: the office sees its Kreis's, the RP those of the
Kreise of its region; the download checks the file against its SHA-256."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.exports.xlsx import CONTENT_TYPE
from imcase.organisation.access import role_required
from imcase.organisation.models import Role
from reporting.models import Submission
from reporting.services import IntegrityError, read_verified


def get_submission_or_404(user, code) -> Submission:
    return get_object_or_404(
        Submission.objects.visible_to(user).select_related(
            "landkreis__regierungspraesidium", "submitted_by"
        ),
        code=code,
    )


@login_required
@role_required(Role.OFFICE, Role.RP)
@require_GET
def submission_list(request):
    submissions = (
        Submission.objects.visible_to(request.user)
        .select_related("landkreis")
        .order_by("landkreis__name", "-year", "-number")
    )
    return render(request, "reporting/submission_list.html", {"submissions": submissions})


@login_required
@require_GET
def submission_detail(request, code):
    submission = get_submission_or_404(request.user, code)
    earlier = (
        Submission.objects.visible_to(request.user)
        .filter(landkreis=submission.landkreis, year=submission.year)
        .exclude(pk=submission.pk)
        .order_by("-number")
    )
    return render(
        request,
        "reporting/submission_detail.html",
        {"submission": submission, "others": earlier},
    )


@login_required
@require_GET
def submission_download(request, code):
    submission = get_submission_or_404(request.user, code)
    try:
        data = read_verified(submission)
    except IntegrityError as error:
        return render(
            request,
            "reporting/integrity_error.html",
            {"submission": submission, "message": str(error)},
            status=500,
        )
    record(
        request.user,
        AuditEntry.Action.EXPORT,
        submission,
        label=str(submission)[:120],
        event="submission_download",
    )
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{submission.filename}"'
    return response
