"""Refugees in Anschlussunterbringung (AU) counselled by the Integrationsmanagement."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Municipality


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user) -> ClientQuerySet:
        """The only entry point for person-level data: what this user may see in person."""
        return self.filter(scope_for(user).client_q())


class Client(models.Model):
    """A person in AU. ``code`` is the opaque identifier used in URLs and exports."""

    class Sex(models.TextChoices):
        MALE = "m", "männlich"
        FEMALE = "w", "weiblich"
        DIVERSE = "d", "divers"

    class ArrivalKind(models.TextChoices):
        ZUWEISUNG = "zuweisung", "Zuweisung"
        FAMILIENNACHZUG = "familiennachzug", "Familiennachzug"
        GEBURT = "geburt", "Geburt"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    landkreis = models.ForeignKey(Landkreis, on_delete=models.PROTECT, verbose_name="Kreis")
    aktenzeichen = models.CharField("Aktenzeichen", max_length=40)
    last_name = models.CharField("Nachname", max_length=120)
    first_name = models.CharField("Vorname", max_length=120)
    birth_date = models.DateField("Geburtsdatum")
    sex = models.CharField("Geschlecht", max_length=1, choices=Sex)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="clients", verbose_name="Wohngemeinde"
    )
    arrival_kind = models.CharField(
        "Zugangsart", max_length=16, choices=ArrivalKind, default=ArrivalKind.ZUWEISUNG
    )
    assignment_date = models.DateField("Zuweisung in die AU")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name="zuständige:r Integrationsmanager:in",
    )
    created_at = models.DateTimeField("angelegt", auto_now_add=True)
    updated_at = models.DateTimeField("geändert", auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = "Klient:in"
        verbose_name_plural = "Klient:innen"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["landkreis", "aktenzeichen"], name="client_unique_aktenzeichen"
            )
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.aktenzeichen})"
