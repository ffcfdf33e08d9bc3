"""Who counts for the split, and the split of one Kreis (steps 1 and 5).

The rule for step 1 (drawing the lists from the client data): a person counts for a
municipality if the Kreis assigned them to AU by **Zuweisung** or **Familiennachzug** with an
assignment date inside the Betrachtungszeitraum; the municipality is the one the person
**lived in on the Stichtag** (``FundingYear.reference_date``, read from the dated moves), not
his municipality today: a move after the Stichtag does not take him off that list, a move on
or before it puts him on the new municipality's list. The municipality checks the list against
its own population register and strikes whoever had left by the end of the period. Closed cases
count too: the count is about assignments, not about counselling. Children born in AU are not
in the client data as assignments; the municipality adds them to its list (step 3).

For step 5 a municipality with a list counts the persons on it that are not struck (whatever
the list's state: an unreturned list counts as it stands); a municipality without a list
counts from the client data by the rule above.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from clients.asof import municipality_on
from clients.models import Client
from funding.models import Allocation, FundingYear, PersonList
from funding.split import SplitError, SplitLine, split_amount
from imcase.organisation.models import Landkreis, Municipality

TARGET_ARRIVALS = (Client.ArrivalKind.ZUWEISUNG, Client.ArrivalKind.FAMILIENNACHZUG)


def clients_in_period(landkreis_id: int, start: dt.date, end: dt.date) -> QuerySet:
    """The Kreis's persons assigned to AU (Zuweisung, Familiennachzug) from ``start`` to
    ``end``, both included. A system query for the funding procedure, not a user's view."""
    return Client.objects.filter(
        landkreis_id=landkreis_id,
        arrival_kind__in=TARGET_ARRIVALS,
        assignment_date__gte=start,
        assignment_date__lte=end,
    )


STICHTAG_MUNICIPALITY = "stichtag_municipality_id"


def clients_by_stichtag_municipality(
    landkreis_id: int, start: dt.date, end: dt.date, stichtag: dt.date
) -> QuerySet:
    """``clients_in_period`` with each person's municipality on the Stichtag as
    ``stichtag_municipality_id``: the one place that says under which municipality a person
    is listed and counted."""
    return clients_in_period(landkreis_id, start, end).annotate(
        **{STICHTAG_MUNICIPALITY: municipality_on(stichtag)}
    )


@dataclass(frozen=True)
class CountRow:
    municipality_id: int
    ags: str
    name: str
    persons: int
    source: str  # Allocation.Source


def person_counts(
    landkreis: Landkreis,
    period_start: dt.date,
    period_end: dt.date,
    funding_year: FundingYear | None = None,
    stichtag: dt.date | None = None,
) -> list[CountRow]:
    """Persons per municipality of the Kreis, ordered by AGS (three queries). The Stichtag is
    ``stichtag``, else the funding year's, else the end of the period."""
    if stichtag is None:
        stichtag = funding_year.reference_date if funding_year is not None else period_end
    from_lists: dict[int, int] = {}
    if funding_year is not None:
        lists = PersonList.objects.filter(funding_year=funding_year).annotate(
            persons=Count("entries", filter=Q(entries__struck=False))
        )
        from_lists = {row.municipality_id: row.persons for row in lists}
    from_data = dict(
        clients_by_stichtag_municipality(landkreis.pk, period_start, period_end, stichtag)
        .values(STICHTAG_MUNICIPALITY)
        .annotate(persons=Count("pk"))
        .values_list(STICHTAG_MUNICIPALITY, "persons")
    )
    rows = []
    for municipality in Municipality.objects.filter(landkreis=landkreis).order_by("ags"):
        if municipality.pk in from_lists:
            persons, source = from_lists[municipality.pk], Allocation.Source.LIST
        else:
            persons, source = from_data.get(municipality.pk, 0), Allocation.Source.CLIENT_DATA
        rows.append(CountRow(municipality.pk, municipality.ags, municipality.name, persons, source))
    return rows


@dataclass(frozen=True)
class PlanRow:
    count: CountRow
    line: SplitLine


@dataclass(frozen=True)
class Plan:
    """A computed split with everything a sheet shows; not yet published."""

    kreis_amount: Decimal
    deductions: tuple[tuple[str, Decimal], ...]
    distributable_amount: Decimal
    cost_per_vza: Decimal
    eigenregie_min_vza: Decimal
    period_start: dt.date
    period_end: dt.date
    rows: tuple[PlanRow, ...]

    @property
    def total_persons(self) -> int:
        return sum(row.count.persons for row in self.rows)

    @property
    def total_amount(self) -> Decimal:
        return sum((row.line.amount for row in self.rows), Decimal("0.00"))

    @property
    def fingerprint(self) -> str:
        """Changes whenever a published figure would change: the guard between preview and
        publishing (optimistic locking on the computation)."""
        parts = [
            str(self.distributable_amount),
            str(self.cost_per_vza),
            str(self.eigenregie_min_vza),
            *(f"{r.count.ags}:{r.count.persons}:{r.count.source}" for r in self.rows),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def make_plan(
    counts: Sequence[CountRow],
    *,
    kreis_amount: Decimal,
    deductions: Sequence[tuple[str, Decimal]] = (),
    cost_per_vza: Decimal,
    eigenregie_min_vza: Decimal,
    period_start: dt.date,
    period_end: dt.date,
) -> Plan:
    """Split the Kreis amount less the deductions over ``counts``; SplitError in German."""
    distributable = kreis_amount - sum((amount for _, amount in deductions), Decimal("0.00"))
    if distributable < 0:
        raise SplitError("Die Vorwegabzüge sind höher als der Betrag des Kreises.")
    lines = split_amount(
        distributable,
        [(row.ags, row.persons) for row in counts],
        cost_per_vza=cost_per_vza,
        min_vza=eigenregie_min_vza,
    )
    return Plan(
        kreis_amount=kreis_amount,
        deductions=tuple(deductions),
        distributable_amount=distributable,
        cost_per_vza=cost_per_vza,
        eigenregie_min_vza=eigenregie_min_vza,
        period_start=period_start,
        period_end=period_end,
        rows=tuple(PlanRow(c, line) for c, line in zip(counts, lines, strict=True)),
    )


def plan_for_year(funding_year: FundingYear) -> Plan:
    """The split of a funding year from its current (corrected) lists."""
    if funding_year.kreis_amount is None:
        raise SplitError("Für das Förderjahr ist noch kein Betrag des Kreises eingetragen.")
    counts = person_counts(
        funding_year.landkreis,
        funding_year.period_start,
        funding_year.period_end,
        funding_year=funding_year,
    )
    return make_plan(
        counts,
        kreis_amount=funding_year.kreis_amount,
        deductions=[(d.name, d.amount) for d in funding_year.deductions.all()],
        cost_per_vza=funding_year.cost_per_vza,
        eigenregie_min_vza=funding_year.eigenregie_min_vza,
        period_start=funding_year.period_start,
        period_end=funding_year.period_end,
    )
