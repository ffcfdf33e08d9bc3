"""The funding year of a Kreis: how much money there is and which period counts.

From 2025 the Land's money for IM (at least 40 Mio. € a year) is split over the Kreise by
their Zuteilungsquote of refugees; each Kreis splits its amount over its municipalities in
proportion to the persons assigned to AU in a three-year Betrachtungszeitraum (VwV IntM 2023,
Nr. 3.2, 4.1.5, 5.3).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from imcase.locking import Versioned
from imcase.organisation.access import NOTHING, scope_for
from imcase.organisation.models import Landkreis, Role

CENT = Decimal("0.01")
FIRST_YEAR = 2025  # the first funding year under the VwV IntM 2023
LAST_YEAR = 2099


def default_period(year: int) -> tuple[dt.date, dt.date]:
    """Betrachtungszeitraum for funding year Y: 1 January Y−5 to 31 December Y−3.

    For 2025 that is 01.01.2020–31.12.2022 (Landkreis Heilbronn, Kreistag 2023).
    """
    return dt.date(year - 5, 1, 1), dt.date(year - 3, 12, 31)


def default_list_deadline(year: int) -> dt.date:
    """Lists go out in December and come back by mid-January of the year before (Heilbronn)."""
    return dt.date(year - 1, 1, 15)


def default_usage_deadline(year: int) -> dt.date:
    """Verwendungsnachweise are due three months after the funding year (31 March after it), as
    the Sachbericht was under the older VwV."""
    return dt.date(year + 1, 3, 31)


class FundingYearQuerySet(models.QuerySet):
    def visible_to(self, user) -> FundingYearQuerySet:
        """The office and the municipalities of the Kreis; nobody else."""
        scope = scope_for(user)
        if scope.role in (Role.OFFICE, Role.MUNICIPALITY) and scope.landkreis_id:
            return self.filter(landkreis_id=scope.landkreis_id)
        return self.filter(NOTHING)


class FundingYear(Versioned, models.Model):
    """Förderjahr: the Kreis's amount for one year and the rules its split follows.

    The Kreis amount is the Land total × the Zuteilungsquote, or entered directly
    (``amount_entered``). Deductions (for example the coordinating position) come off before
    the split. Cost per VZÄ and the Eigenregie threshold are copied from the settings when the
    year is created, so figures published for it do not change with the settings.
    """

    landkreis = models.ForeignKey(
        Landkreis, on_delete=models.PROTECT, related_name="funding_years", verbose_name="Kreis"
    )
    year = models.PositiveSmallIntegerField(
        "Förderjahr",
        validators=[
            MinValueValidator(FIRST_YEAR, "Die Förderung nach der VwV IntM 2023 beginnt 2025."),
            MaxValueValidator(LAST_YEAR),
        ],
    )
    land_total = models.DecimalField(
        "Landesmittel insgesamt (EUR)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    quota_percent = models.DecimalField(
        "Zuteilungsquote des Kreises (%)",
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    amount_entered = models.DecimalField(
        "Betrag des Kreises direkt (EUR)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Statt Landesmittel × Zuteilungsquote, z. B. laut Bescheid.",
    )
    period_start = models.DateField("Betrachtungszeitraum von")
    period_end = models.DateField("Betrachtungszeitraum bis")
    reference_date = models.DateField(
        "Stichtag", help_text="Stand der Listen; in der Regel das Ende des Betrachtungszeitraums."
    )
    list_deadline = models.DateField("Rückmeldefrist der Gemeinden")
    usage_deadline = models.DateField(
        "Frist für die Verwendungsnachweise",
        null=True,
        blank=True,
        help_text="Bis dahin reichen die Träger ihre Verwendungsnachweise ein.",
    )
    cost_per_vza = models.DecimalField(
        "Kosten je VZÄ (EUR)", max_digits=10, decimal_places=2, editable=False
    )
    eigenregie_min_vza = models.DecimalField(
        "Mindeststelle für Eigenregie (VZÄ)", max_digits=4, decimal_places=2, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("angelegt", auto_now_add=True)

    objects = FundingYearQuerySet.as_manager()

    class Meta:
        verbose_name = "Förderjahr"
        verbose_name_plural = "Förderjahre"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["landkreis", "year"], name="funding_year_unique"),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="funding_year_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Förderjahr {self.year} ({self.landkreis})"

    def save(self, *args, **kwargs) -> None:
        if self.cost_per_vza is None:
            self.cost_per_vza = settings.FUNDING_COST_PER_VZA
        if self.eigenregie_min_vza is None:
            self.eigenregie_min_vza = settings.FUNDING_EIGENREGIE_MIN_VZA
        if self.usage_deadline is None and self.year:
            self.usage_deadline = default_usage_deadline(self.year)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        by_quota = self.land_total is not None or self.quota_percent is not None
        if self.amount_entered is not None and by_quota:
            errors["amount_entered"] = (
                "Bitte geben Sie entweder Landesmittel und Zuteilungsquote an oder den Betrag "
                "des Kreises direkt, nicht beides."
            )
        elif self.amount_entered is None and (
            self.land_total is None or self.quota_percent is None
        ):
            message = (
                "Bitte geben Sie Landesmittel und Zuteilungsquote an oder den Betrag des Kreises "
                "direkt."
            )
            if self.land_total is None and self.quota_percent is not None:
                errors["land_total"] = message
            elif self.quota_percent is None and self.land_total is not None:
                errors["quota_percent"] = message
            else:
                errors["amount_entered"] = message
        for name in ("land_total", "amount_entered"):
            if getattr(self, name) is not None and getattr(self, name) < 0:
                errors[name] = "Der Betrag darf nicht negativ sein."
        if self.quota_percent is not None and not 0 < self.quota_percent <= 100:
            errors["quota_percent"] = "Die Quote liegt zwischen 0 und 100 Prozent."
        if self.period_start and self.period_end and self.period_start > self.period_end:
            errors["period_end"] = "Das Ende des Betrachtungszeitraums liegt vor seinem Beginn."
        if self.reference_date and self.period_start and self.reference_date < self.period_start:
            errors["reference_date"] = "Der Stichtag liegt vor dem Betrachtungszeitraum."
        if errors:
            raise ValidationError(errors)

    @property
    def computed_amount(self) -> Decimal | None:
        """Land total × Zuteilungsquote, rounded to the cent (half up)."""
        if self.land_total is None or self.quota_percent is None:
            return None
        return (self.land_total * self.quota_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def kreis_amount(self) -> Decimal | None:
        """The Kreis's amount: entered directly, or computed from the Land total and quota."""
        if self.amount_entered is not None:
            return self.amount_entered
        return self.computed_amount

    @property
    def deductions_total(self) -> Decimal:
        return sum((d.amount for d in self.deductions.all()), Decimal("0.00"))

    @property
    def distributable_amount(self) -> Decimal | None:
        """What is split over the municipalities: the Kreis amount less the deductions."""
        amount = self.kreis_amount
        return None if amount is None else amount - self.deductions_total

    @property
    def eigenregie_min_amount(self) -> Decimal:
        """The money a position of the minimum size costs."""
        return (self.cost_per_vza * self.eigenregie_min_vza).quantize(CENT)


class Deduction(models.Model):
    """Vorwegabzug: an amount taken off the Kreis amount before the split (for example the
    coordinating position). After the year the office enters what it was spent on (``spent``,
    ``vza``, ``use_note``) so that the Gesamtverwendungsnachweis covers the whole Kreis amount."""

    funding_year = models.ForeignKey(
        FundingYear, on_delete=models.CASCADE, related_name="deductions", verbose_name="Förderjahr"
    )
    name = models.CharField("Bezeichnung", max_length=160)
    amount = models.DecimalField(
        "Betrag (EUR)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), "Der Betrag muss größer als null sein.")],
    )
    spent = models.DecimalField(
        "Ausgaben (EUR)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    vza = models.DecimalField(
        "VZÄ",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    use_note = models.CharField("Verwendung", max_length=500, blank=True)

    class Meta:
        verbose_name = "Vorwegabzug"
        verbose_name_plural = "Vorwegabzüge"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} EUR"
