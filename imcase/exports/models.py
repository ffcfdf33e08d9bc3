"""Files generated in the background (exports): who asked for what, how far it is, the file."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class GeneratedFileQuerySet(models.QuerySet):
    def visible_to(self, user) -> GeneratedFileQuerySet:
        """A generated file belongs to the user who asked for it, and to nobody else."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(owner=user)


def _upload_to(instance: GeneratedFile, filename: str) -> str:
    # The stored name is the opaque code; the download name is ``filename``.
    return f"exports/{instance.code}{filename[filename.rfind('.') :] if '.' in filename else ''}"


class GeneratedFile(models.Model):
    """One run of a registered export (``export`` is its identifier, ``params`` its options).

    The file is stored under MEDIA_ROOT/exports/ (never served as a static URL: only the owner
    downloads it, through the view) and deleted once ``expires_at`` has passed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "wartet"
        RUNNING = "running", "wird erstellt"
        DONE = "done", "fertig"
        FAILED = "failed", "fehlgeschlagen"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="generated_files",
        verbose_name="angefordert von",
    )
    export = models.CharField("Export", max_length=40)
    params = models.JSONField("Optionen", default=dict, blank=True)
    status = models.CharField("Stand", max_length=8, choices=Status, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("Fortschritt (%)", default=0)
    file = models.FileField("Datei", upload_to=_upload_to, blank=True)
    filename = models.CharField("Dateiname", max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    rows = models.PositiveIntegerField("Zeilen", null=True, blank=True)
    error = models.CharField("Fehler", max_length=300, blank=True)
    created_at = models.DateTimeField("angefordert am", auto_now_add=True)
    finished_at = models.DateTimeField("fertig am", null=True, blank=True)
    expires_at = models.DateTimeField("gelöscht ab", db_index=True)

    objects = GeneratedFileQuerySet.as_manager()

    class Meta:
        verbose_name = "erzeugte Datei"
        verbose_name_plural = "erzeugte Dateien"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="generated_file_progress_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.export} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file) and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def contains_personal_data(self) -> bool:
        from imcase.exports.registry import EXPORTS

        export = EXPORTS.get(self.export)
        # An export no longer registered: warn rather than not.
        return export.personal_data if export else True

    @property
    def title(self) -> str:
        from imcase.exports.registry import EXPORTS

        export = EXPORTS.get(self.export)
        return export.verbose_name if export else self.export
