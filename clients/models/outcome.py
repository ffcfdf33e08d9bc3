"""Outcomes (Wirkungen): what changed for a person, dated — a German course and its certificate,
school or recognition, work or training, an own tenancy, independence from benefits.

The vocabulary (``OutcomeKind``) is data an administrator can extend in the admin. Each kind
belongs to one fixed ``Category`` and says which details it takes (a period, a certificate
level, an hours band); the figures count by category and by the two flags
``counts_as_work_or_training`` and ``counts_as_own_tenancy``, never by a kind's name, so a
renamed or added kind counts without a code change. A kind is valid for the years
``first_year``..``last_year`` (like a Kennzahl definition): a retired kind stays on the events
recorded with it and is no longer offered for new ones.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clients.models.client import Client
from imcase.dates import german_date
from imcase.locking import Versioned
from imcase.organisation.access import scope_for
from imcase.organisation.models import Provider


class OutcomeCategory(models.TextChoices):
    LANGUAGE = "sprache", "Deutschkurs und Sprachzertifikat"
    EDUCATION = "bildung", "Schule und Anerkennung"
    WORK = "arbeit", "Arbeit und Ausbildung"
    HOUSING = "wohnen", "Wohnen"
    BENEFITS = "leistungen", "Unabhängigkeit von Sozialleistungen"


class CertificateLevel(models.TextChoices):
    """GER levels; the order of the choices is the order of the levels."""

    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


LEVELS_FROM_B1 = ("B1", "B2", "C1", "C2")


class HoursBand(models.TextChoices):
    UNDER_15 = "unter15", "unter 15 Stunden/Woche"
    FROM_15 = "15bis29", "15 bis 29 Stunden/Woche"
    FROM_30 = "ab30", "30 Stunden/Woche und mehr"


class OutcomeSource(models.TextChoices):
    SELF_REPORT = "selbstauskunft", "Selbstauskunft"
    EVIDENCE_SEEN = "nachweis", "Nachweis gesehen"
    JOBCENTER = "jobcenter", "Mitteilung Jobcenter"


class OutcomeKind(models.Model):
    """One entry of the outcome vocabulary (Integrationskurs, Ausbildung, eigene Wohnung, …)."""

    code = models.SlugField("Kennung", max_length=40, unique=True)
    name = models.CharField("Bezeichnung", max_length=100)
    category = models.CharField("Bereich", max_length=12, choices=OutcomeCategory)
    has_period = models.BooleanField("mit Beginn und Ende", default=True)
    has_level = models.BooleanField("mit Zertifikatsniveau", default=False)
    has_hours = models.BooleanField("mit Stundenumfang", default=False)
    counts_as_work_or_training = models.BooleanField("zählt als Arbeit/Ausbildung", default=False)
    counts_as_own_tenancy = models.BooleanField("zählt als eigene Wohnung", default=False)
    first_year = models.PositiveSmallIntegerField("gültig ab Jahr", default=2023)
    last_year = models.PositiveSmallIntegerField("gültig bis Jahr", null=True, blank=True)
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Art der Wirkung"
        verbose_name_plural = "Arten der Wirkung"
        ordering = ["category", "position", "name"]

    def __str__(self) -> str:
        return self.name

    def valid_in(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class OutcomeEventQuerySet(models.QuerySet):
    def counted(self) -> OutcomeEventQuerySet:
        """Without withdrawn entries: what every figure counts."""
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user) -> OutcomeEventQuerySet:
        """Outcomes of clients the user may see, recorded at the user's own provider."""
        scope = scope_for(user)
        return self.filter(scope.client_q("client__municipality"), provider_id=scope.provider_id)


class OutcomeEvent(Versioned, models.Model):
    """One dated outcome of one person.

    ``started_on`` is the day the outcome began (course or job start, enrolment, move into the
    own flat, first month without benefits); ``certificate_level``/``certificate_on`` record a
    language certificate. ``reached_on`` is the day the figures count: the certificate's date
    for a certificate, else ``started_on``. Corrections keep their history; a wrong entry is
    withdrawn (kept, not counted), never deleted.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="outcomes")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(OutcomeKind, on_delete=models.PROTECT, verbose_name="Art")
    started_on = models.DateField("Beginn / Datum")
    ended_on = models.DateField("Ende", null=True, blank=True)
    certificate_level = models.CharField(
        "Zertifikat (Niveau)", max_length=2, choices=CertificateLevel, blank=True
    )
    certificate_on = models.DateField("Zertifikat vom", null=True, blank=True)
    hours_band = models.CharField("Stundenumfang", max_length=8, choices=HoursBand, blank=True)
    source = models.CharField("Quelle", max_length=16, choices=OutcomeSource)
    note = models.CharField("Anmerkung", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("erfasst am", auto_now_add=True)
    withdrawn_at = models.DateTimeField("zurückgenommen am", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField("Grund der Rücknahme", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = OutcomeEventQuerySet.as_manager()

    class Meta:
        verbose_name = "Wirkung"
        verbose_name_plural = "Wirkungen"
        ordering = ["client", "-started_on", "-pk"]
        indexes = [models.Index(fields=["client", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="outcome_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(certificate_level="") | Q(certificate_on__isnull=False),
                name="outcome_certificate_has_date",
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.kind} ab {german_date(self.started_on)}"
        if self.certificate_level:
            text += f", Zertifikat {self.certificate_level} am {german_date(self.certificate_on)}"
        return text

    @property
    def reached_on(self):
        return self.certificate_on if self.certificate_level else self.started_on
