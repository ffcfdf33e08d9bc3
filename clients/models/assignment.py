"""Who is responsible for a case, dated: every change of the responsible manager is one row.

``Client.manager`` holds the current manager (lists filter on it); this table keeps the history,
so figures as of a day (say 31.12.) can ask who was responsible then (``manager_on``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, QuerySet, Subquery, When

from clients.models.client import Client
from imcase.dates import german_date


class ManagerAssignment(models.Model):
    """From ``valid_from`` on, ``manager`` (None: nobody) is responsible for ``client``."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "zugewiesen"
        TAKEN_OVER = "taken_over", "übernommen"
        CREATED = "created", "bei Neuanlage"
        RELEASED = "released", "Zuordnung aufgehoben"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="manager_assignments")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="zuständige:r Integrationsmanager:in",
    )
    previous_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bisher zuständig",
    )
    valid_from = models.DateField("zuständig ab")
    kind = models.CharField("Art", max_length=12, choices=Kind, default=Kind.ASSIGNED)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("erfasst", auto_now_add=True)

    class Meta:
        verbose_name = "Zuordnung"
        verbose_name_plural = "Zuordnungen"
        ordering = ["-valid_from", "-pk"]
        indexes = [models.Index(fields=["client", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ab {german_date(self.valid_from)}"


def manager_on(client: Client, day: dt.date):
    """The user responsible for ``client`` on ``day`` (None if nobody or before any record).

    Cases from before this table (or imported) have no row until their first assignment:
    then the current manager counts, since nothing changed since."""
    latest = (
        ManagerAssignment.objects.filter(client=client, valid_from__lte=day)
        .order_by("-valid_from", "-pk")
        .first()
    )
    if latest is not None:
        return latest.manager
    if not ManagerAssignment.objects.filter(client=client).exists():
        return client.manager
    return None


def with_manager_on(clients: QuerySet, day: dt.date) -> QuerySet:
    """``clients`` annotated with ``manager_on_day`` (a user id or None): the rule of
    ``manager_on`` in one query, for figures as of a day (say 31.12.)."""
    rows = ManagerAssignment.objects.filter(client=OuterRef("pk"))
    latest = rows.filter(valid_from__lte=day).order_by("-valid_from", "-pk").values("manager")[:1]
    return clients.annotate(
        manager_on_day=Case(
            When(Exists(rows), then=Subquery(latest)),
            default=F("manager_id"),
            output_field=models.IntegerField(),
        )
    )
