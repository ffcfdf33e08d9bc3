"""Consultations (Beratungskontakte): one contact with one client or several household members,
its topics and its referrals to the regular services (Regeldienste)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

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
    def counted(self) -> ConsultationQuerySet:
        """Without withdrawn (stornierte) contacts: what every figure and deadline counts."""
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user) -> ConsultationQuerySet:
        """Consultations of clients the user may see, recorded by the user's own provider."""
        scope = scope_for(user)
        return self.filter(
            scope.client_q("participants__client__municipality"), provider_id=scope.provider_id
        ).distinct()


class ConsultationSnapshot(models.Model):
    """Extra columns of each historical version of a contact: who took part and which
    referrals it had (ids, so an anonymised person's name is not kept here). Null in versions
    written before they were recorded: the change history then shows no change for them."""

    participant_ids = models.JSONField("Teilnehmende", null=True, blank=True)
    referral_service_ids = models.JSONField("Vermittlungen", null=True, blank=True)

    class Meta:
        abstract = True


class CountedConsultationManager(models.Manager.from_queryset(ConsultationQuerySet)):
    """The default manager: a withdrawn contact is left out of every query that does not ask
    for it (``Consultation.all_objects``), so no figure, list or deadline can forget it."""

    def get_queryset(self) -> ConsultationQuerySet:
        return super().get_queryset().counted()


class OfCountedConsultationManager(models.Manager):
    """Default manager of the rows hanging off a contact (participants, referrals): the rows of
    a withdrawn contact are left out; ``all_objects`` has them all (history, anonymisation)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(consultation__withdrawn_at__isnull=True)


class AllRowsManager(models.Manager):
    """Every row, those of withdrawn contacts too: for a contact's own page and history."""


class Consultation(Versioned, models.Model):
    """One counselling contact. ``provider`` is the provider whose manager held it.

    A wrongly entered contact is withdrawn (storniert), not deleted: ``withdrawn_at``, ``_by``
    and the reason are set, it stays in the history, the timeline and the audit log, and it
    leaves every figure (the default manager ``objects`` excludes it)."""

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
    withdrawn_at = models.DateTimeField("storniert am", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="storniert von",
    )
    withdrawal_reason = models.TextField("Grund der Stornierung", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CountedConsultationManager()
    all_objects = ConsultationQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=[topics], bases=[ConsultationSnapshot]
    )

    class Meta:
        verbose_name = "Beratungskontakt"
        verbose_name_plural = "Beratungskontakte"
        ordering = ["-date", "-pk"]
        default_manager_name = "objects"
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} am {german_date(self.date)}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ConsultationParticipant(models.Model):
    """A client taking part in a consultation. ``funded`` is false for a contact after the
    counselling window (only possible for providers that counsel longer at their own cost)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="participations")
    funded = models.BooleanField("gefördert", default=True)

    objects = OfCountedConsultationManager()
    all_objects = AllRowsManager()

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

    objects = OfCountedConsultationManager()
    all_objects = AllRowsManager()

    class Meta:
        verbose_name = "Vermittlung"
        verbose_name_plural = "Vermittlungen"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_status_display()})"


def consultation_snapshot(consultation_id: int) -> dict:
    """Who takes part in the contact and which services it refers to, as stored now."""
    return {
        "participant_ids": sorted(
            ConsultationParticipant.all_objects.filter(consultation_id=consultation_id).values_list(
                "client_id", flat=True
            )
        ),
        "referral_service_ids": list(
            Referral.all_objects.filter(consultation_id=consultation_id)
            .order_by("pk")
            .values_list("service_id", flat=True)
        ),
    }


def complete_first_version(consultation: Consultation) -> None:
    """After logging a contact: its first version ("angelegt") was written before its topics,
    participants and referrals were; give it them, so the first change shows only the change."""
    first = consultation.history.order_by("history_id").first()
    if first is None:
        return
    Consultation.history.filter(pk=first.pk).update(**consultation_snapshot(consultation.pk))
    topic_history = Consultation.history.model.topics.model
    topic_history.objects.filter(history_id=first.pk).delete()
    topic_history.objects.bulk_create(
        topic_history(
            id=link.pk,
            history_id=first.pk,
            consultation_id=link.consultation_id,
            topic_id=link.topic_id,
        )
        for link in Consultation.topics.through.objects.filter(consultation_id=consultation.pk)
    )


@receiver(pre_create_historical_record, sender=Consultation.history.model)
def _snapshot(sender, instance: Consultation, history_instance, **kwargs) -> None:
    """Each version of a contact keeps who took part and its referrals (for the history)."""
    if instance.pk is not None:
        for name, value in consultation_snapshot(instance.pk).items():
            setattr(history_instance, name, value)
