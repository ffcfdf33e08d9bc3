"""Large imports of the assignment list in the background: start, run (in the task), clean up.

``start_import`` stores the uploaded file and a pending ``ImportJob`` and hands the job's id to
the task once the transaction has committed; without a broker (the demo) the task runs inline
right there, so the job page shows the result at once. ``run_import`` checks the uploader's
right again, imports (all or nothing, ``clients.importer``) and deletes the file whatever the
outcome: after the run no personal data of the upload is left on disk, only the counts or the
first problems in the job row, which is deleted with any left-over file after
``EXPORT_KEEP_HOURS`` (``delete_expired_imports``, run with the nightly clean-up of exports).
"""

from __future__ import annotations

import datetime as dt
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from clients.importer import ImportResult, Problem, ProblemLog, import_assignments
from clients.models import ImportJob
from imcase.exports.registry import register_cleanup
from imcase.exports.services import enqueue_or_fail
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Role

logger = logging.getLogger(__name__)

# Files up to this size (a CSV of about a thousand persons) are imported in the request, as
# before: the answer comes at once and the file never touches the disk. Larger ones go to the
# background, so the request does not run into the proxy's time-out.
INLINE_MAX_BYTES = 100 * 1024
# The progress (rows read) is written every so many rows, not once per row.
PROGRESS_EVERY = 500

UNAVAILABLE = (
    "Der Import kann gerade nicht gestartet werden, weil der Hintergrunddienst nicht "
    "erreichbar ist. Bitte versuchen Sie es in einigen Minuten noch einmal."
)
NOT_ALLOWED = "Sie sind für diesen Import nicht (mehr) berechtigt. Es wurde nichts gespeichert."
FAILED = (
    "Beim Import ist ein Fehler aufgetreten. Es wurde nichts gespeichert. Bitte versuchen Sie "
    "es erneut."
)
TOO_LONG = "Der Import hat zu lange gedauert und wurde abgebrochen. Es wurde nichts gespeichert."


class ImportUnavailable(Exception):
    """The background service cannot be reached; the message is German, for the user."""


def runs_in_background(upload: UploadedFile) -> bool:
    return upload.size > INLINE_MAX_BYTES


def start_import(user, landkreis: Landkreis, upload: UploadedFile, *, dry_run: bool) -> ImportJob:
    """Store the upload as a pending job and enqueue its task after commit."""
    with transaction.atomic():
        job = ImportJob(
            owner=user,
            landkreis=landkreis,
            dry_run=dry_run,
            filename=upload.name[-120:],
            expires_at=timezone.now() + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS),
        )
        job.file.save(upload.name, upload, save=False)
        job.save()
        transaction.on_commit(lambda: _enqueue(job.pk))
    job.refresh_from_db()
    if job.status == ImportJob.Status.FAILED and job.error == UNAVAILABLE:
        raise ImportUnavailable(UNAVAILABLE)
    return job


def _enqueue(job_id: int) -> None:
    from clients.tasks import run_import_job

    enqueue_or_fail(
        run_import_job,
        job_id,
        "Import",
        lambda: _finish(job_id, ImportJob.Status.FAILED, error=UNAVAILABLE),
    )


def _allowed(job: ImportJob) -> bool:
    scope = scope_for(job.owner)
    return scope.role == Role.OFFICE and scope.landkreis_id == job.landkreis_id


def _finish(
    job_id: int,
    status: str,
    *,
    error: str = "",
    result: dict | None = None,
    log: ProblemLog | None = None,
) -> None:
    """Record the outcome and delete the uploaded file (it holds personal data)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return
    if job.file:
        job.file.delete(save=False)
    if log is not None and log.count:
        _save_log(job, log)
    job.status = status
    job.error = error
    job.result = result or {}
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "problems_file", "status", "error", "result", "finished_at"])


def _save_log(job: ImportJob, log: ProblemLog) -> None:
    job.problems_file.save("fehler.csv", ContentFile(log.read().encode("utf-8")), save=False)


def keep_problems(user, landkreis: Landkreis, result: ImportResult, filename: str) -> ImportJob:
    """An import run in the request that found problems: a finished job holding them, so the
    full list can be downloaded (the page shows only the first ones)."""
    job = ImportJob(
        owner=user,
        landkreis=landkreis,
        dry_run=result.dry_run,
        filename=filename[-120:],
        status=ImportJob.Status.DONE,
        result=result_to_json(result),
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )
    if result.log is not None and result.log.count:
        _save_log(job, result.log)
    job.save()
    return job


def run_import(job_id: int) -> str:
    """Import the file of one job (runs in the task); returns the final status.

    Database errors propagate (the file stays) so the task retries them; any other error marks
    the job failed with a German message (and is logged). The import itself is all or nothing.
    """
    job = ImportJob.objects.select_related("owner", "landkreis").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job.status if job else "missing"
    if not job.owner.is_active or not _allowed(job):
        _finish(job_id, ImportJob.Status.FAILED, error=NOT_ALLOWED)
        return ImportJob.Status.FAILED
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.RUNNING, rows_read=0)

    read = {"rows": 0}

    def progress(rows: int) -> None:
        read["rows"] = rows
        if rows % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job_id).update(rows_read=rows)

    log = ProblemLog()
    try:
        return _run(job, progress, read, log)
    finally:
        log.close()


def _run(job: ImportJob, progress, read: dict, log: ProblemLog) -> str:
    try:
        with job.file.open("rb") as stream:
            result = import_assignments(
                stream,
                filename=job.filename,
                landkreis=job.landkreis,
                actor=job.owner,
                dry_run=job.dry_run,
                progress=progress,
                log=log,
            )
    except (OperationalError, InterfaceError):
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PENDING)
        raise
    except SoftTimeLimitExceeded:
        _finish(job.pk, ImportJob.Status.FAILED, error=TOO_LONG)
        return ImportJob.Status.FAILED
    except Exception:
        logger.exception("Import %s fehlgeschlagen.", job.pk)
        _finish(job.pk, ImportJob.Status.FAILED, error=FAILED)
        return ImportJob.Status.FAILED
    ImportJob.objects.filter(pk=job.pk).update(rows_read=read["rows"])
    _finish(job.pk, ImportJob.Status.DONE, result=result_to_json(result), log=log)
    return ImportJob.Status.DONE


def result_to_json(result: ImportResult) -> dict:
    return {
        "dry_run": result.dry_run,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "problem_count": result.problem_count,
        "problems": [[p.line, p.message] for p in result.problems],
    }


def result_of(job: ImportJob) -> ImportResult | None:
    """The stored result as an ``ImportResult`` (for the same template), None until done."""
    if job.status != ImportJob.Status.DONE or not job.result:
        return None
    data = job.result
    return ImportResult(
        dry_run=data["dry_run"],
        problems=[Problem(line, message) for line, message in data["problems"]],
        problem_count=data["problem_count"],
        created=data["created"],
        updated=data["updated"],
        unchanged=data["unchanged"],
    )


@register_cleanup
def delete_expired_imports(now: dt.datetime) -> int:
    """Delete expired jobs and any file a crashed run left behind."""
    count = 0
    for job in ImportJob.objects.filter(expires_at__lte=now).iterator():
        if job.file:
            job.file.delete(save=False)
        if job.problems_file:
            job.problems_file.delete(save=False)
        job.delete()
        count += 1
    return count
