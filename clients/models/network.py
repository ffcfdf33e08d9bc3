"""Netzwerkarbeit: a manager's work that is not about one person — a round table, coordinating
volunteers (Ehrenamt), an information event, a cooperation meeting with a Regeldienst.

The VwV IntM counts network work and the cooperation with volunteers among the tasks of
Integrationsmanagement. An activity belongs to the provider whose manager recorded it; it is
seen by the managers and team leads of that provider only (the office sees the aggregates on
the dashboard and in the Jahresbericht). A wrong entry is withdrawn (kept, not counted), never
deleted, like a counselling contact.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from clients.models.consultation import RegularService
from imcase.dates import german_date
from imcase.locking import Versioned
from imcase.organisation.access import NOTHING, scope_for
from imcase.organisation.models import Provider


class NetworkActivityKind(models.TextChoices):
    ROUND_TABLE = "runder_tisch", "Runder Tisch"
    VOLUNTEERS = "ehrenamt", "Ehrenamtskoordination"
    INFORMATION_EVENT = "information", "Informationsveranstaltung"
    COOPERATION = "kooperation", "Kooperationstreffen"
    OTHER = "andere", "andere Netzwerkarbeit"


class NetworkActivityQuerySet(models.QuerySet):
    def counted(self) -> NetworkActivityQuerySet:
        """Without withdrawn entries: what every figure counts."""
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user) -> NetworkActivityQuerySet:
        """Activities of the user's own provider, for its managers and team leads. The office
        has no list of them (its figures are aggregates: ``reporting``)."""
        scope = scope_for(user)
        if not scope.is_case_worker or not scope.provider_id:
            return self.filter(NOTHING)
        return self.filter(provider_id=scope.provider_id)


# Kept by name so that a service can write one version with the partners already set
# (``clients.network_services``): the partners are saved quietly, then this writes the version.
HISTORY = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=["partners"])


class NetworkActivity(Versioned, models.Model):
    """One activity of network or volunteer work (Netzwerkarbeit), dated, with its length.

    ``partners`` are the Regeldienste that took part, ``other_partners`` anyone else in free
    text (a club, a church parish, the volunteers' circle). ``participants`` is the number of
    people present, the manager included. The minutes count as working time in the staff
    figures (``reporting.kennzahlen.queries_network``).
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("Art", max_length=16, choices=NetworkActivityKind)
    date = models.DateField("Datum", db_index=True)
    duration_minutes = models.PositiveSmallIntegerField("Dauer (Minuten)")
    topic = models.CharField("Thema", max_length=200)
    partners = models.ManyToManyField(
        RegularService, blank=True, related_name="+", verbose_name="Regeldienste"
    )
    other_partners = models.CharField("weitere Partner", max_length=300, blank=True)
    participants = models.PositiveSmallIntegerField("Teilnehmende (Anzahl)")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("erfasst am", auto_now_add=True)
    updated_at = models.DateTimeField("geändert am", auto_now=True)
    withdrawn_at = models.DateTimeField("zurückgenommen am", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="zurückgenommen von",
    )
    withdrawal_reason = models.CharField("Grund der Rücknahme", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HISTORY

    objects = NetworkActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "Netzwerkaktivität"
        verbose_name_plural = "Netzwerkaktivitäten"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["provider", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="network_activity_has_duration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} am {german_date(self.date)}"

    @property
    def partners_text(self) -> str:
        """The Regeldienste and the other partners in one line (prefetch ``partners``)."""
        names = [partner.name for partner in self.partners.all()]
        if self.other_partners:
            names.append(self.other_partners)
        return ", ".join(names)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
