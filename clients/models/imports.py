"""A background import of the assignment list: the uploaded file until it has run, then
the result."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """An import job belongs to the user who uploaded the file, and to nobody else."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(owner=user)


def _upload_to(instance: ImportJob, filename: str) -> str:
    # The stored name is the opaque code (the uploaded name may carry a person's name).
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"imports/{instance.code}{suffix}"


def _problems_to(instance: ImportJob, filename: str) -> str:
    return f"imports/{instance.code}-fehler.csv"


class ImportJob(models.Model):
    """One upload of the Kreis's assignment list, run (or checked, ``dry_run``) by a task.

    ``file`` is the uploaded list, stored under MEDIA_ROOT/imports/ only until the task has
    read it (never served); ``result`` holds the counts or the first problems (with their
    lines) and the total count, ``problems_file`` all problems (downloaded by the uploader
    only). An import run in the request keeps a finished job only for its problem list. The
    whole row is deleted once ``expires_at`` has passed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "wartet"
        RUNNING = "running", "wird verarbeitet"
        DONE = "done", "fertig"
        FAILED = "failed", "fehlgeschlagen"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name="hochgeladen von",
    )
    landkreis = models.ForeignKey(
        "organisation.Landkreis", on_delete=models.CASCADE, related_name="+", verbose_name="Kreis"
    )
    dry_run = models.BooleanField("Probelauf", default=False)
    filename = models.CharField("Dateiname", max_length=120, blank=True)
    file = models.FileField("Datei", upload_to=_upload_to, blank=True)
    status = models.CharField("Stand", max_length=8, choices=Status, default=Status.PENDING)
    rows_read = models.PositiveIntegerField("gelesene Zeilen", default=0)
    result = models.JSONField("Ergebnis", default=dict, blank=True)
    # Every problem of a refused file as CSV (the result lists only the first ones); deleted
    # with the job.
    problems_file = models.FileField("Fehlerliste", upload_to=_problems_to, blank=True)
    error = models.CharField("Fehler", max_length=300, blank=True)
    created_at = models.DateTimeField("hochgeladen am", auto_now_add=True)
    finished_at = models.DateTimeField("fertig am", null=True, blank=True)
    expires_at = models.DateTimeField("gelöscht ab", db_index=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "Import der Zuweisungsliste"
        verbose_name_plural = "Importe der Zuweisungsliste"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.code} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
