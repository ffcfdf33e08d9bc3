"""Abgabe: the Kennzahlentabelle a Kreis submitted for a year, frozen as a file.

A submission is never changed or deleted (the model refuses it, and on PostgreSQL a trigger
refuses it in SQL too); a correction is a new submission with the next number. The stored
file's SHA-256 is checked on every download.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from imcase.locking import Versioned
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Provider, Role

TEXT_MAX_CHARS = 12_000  # about three pages, like the Sachbericht of a Verwendungsnachweis


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


class AnnualReportTextQuerySet(models.QuerySet):
    def visible_to(self, user) -> AnnualReportTextQuerySet:
        """The office: its Kreis's report (``provider`` empty); a team lead: his provider's."""
        scope = scope_for(user)
        if scope.role == Role.OFFICE and scope.landkreis_id:
            return self.filter(landkreis_id=scope.landkreis_id, provider__isnull=True)
        if scope.role == Role.TEAM_LEAD and scope.provider_id:
            return self.filter(provider_id=scope.provider_id)
        return self.none()


class AnnualReportText(Versioned, models.Model):
    """The texts of a Jahresbericht that the office (for the Kreis) or a team lead (for his
    provider) writes: introduction, Sachbericht and outlook, one set per year. The figures of
    the report are never stored: they come from the Kennzahl registry when it is rendered."""

    landkreis = models.ForeignKey(
        Landkreis, on_delete=models.PROTECT, related_name="annual_report_texts"
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="annual_report_texts",
        verbose_name="Träger",
    )
    year = models.PositiveSmallIntegerField("Berichtsjahr")
    introduction = models.TextField("Einleitung", blank=True, max_length=TEXT_MAX_CHARS)
    sachbericht = models.TextField("Sachbericht", blank=True, max_length=TEXT_MAX_CHARS)
    outlook = models.TextField("Ausblick", blank=True, max_length=TEXT_MAX_CHARS)
    updated_at = models.DateTimeField("zuletzt gespeichert", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AnnualReportTextQuerySet.as_manager()

    class Meta:
        verbose_name = "Texte des Jahresberichts"
        verbose_name_plural = "Texte der Jahresberichte"
        constraints = [
            models.UniqueConstraint(
                fields=["landkreis", "year"],
                condition=models.Q(provider__isnull=True),
                name="annual_report_text_unique_kreis",
            ),
            models.UniqueConstraint(
                fields=["provider", "year"],
                condition=models.Q(provider__isnull=False),
                name="annual_report_text_unique_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"Jahresbericht {self.year} ({self.provider or self.landkreis})"


class StoredTable(models.Model):
    """A computed Kennzahlentabelle kept for showing (not a submission: it is replaced by each
    computation). One row per Kreis, year and provider (none: the Kreis's table).

    It is current while the definition version, the data fingerprint (``input_version``, see
    ``reporting/input_version.py``) and — for the running year — the day are those it was
    computed at. ``payload`` holds the columns and lines; a running recomputation keeps the
    previous payload showable and counts ``progress`` up.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "wird berechnet"
        DONE = "done", "berechnet"
        FAILED = "failed", "fehlgeschlagen"

    landkreis = models.ForeignKey(Landkreis, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("Berichtsjahr")
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.RUNNING)
    progress = models.PositiveSmallIntegerField("Fortschritt (%)", default=0)
    requested_at = models.DateTimeField(null=True)
    definition_version = models.CharField(max_length=20, blank=True)
    input_version = models.BigIntegerField(null=True)
    as_of = models.DateField("berechnet für den Tag", null=True)
    computed_at = models.DateTimeField("Stand", null=True)
    duration_ms = models.PositiveIntegerField(null=True)
    payload = models.JSONField(null=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "berechnete Kennzahlentabelle"
        verbose_name_plural = "berechnete Kennzahlentabellen"
        constraints = [
            models.UniqueConstraint(
                fields=["landkreis", "year"],
                condition=models.Q(provider__isnull=True),
                name="one_stored_kreis_table_per_year",
            ),
            models.UniqueConstraint(
                fields=["landkreis", "year", "provider"],
                condition=models.Q(provider__isnull=False),
                name="one_stored_provider_table_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"Kennzahlentabelle {self.year} ({self.get_status_display()})"
