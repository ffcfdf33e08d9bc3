"""Consultations (Beratungskontakte): one contact with one client or several household members,
its topics and its referrals to the regular services (Regeldienste)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from clients.models.client import Client
from imcase.dates import german_date
from imcase.locking import Versioned
from imcase.organisation.access import scope_for
from imcase.organisation.models import Provider


class Topic(models.Model):
    """A consultation topic; kept as data so administrators can extend the list."""

    name = models.CharField("Thema", max_length=80, unique=True)
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "Thema"
        verbose_name_plural = "Themen"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class RegularService(models.Model):
    """A Regeldienst clients are referred to (Jobcenter, MBE, JMD, …)."""

    name = models.CharField("Regeldienst", max_length=100, unique=True)
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "Regeldienst"
        verbose_name_plural = "Regeldienste"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user) -> ConsultationQuerySet:
        """Consultations of clients the user may see, recorded by the user's own provider."""
        scope = scope_for(user)
        return self.filter(
            scope.client_q("participants__client__municipality"), provider_id=scope.provider_id
        ).distinct()


class Consultation(Versioned, models.Model):
    """One counselling contact. ``provider`` is the provider whose manager held it."""

    class Kind(models.TextChoices):
        EXPLORATORY = "sondierung", "Sondierungsgespräch"
        COUNSELLING = "beratung", "Beratung"
        CRISIS = "krise", "Krisenintervention"
        ACCOMPANYING = "begleitung", "Begleitung"

    class Setting(models.TextChoices):
        OFFICE_HOURS = "sprechstunde", "Sprechstunde"
        OUTREACH = "aufsuchend", "aufsuchend"
        OFFICE = "buero", "Büro"
        PHONE = "telefonisch", "telefonisch"
        ONLINE = "online", "online"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("Datum", db_index=True)
    duration_minutes = models.PositiveSmallIntegerField("Dauer (Minuten)")
    kind = models.CharField("Art", max_length=12, choices=Kind, default=Kind.COUNSELLING)
    setting = models.CharField(
        "Setting", max_length=12, choices=Setting, default=Setting.OFFICE_HOURS
    )
    topics = models.ManyToManyField(Topic, blank=True, verbose_name="Themen")
    interpreter_language = models.CharField("Sprachmittlung (Sprache)", max_length=60, blank=True)
    note = models.TextField("Notiz", blank=True)
    next_appointment = models.DateTimeField("nächster Termin", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[topics])

    class Meta:
        verbose_name = "Beratungskontakt"
        verbose_name_plural = "Beratungskontakte"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} am {german_date(self.date)}"


class ConsultationParticipant(models.Model):
    """A client taking part in a consultation. ``funded`` is false for a contact after the
    counselling window (only possible for providers that counsel longer at their own cost)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="participations")
    funded = models.BooleanField("gefördert", default=True)

    class Meta:
        verbose_name = "Teilnahme"
        verbose_name_plural = "Teilnahmen"
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "client"], name="participant_unique_client"
            )
        ]
        indexes = [models.Index(fields=["client", "consultation"])]

    def __str__(self) -> str:
        return f"{self.client} – {self.consultation}"


class Referral(models.Model):
    """Verweisberatung: a referral to a Regeldienst and whether the client got there."""

    class Status(models.TextChoices):
        REFERRED = "vermittelt", "vermittelt"
        ATTENDED = "wahrgenommen", "wahrgenommen"
        NOT_ATTENDED = "nicht_wahrgenommen", "nicht wahrgenommen"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="referrals"
    )
    service = models.ForeignKey(
        RegularService, on_delete=models.PROTECT, verbose_name="Regeldienst"
    )
    note = models.CharField("Notiz", max_length=300, blank=True)
    status = models.CharField("Stand", max_length=20, choices=Status, default=Status.REFERRED)
    status_changed_on = models.DateField("Stand vom", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Vermittlung"
        verbose_name_plural = "Vermittlungen"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_status_display()})"
