"""Alerts (Hinweise) raised by the nightly deadline checks, and the record of each night's run."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from imcase.dates import german_date


class AlertQuerySet(models.QuerySet):
    def visible_to(self, user) -> AlertQuerySet:
        """Alerts are personal: a user sees only those addressed to him."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def open(self) -> AlertQuerySet:
        return self.filter(status=Alert.Status.OPEN)


class Alert(models.Model):
    """A deadline that needs someone's attention: one per recipient, subject, kind and due date.

    ``kind`` is the key of the registered check that raised it (see ``registry.py``); the
    subject is the record the deadline belongs to, any model (a generic relation): a client, an
    extension request, a plan version or goal, a municipality's person list, a funding year, a
    Landkreis (its Kennzahlentabelle) or a staff member. ``message`` is German text for the app
    only; the e-mail digest never carries it, because it names the person.
    """

    class Status(models.TextChoices):
        OPEN = "open", "offen"
        DONE = "done", "erledigt"
        # The nightly run found the reason gone (case closed, contact logged, decision made).
        OBSOLETE = "obsolete", "hinfällig"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name="Empfänger:in",
    )
    kind = models.CharField("Art", max_length=40)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    due_date = models.DateField("fällig am")
    message = models.CharField("Hinweis", max_length=300)
    link = models.CharField("Verweis", max_length=200, blank=True)
    status = models.CharField("Stand", max_length=8, choices=Status, default=Status.OPEN)
    created_on = models.DateField("erkannt am")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField("erledigt am", null=True, blank=True)
    emailed_at = models.DateTimeField("per E-Mail gemeldet", null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = "Hinweis"
        verbose_name_plural = "Hinweise"
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_type", "subject_id", "due_date"],
                name="alert_unique_per_recipient_subject_kind_due",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "status"]),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} fällig {german_date(self.due_date)}"

    @property
    def kind_label(self) -> str:
        from imcase.alerts.registry import label_for

        return label_for(self.kind)


class NightlyRun(models.Model):
    """The last run of the deadline checks for one day: when, and what it found."""

    day = models.DateField("Stichtag", unique=True)
    started_at = models.DateTimeField("begonnen")
    finished_at = models.DateTimeField("beendet")
    created = models.JSONField("neue Hinweise je Art", default=dict)
    obsolete = models.PositiveIntegerField("hinfällig geworden", default=0)
    unrouted = models.JSONField("ohne Empfänger:in je Art", default=dict)

    class Meta:
        verbose_name = "nächtlicher Lauf"
        verbose_name_plural = "nächtliche Läufe"
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"Fristenprüfung {german_date(self.day)}"
