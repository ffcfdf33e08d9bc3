"""Step 6 of the funding procedure: the published split, frozen.

Publishing stores every figure the allocation sheets show — the parameters of the year and one
row per municipality — as a numbered revision. Later changes of the lists, the client data,
the year or the settings do not alter a published revision; a correction is a new revision
with a higher number and a reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from funding.models.year import FundingYear
from imcase.organisation.access import NOTHING, scope_for
from imcase.organisation.models import Municipality, Role


class AllocationRevisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> AllocationRevisionQuerySet:
        """Kreis-level figures: the office and the municipalities of the Kreis."""
        return self.filter(funding_year__in=FundingYear.objects.visible_to(user))


class AllocationRevision(models.Model):
    """Veröffentlichung (Revision n) of the split for one funding year, with its parameters."""

    funding_year = models.ForeignKey(
        FundingYear, on_delete=models.PROTECT, related_name="revisions", verbose_name="Förderjahr"
    )
    number = models.PositiveSmallIntegerField("Revision")
    published_at = models.DateTimeField("veröffentlicht am")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="veröffentlicht von",
    )
    note = models.TextField("Grund der Korrektur", blank=True)
    land_total = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    quota_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True)
    kreis_amount = models.DecimalField("Betrag des Kreises", max_digits=14, decimal_places=2)
    deductions = models.JSONField("Vorwegabzüge", default=list)  # [{"name": …, "amount": "…"}]
    distributable_amount = models.DecimalField(
        "verteilbarer Betrag", max_digits=14, decimal_places=2
    )
    cost_per_vza = models.DecimalField("Kosten je VZÄ", max_digits=10, decimal_places=2)
    eigenregie_min_vza = models.DecimalField(
        "Mindeststelle für Eigenregie (VZÄ)", max_digits=4, decimal_places=2
    )
    period_start = models.DateField("Betrachtungszeitraum von")
    period_end = models.DateField("Betrachtungszeitraum bis")
    reference_date = models.DateField("Stichtag")
    total_persons = models.PositiveIntegerField("Personen im Kreis")

    objects = AllocationRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = "Veröffentlichte Verteilung"
        verbose_name_plural = "Veröffentlichte Verteilungen"
        ordering = ["funding_year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_year", "number"], name="allocation_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Verteilung {self.funding_year.year}, Revision {self.number}"

    @property
    def deductions_total(self) -> Decimal:
        return sum((Decimal(d["amount"]) for d in self.deductions), Decimal("0.00"))

    @property
    def eigenregie_min_amount(self) -> Decimal:
        return (self.cost_per_vza * self.eigenregie_min_vza).quantize(Decimal("0.01"))


class AllocationQuerySet(models.QuerySet):
    def visible_to(self, user) -> AllocationQuerySet:
        """A municipality sees its own rows; the office all rows of its Kreis."""
        scope = scope_for(user)
        if scope.role == Role.OFFICE and scope.landkreis_id:
            return self.filter(revision__funding_year__landkreis_id=scope.landkreis_id)
        if scope.role == Role.MUNICIPALITY and scope.municipality_id:
            return self.filter(municipality_id=scope.municipality_id)
        return self.filter(NOTHING)


class Allocation(models.Model):
    """Zuteilung: one municipality's published figures in one revision (name and AGS copied,
    so the sheet reads as published)."""

    class Source(models.TextChoices):
        LIST = "list", "Personenliste"
        CLIENT_DATA = "client_data", "Zuweisungsdaten (keine Liste)"

    revision = models.ForeignKey(
        AllocationRevision,
        on_delete=models.CASCADE,
        related_name="allocations",
        verbose_name="Revision",
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="allocations", verbose_name="Gemeinde"
    )
    ags = models.CharField("AGS", max_length=8)
    municipality_name = models.CharField("Gemeinde", max_length=120)
    persons = models.PositiveIntegerField("Personen")
    share = models.DecimalField("Anteil", max_digits=11, decimal_places=10)
    amount = models.DecimalField("Betrag (EUR)", max_digits=14, decimal_places=2)
    vza = models.DecimalField("VZÄ", max_digits=8, decimal_places=2)
    below_threshold = models.BooleanField("unter der Mindeststelle für Eigenregie")
    source = models.CharField("Grundlage", max_length=12, choices=Source)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = "Zuteilung"
        verbose_name_plural = "Zuteilungen"
        ordering = ["ags"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "municipality"], name="allocation_unique_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_name}: {self.amount} EUR"
