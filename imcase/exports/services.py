"""Starting an export, generating its file (in the task) and deleting expired files.

``start_export`` stores a pending ``GeneratedFile`` and hands its id to the task once the
transaction has committed (so the worker finds the row). Without a broker (the demo) the task
runs inline right there. If the broker cannot be reached the file is marked failed with a
German message and ``BrokerUnavailable`` is raised: pages keep working, only the export waits.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import InterfaceError, OperationalError, transaction
from django.http import Http404
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from imcase.exports.models import GeneratedFile
from imcase.exports.registry import CLEANUPS, Export, get_export

logger = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerOperationalError, RedisConnectionError, RedisTimeoutError, OSError)
UNAVAILABLE = (
    "Der Export kann gerade nicht gestartet werden, weil der Hintergrunddienst nicht "
    "erreichbar ist. Bitte versuchen Sie es in einigen Minuten noch einmal."
)
NOT_ALLOWED = "Sie sind für diesen Export nicht (mehr) berechtigt."
FAILED = "Beim Erstellen der Datei ist ein Fehler aufgetreten. Bitte versuchen Sie es erneut."
TOO_LONG = "Das Erstellen der Datei hat zu lange gedauert und wurde abgebrochen."
# Progress is written at most this often (in percent steps), not once per row.
PROGRESS_STEP = 2


class ExportError(Exception):
    """The export cannot be started; the message is German, for the user."""


class BrokerUnavailable(ExportError):
    pass


def start_export(user, export: Export, params: dict) -> GeneratedFile:
    """Create the pending file and enqueue its task after commit."""
    if not export.allowed(user):
        raise ExportError(NOT_ALLOWED)
    with transaction.atomic():
        generated = GeneratedFile.objects.create(
            owner=user,
            export=export.identifier,
            params=params,
            filename=export.filename(params)[:120],
            content_type=export.content_type,
            expires_at=timezone.now() + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS),
        )
        transaction.on_commit(lambda: _enqueue(generated.pk))
    generated.refresh_from_db()
    if generated.status == GeneratedFile.Status.FAILED and generated.error == UNAVAILABLE:
        raise BrokerUnavailable(UNAVAILABLE)
    return generated


def enqueue_or_fail(task, object_id: int, what: str, on_unreachable: Callable[[], None]) -> None:
    """Queue ``task(object_id)`` for the worker; when the broker cannot be reached, log it and
    call ``on_unreachable`` (which marks the job failed, so the page can say so). Without a
    broker configured (the demo) the task runs inline. Shared by exports and imports."""
    from imcase.celery import app

    try:
        if app.conf.task_always_eager:
            task.delay(object_id)
            return
        # A fresh connection from the current settings, and few retries: the user is waiting.
        with app.connection_for_write() as connection:
            task.apply_async(
                args=[object_id],
                connection=connection,
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
            )
    except BROKER_ERRORS:
        logger.warning("%s %s: Broker nicht erreichbar.", what, object_id, exc_info=True)
        on_unreachable()


def _enqueue(file_id: int) -> None:
    from imcase.exports.tasks import generate_file

    enqueue_or_fail(
        generate_file,
        file_id,
        "Export",
        lambda: GeneratedFile.objects.filter(pk=file_id).update(
            status=GeneratedFile.Status.FAILED, error=UNAVAILABLE, finished_at=timezone.now()
        ),
    )


def _fail(file_id: int, message: str) -> None:
    GeneratedFile.objects.filter(pk=file_id).update(
        status=GeneratedFile.Status.FAILED, error=message, finished_at=timezone.now()
    )


def generate(file_id: int) -> str:
    """Write the file of one ``GeneratedFile`` (runs in the task); returns the final status.

    The user's permission is checked again here. Database errors propagate so the task retries
    them; any other error marks the file failed with a German message (and is logged).
    """
    generated = GeneratedFile.objects.select_related("owner").filter(pk=file_id).first()
    if generated is None or generated.status == GeneratedFile.Status.DONE:
        return generated.status if generated else "missing"
    export = get_export(generated.export)
    user = generated.owner
    if export is None or not user.is_active or not export.allowed(user):
        _fail(file_id, NOT_ALLOWED)
        return GeneratedFile.Status.FAILED
    GeneratedFile.objects.filter(pk=file_id).update(
        status=GeneratedFile.Status.RUNNING, progress=0, error=""
    )
    reported = {"percent": 0}

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total else 0
        if percent >= reported["percent"] + PROGRESS_STEP:
            reported["percent"] = percent
            GeneratedFile.objects.filter(pk=file_id).update(progress=percent)

    try:
        with tempfile.TemporaryFile() as out:
            rows = export.write(user, generated.params, out, progress)
            out.seek(0)
            generated.file.save(generated.filename or "export", File(out), save=False)
    except (OperationalError, InterfaceError):
        GeneratedFile.objects.filter(pk=file_id).update(status=GeneratedFile.Status.PENDING)
        raise
    except SoftTimeLimitExceeded:
        _fail(file_id, TOO_LONG)
        return GeneratedFile.Status.FAILED
    except (PermissionDenied, Http404):
        _fail(file_id, NOT_ALLOWED)
        return GeneratedFile.Status.FAILED
    except Exception:
        logger.exception("Export %s (%s) fehlgeschlagen.", file_id, generated.export)
        _fail(file_id, FAILED)
        return GeneratedFile.Status.FAILED
    GeneratedFile.objects.filter(pk=file_id).update(
        status=GeneratedFile.Status.DONE,
        progress=100,
        file=generated.file.name,
        rows=rows,
        finished_at=timezone.now(),
    )
    return GeneratedFile.Status.DONE


def delete_expired_files(now: dt.datetime | None = None) -> int:
    """Delete expired files and their rows (a generated file holds personal data), and what
    the apps registered with ``register_cleanup``."""
    now = now or timezone.now()
    expired = GeneratedFile.objects.filter(expires_at__lte=now)
    count = sum(cleanup(now) for cleanup in CLEANUPS)
    for generated in expired.iterator():
        if generated.file:
            generated.file.delete(save=False)
        generated.delete()
        count += 1
    return count
