"""A second distribution key: programmes split by Einwohnerzahl among their applicants.

Böblingen received 282,709.99 € a year from the Land's Soforthilfe Ukraine and passed it on to
the applicants "anteilmäßig nach Einwohnerzahl"; each applicant had to create a position of at
least 0.5 VZÄ with it. Such a programme is not tied to the funding year of the IM split: it has
its own amount, year and minimum position.

Applicants are the Landkreis, a municipality or a Verbund (Böblingen: 13 applicants); a
Landkreis or a Verbund applies for several municipalities, whose Einwohnerzahl it adds up.
Afterwards each applicant reports the position it actually created (VZÄ, from when, with own
funds or not): "Mindeststelle erreicht" is judged from that position, not from the grant alone
(many small towns topped the grant up from their own funds). The money of applicants whose
position stays below the minimum is not used: the office redistributes it over the applicants
that reached the minimum, or marks it for another purpose with a note (Böblingen: a course in
transcultural trauma pedagogy for all integration managers).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

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


class RemainderUse(models.TextChoices):
    REDISTRIBUTED = "redistributed", "an die Antragsteller mit Mindeststelle umverteilt"
    OTHER_PURPOSE = "other_purpose", "für einen anderen Zweck verwendet"


class PopulationProgramme(Versioned, models.Model):
    """Programm nach Einwohnerzahl: an amount split over the applicants (Landkreis,
    municipalities, Verbünde) in proportion to their population, with a minimum position per
    applicant. ``remainder_*``: what became of the money applicants did not use."""

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
    remainder_use = models.CharField(
        "Verwendung nicht genutzter Mittel", max_length=14, choices=RemainderUse, blank=True
    )
    remainder_amount = models.DecimalField(
        "nicht genutzte Mittel (EUR)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    remainder_note = models.TextField("Bemerkung zur Verwendung", max_length=2000, blank=True)
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
        """Each applicant's part by its current Einwohnerzahl (two queries); SplitError in
        German when there is nothing to split over."""
        rows = [(a.key, a.label, a.population) for a in self.applicants_with_members()]
        return split_by_population(self.amount, rows, self.cost_per_vza, self.min_vza)

    def applicants_with_members(self) -> list[PopulationApplicant]:
        return list(self.applicants.select_related("municipality").prefetch_related("members"))

    def outcome(self) -> ProgrammeOutcome:
        """Split, reported positions and unused money in one (SplitError as ``split``)."""
        applicants = {a.key: a for a in self.applicants_with_members()}
        rows = [(a.key, a.label, a.population) for a in applicants.values()]
        lines = split_by_population(self.amount, rows, self.cost_per_vza, self.min_vza)
        results = [ApplicantResult(line, applicants[line.ags], self.min_vza) for line in lines]
        unused = sum((r.line.amount for r in results if r.unused), Decimal("0.00"))
        reaching = [r for r in results if r.position_reached]
        shares: dict[str, Decimal] = {}
        if unused and reaching:
            weights = [(r.line.ags, r.line.population) for r in reaching]
            if sum(w for _, w in weights):
                for part in split_amount(unused, weights, self.cost_per_vza, self.min_vza):
                    shares[part.key] = part.amount
        return ProgrammeOutcome(tuple(results), unused, shares)


class PopulationApplicantQuerySet(models.QuerySet):
    def reported_by(self, user) -> PopulationApplicantQuerySet:
        """Applications whose position ``user`` reports: the Hauptamt of an applicant
        municipality or of a member of an applicant Verbund (the office records every
        applicant's position on the programme page)."""
        scope = scope_for(user)
        if scope.role == Role.MUNICIPALITY and scope.municipality_id:
            kinds = PopulationApplicant.Kind
            verbunds = PopulationApplicant.members.through.objects.filter(
                municipality_id=scope.municipality_id,
                populationapplicant__kind=kinds.VERBUND,
            ).values("populationapplicant_id")
            return self.filter(
                Q(kind=kinds.MUNICIPALITY, municipality_id=scope.municipality_id)
                | Q(pk__in=verbunds)
            )
        return self.filter(NOTHING)


class PopulationApplicant(models.Model):
    """An applicant of a programme: a municipality, or the Landkreis or a Verbund applying for
    several municipalities (``members``); its share follows their Einwohnerzahl. After the
    award it reports the position it created (``position_*``)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", "Gemeinde"
        VERBUND = "verbund", "Verbund"
        LANDKREIS = "landkreis", "Landkreis"

    programme = models.ForeignKey(
        PopulationProgramme, on_delete=models.CASCADE, related_name="applicants"
    )
    kind = models.CharField(
        "Antragsteller ist", max_length=12, choices=Kind, default=Kind.MUNICIPALITY
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField("Bezeichnung", max_length=160, blank=True)
    members = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name="für die Gemeinden"
    )
    position_vza = models.DecimalField(
        "geschaffene Stelle (VZÄ)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99"))],
    )
    position_from = models.DateField("besetzt ab", null=True, blank=True)
    own_funds = models.BooleanField("mit Eigenmitteln aufgestockt", default=False)
    position_note = models.CharField("Bemerkung", max_length=500, blank=True)
    reported_at = models.DateTimeField("Stelle gemeldet am", null=True, blank=True)
    added_at = models.DateTimeField("eingetragen am", auto_now_add=True)

    objects = PopulationApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = "Antragsteller"
        verbose_name_plural = "Antragsteller"
        ordering = ["municipality__ags"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "municipality"], name="population_applicant_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="municipality") | Q(municipality__isnull=False),
                name="population_applicant_municipality_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.programme})"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.MUNICIPALITY and self.municipality_id:
            return self.municipality.name
        return self.name

    @property
    def key(self) -> str:
        """Sort and split key: the AGS of a municipality; the others after all AGS."""
        if self.kind == self.Kind.MUNICIPALITY and self.municipality_id:
            return self.municipality.ags
        prefix = "L" if self.kind == self.Kind.LANDKREIS else "V"
        return f"{prefix}{self.pk:09d}"

    @property
    def ags(self) -> str:
        return self.municipality.ags if self.kind == self.Kind.MUNICIPALITY else ""

    @property
    def population(self) -> int:
        """A municipality's Einwohnerzahl; the Landkreis or a Verbund: that of its members
        (``members`` prefetched)."""
        if self.kind == self.Kind.MUNICIPALITY:
            return self.municipality.population
        return sum(m.population for m in self.members.all())

    @property
    def has_reported(self) -> bool:
        return self.reported_at is not None


@dataclass(frozen=True)
class ApplicantResult:
    """An applicant's part and what it made of it."""

    line: PopulationLine
    applicant: PopulationApplicant
    min_vza: Decimal

    @property
    def position_reached(self) -> bool:
        """ "Mindeststelle erreicht": judged from the position created, not from the grant."""
        vza = self.applicant.position_vza
        return self.applicant.has_reported and vza is not None and vza >= self.min_vza

    @property
    def unused(self) -> bool:
        """Reported, but below the minimum: the grant cannot be used (Förderaufruf)."""
        return self.applicant.has_reported and not self.position_reached

    @property
    def needs_own_funds(self) -> bool:
        """The grant alone does not pay the minimum position."""
        return not self.line.reaches_minimum


@dataclass(frozen=True)
class ProgrammeOutcome:
    results: tuple[ApplicantResult, ...]
    unused: Decimal  # the grants of applicants below the minimum position
    redistribution: dict[str, Decimal]  # by key: the unused money over the reaching ones

    @property
    def reported_count(self) -> int:
        return sum(1 for r in self.results if r.applicant.has_reported)

    @property
    def all_reported(self) -> bool:
        return self.reported_count == len(self.results)

    @property
    def reached_count(self) -> int:
        return sum(1 for r in self.results if r.position_reached)

    @property
    def position_total(self) -> Decimal:
        return sum(
            (r.applicant.position_vza for r in self.results if r.applicant.position_vza),
            Decimal("0.00"),
        )


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
