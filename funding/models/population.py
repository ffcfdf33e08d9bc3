"""A second distribution key: programmes split by Einwohnerzahl among their applicants.

Böblingen received 282,709.99 € a year from the Land's Soforthilfe Ukraine and passed it on to
the applicants "anteilmäßig nach Einwohnerzahl"; each applicant had to create a position of at
least 0.5 VZÄ with it. Such a programme is not tied to the funding year of the IM split: it has
its own amount, year and minimum position.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from funding.split import SplitError, split_amount
from imcase.locking import Versioned
from imcase.organisation.access import NOTHING, scope_for
from imcase.organisation.models import Landkreis, Municipality, Role


class PopulationProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user) -> PopulationProgrammeQuerySet:
        """Programmes are run by the coordinating office; only it sees them."""
        scope = scope_for(user)
        if scope.role == Role.OFFICE and scope.landkreis_id:
            return self.filter(landkreis_id=scope.landkreis_id)
        return self.filter(NOTHING)


class PopulationProgramme(Versioned, models.Model):
    """Programm nach Einwohnerzahl: an amount split over the applicant municipalities in
    proportion to their population, with a minimum position per applicant."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    landkreis = models.ForeignKey(
        Landkreis, on_delete=models.PROTECT, related_name="population_programmes"
    )
    name = models.CharField("Programm", max_length=160)
    year = models.PositiveSmallIntegerField(
        "Jahr", validators=[MinValueValidator(2000), MaxValueValidator(2099)]
    )
    amount = models.DecimalField(
        "Betrag (EUR)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    min_vza = models.DecimalField(
        "Mindeststelle je Antragsteller (VZÄ)",
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("99"))],
    )
    cost_per_vza = models.DecimalField(
        "Kosten je VZÄ (EUR)",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    municipalities = models.ManyToManyField(
        Municipality, through="PopulationApplicant", related_name="+", verbose_name="Antragsteller"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("angelegt", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = PopulationProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "Programm nach Einwohnerzahl"
        verbose_name_plural = "Programme nach Einwohnerzahl"
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["landkreis", "name", "year"], name="population_programme_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"

    @property
    def min_amount(self) -> Decimal:
        """What a position of the minimum size costs."""
        return (self.cost_per_vza * self.min_vza).quantize(Decimal("0.01"))

    def split(self) -> list[PopulationLine]:
        """Each applicant's part by its current Einwohnerzahl (one query); SplitError in
        German when there is nothing to split over."""
        applicants = self.applicants.select_related("municipality")
        rows = [
            (a.municipality.ags, a.municipality.name, a.municipality.population) for a in applicants
        ]
        return split_by_population(self.amount, rows, self.cost_per_vza, self.min_vza)


class PopulationApplicant(models.Model):
    """A municipality that applied for a programme; its share follows its Einwohnerzahl."""

    programme = models.ForeignKey(
        PopulationProgramme, on_delete=models.CASCADE, related_name="applicants"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField("eingetragen am", auto_now_add=True)

    class Meta:
        verbose_name = "Antragsteller"
        verbose_name_plural = "Antragsteller"
        ordering = ["municipality__ags"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "municipality"], name="population_applicant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} ({self.programme})"


@dataclass(frozen=True)
class PopulationLine:
    """One applicant's part of a programme."""

    ags: str
    name: str
    population: int
    share: Decimal
    amount: Decimal
    vza: Decimal
    reaches_minimum: bool  # amount ÷ cost per VZÄ ≥ the minimum position


def split_by_population(
    amount: Decimal,
    applicants: Iterable[tuple[str, str, int]],
    cost_per_vza: Decimal,
    min_vza: Decimal,
) -> list[PopulationLine]:
    """Split ``amount`` over ``applicants`` (AGS, name, Einwohnerzahl) in proportion to their
    population, to the cent by the largest remainder (``funding.split``); in AGS order.

    Whether an applicant reaches the minimum position is decided on the exact amount
    (amount ≥ cost per VZÄ × minimum), not on the rounded VZÄ."""
    rows = sorted(applicants)
    if not rows:
        raise SplitError("Für das Programm sind noch keine Antragsteller eingetragen.")
    if sum(population for _, _, population in rows) == 0:
        raise SplitError(
            "Für keinen Antragsteller ist eine Einwohnerzahl eingetragen: der Betrag kann nicht "
            "verteilt werden."
        )
    lines = split_amount(
        amount, [(ags, population) for ags, _, population in rows], cost_per_vza, min_vza
    )
    return [
        PopulationLine(
            ags=ags,
            name=name,
            population=population,
            share=line.share,
            amount=line.amount,
            vza=line.vza,
            reaches_minimum=not line.below_threshold,
        )
        for (ags, name, population), line in zip(rows, lines, strict=True)
    ]
