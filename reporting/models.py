"""Abgabe: the Kennzahlentabelle a Kreis submitted for a year, frozen as a file.

A submission is never changed or deleted (the model refuses it, and on PostgreSQL a trigger
refuses it in SQL too); a correction is a new submission with the next number. The stored
file's SHA-256 is checked on every download.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Role


class ImmutableError(Exception):
    """A submission was to be changed or deleted."""


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user) -> SubmissionQuerySet:
        """The office sees its Kreis's submissions, the RP those of the Kreise of its region;
        nobody else any."""
        scope = scope_for(user)
        if scope.role not in (Role.OFFICE, Role.RP):
            return self.none()
        return self.filter(landkreis__in=Landkreis.objects.filter(scope.landkreis_q()))

    def update(self, **kwargs):
        raise ImmutableError("Abgaben können nicht geändert werden.")

    def delete(self):
        raise ImmutableError("Abgaben können nicht gelöscht werden.")


def submission_path(instance: Submission, filename: str) -> str:
    return f"kennzahlen/{instance.landkreis_id}/{instance.year}/{filename}"


class Submission(models.Model):
    """Abgabe n of the Kreis's Kennzahlentabelle for a reporting year (n = 1, 2, …)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    landkreis = models.ForeignKey(
        Landkreis, on_delete=models.PROTECT, related_name="submissions", verbose_name="Kreis"
    )
    year = models.PositiveSmallIntegerField("Berichtsjahr")
    number = models.PositiveSmallIntegerField("Abgabe Nr.")
    definition_version = models.CharField("Fassung der Tabelle", max_length=20)
    file = models.FileField("Datei", upload_to=submission_path, max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("Größe (Bytes)")
    note = models.TextField("Grund der Korrektur", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="abgegeben von",
    )
    submitted_by_name = models.CharField("abgegeben von (Name)", max_length=300)
    submitted_at = models.DateTimeField("abgegeben am")

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "Abgabe der Kennzahlentabelle"
        verbose_name_plural = "Abgaben der Kennzahlentabelle"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["landkreis", "year", "number"], name="submission_unique_number"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="submission_number_1"),
        ]

    def __str__(self) -> str:
        return f"Kennzahlentabelle {self.year}, Abgabe {self.number} ({self.landkreis})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise ImmutableError("Eine Abgabe kann nicht mehr geändert werden.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Eine Abgabe kann nicht gelöscht werden.")

    @property
    def filename(self) -> str:
        return f"kennzahlentabelle-{self.year}-abgabe-{self.number}.xlsx"

    @property
    def is_correction(self) -> bool:
        return self.number > 1
