"""The Integrationsplan of one client and its versions (Fassungen).

A client has at most one ``Plan``. Its content lives in ``PlanVersion`` rows: the current one
is edited; a *Fortschreibung* freezes it and starts the next number with the goals that are
still open. Earlier versions stay readable and unchanged.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from clients.models import Client
from imcase.dates import german_date
from imcase.locking import Versioned
from imcase.organisation.access import scope_for


class GoalField(models.Model):
    """Handlungsfeld of a goal (Sprache, Arbeitsmarkt, Wohnen, …); data, so that an
    administrator can extend the list. Independence is rated per field."""

    name = models.CharField("Handlungsfeld", max_length=80, unique=True)
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "Handlungsfeld"
        verbose_name_plural = "Handlungsfelder"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        """Plans follow their client's scope: the only entry point for plan data."""
        return self.filter(scope_for(user).client_q("client__municipality"))


class Plan(Versioned, models.Model):
    """The Integrationsplan of one client. ``code`` is the opaque identifier in URLs.

    ``lock_version`` is raised by every change to any part of the plan (optimistic locking):
    a save based on an older page is refused instead of overwriting someone else's work.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="plan", verbose_name="Klient:in"
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    version_field = "lock_version"
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("angelegt", auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "Integrationsplan"
        verbose_name_plural = "Integrationspläne"

    def __str__(self) -> str:
        return f"Integrationsplan {self.client}"


class PlanVersionQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanVersionQuerySet:
        return self.filter(scope_for(user).client_q("plan__client__municipality"))

    def current(self) -> PlanVersionQuerySet:
        return self.filter(is_current=True)

    def review_overdue(self, today: dt.date) -> PlanVersionQuerySet:
        """Current versions of open cases whose review date has passed."""
        return self.current().filter(
            next_review_on__lt=today, plan__client__status=Client.Status.OPEN
        )


class PlanVersion(models.Model):
    """One Fassung of a plan: agreed on a date, to be reviewed by ``next_review_on``.

    Only the current version (``is_current``) may change; ``superseded_at`` records when a
    Fortschreibung froze it.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("Fassung")
    agreed_on = models.DateField("vereinbart am")
    next_review_on = models.DateField("nächste Überprüfung")
    is_current = models.BooleanField("aktuelle Fassung", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="angelegt von",
    )
    created_at = models.DateTimeField("angelegt", auto_now_add=True)
    superseded_at = models.DateTimeField("fortgeschrieben am", null=True, blank=True)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "Fassung des Integrationsplans"
        verbose_name_plural = "Fassungen des Integrationsplans"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(is_current=True), name="plan_one_current_version"
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__gt=models.F("agreed_on")),
                name="plan_version_review_after_agreement",
            ),
        ]
        indexes = [models.Index(fields=["is_current", "next_review_on"])]

    def __str__(self) -> str:
        return f"Fassung {self.number} vom {german_date(self.agreed_on)}"

    def review_overdue(self, today: dt.date) -> bool:
        """The review date has passed while this is the current version of an open case
        (select ``plan__client`` along, or this costs two queries)."""
        return (
            self.is_current
            and self.next_review_on < today
            and self.plan.client.status == Client.Status.OPEN
        )
