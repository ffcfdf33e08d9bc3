"""The aggregate queries behind the Kennzahlen, and the rules that say who counts where.

Every function takes a ``Period`` (Kreis, reporting year, optionally one provider) and returns
a ``Measure``: a queryset of the counted rows, annotated with the provider the row belongs to
(``g_provider``) or with the client's municipality on 31.12. (``g_municipality``), and, for a
breakdown, its keys (``k0``, ``k1``, …), plus the aggregate to compute. ``run`` groups and
aggregates it in one SQL query; nothing loops over clients. The table computes figures over the
same rows together, in one query for several figures (``together``).

Definitions (year Y, 01.01.–31.12.):

- **Target group** (*Zielgruppe*): a person assigned to AU (``assignment_date`` set) or under
  § 24 AufenthG — ``Client.is_target_group``; the § 24 status as recorded on 31.12., with the
  window from case opening (``clients.asof.window_covers_q``).
- **As on 31 December**: every state that can change later is read from its dated history as
  it was on 31.12. (``clients.asof``, ``GoalStatusChange``, ``StaffChange``, the referral's
  history), so a change dated after the year never alters the year's figures.
- **In the target group on 31 December**: target group, the counselling window contains
  31.12. (window start ≤ 31.12. ≤ last counselling day; an extension counts only if approved
  by 31.12.), and the case was not closed at the end of 30.12. (an Ausleitung on 31.12. still
  counts).
- **In the target group during the year**: target group, the window as known on 31.12.
  overlaps the year, and the case was not closed at the end of 31.12. of the year before, or
  was reopened during the year.
- **Municipality on 31 December**: the client's municipality, or, for a client who moved
  after 31.12., the municipality he left with his first move after that day.
- **Provider of a client**: the provider serving his municipality on 31.12. (Zuständigkeit).
  Plans, goals, ratings, extensions and closings count for the provider of their client.
- **Provider of a contact**: ``Consultation.provider``, the provider whose manager held it.
- **Counted contact**: a consultation dated in the year with at least one *funded*
  participant (contacts after the window at a provider's own cost are not funded figures).
- **Staff**: staff members whose role on 31.12. is integration manager or team lead, at a
  provider of the Kreis on 31.12., whose employment overlaps the year (start ≤ 31.12. or
  unknown, end ≥ 01.01. or open). VZÄ (P02) is the year's average: VZÄ on 31.12. × days
  employed in the year ÷ days of the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.db.models.lookups import In, IsNull
from django.utils import timezone

from clients.asof import (
    closed_before_q,
    municipality_on,
    recorded_on,
    reopened_between_q,
    window_covers_q,
)
from clients.models import Client, ConsultationParticipant
from clients.window import add_years
from imcase.organisation.models import Provider, ProviderArea, Role, StaffChange, StaffMember

PROVIDER = "g_provider"
MUNICIPALITY = "g_municipality"
KEYS = ("k0", "k1", "k2")

AGE_GROUPS = (("0-17", "0–17 Jahre"), ("18-26", "18–26 Jahre"), ("27-64", "27–64 Jahre"))
AGE_65 = ("65+", "65 Jahre und älter")

REQUALIFICATION = (
    ("abgeschlossen", "abgeschlossen (bis 31.12.)"),
    ("begonnen", "begonnen, noch nicht abgeschlossen"),
    ("ausstehend", "noch nicht begonnen"),
)


@dataclass(frozen=True)
class Period:
    """The reporting year of one Kreis; ``provider_id`` limits the table to one provider."""

    landkreis_id: int
    year: int
    provider_id: int | None = None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def start_at(self) -> dt.datetime:
        """01.01. 00:00 in Berlin, for timestamps (extension requests and decisions)."""
        return timezone.make_aware(dt.datetime(self.year, 1, 1))

    @property
    def end_at(self) -> dt.datetime:
        """01.01. 00:00 of the next year (exclusive)."""
        return timezone.make_aware(dt.datetime(self.year + 1, 1, 1))

    @cached_property
    def providers_by_municipality(self) -> dict[int, int]:
        """The provider serving each municipality of the Kreis on 31.12. (one query)."""
        areas = (
            ProviderArea.objects.active_on(self.end)
            .filter(municipality__landkreis_id=self.landkreis_id)
            .order_by("municipality_id", "valid_from", "pk")
            .values_list("municipality_id", "provider_id")
        )
        found: dict[int, int] = {}
        for municipality_id, provider_id in areas:
            found.setdefault(municipality_id, provider_id)
        return found

    def municipalities_of(self, provider_id: int) -> list[int]:
        return [m for m, p in self.providers_by_municipality.items() if p == provider_id]


@dataclass(frozen=True)
class Measure:
    """The counted rows, the aggregate and the breakdown keys of a figure.

    Rows carry their provider as ``g_provider``, or — for rows attributed to a client with
    ``attribute`` — the client's municipality on 31.12. as ``g_municipality``; then ``via`` is
    the period, and the query groups by municipality and adds the municipalities up to their
    provider on 31.12. (a client lives in exactly one municipality, so counts of rows and of
    distinct clients add up exactly; it spares a provider lookup per row).
    """

    rows: QuerySet
    value: Aggregate
    keys: tuple[str, ...] = ()
    via: Period | None = None
    # A plain count of rows (``count_rows``): the rows before the keys, and the keys as given,
    # so that counts of the same rows can share one query (``together.run_counts``).
    counted: QuerySet | None = None
    key_expressions: tuple[Any, ...] = ()
    condition: Q | None = None  # the counted rows are ``counted.filter(condition)``

    def narrowed(
        self, provider_id: int | None = None, municipality_ids: Iterable[int] | None = None
    ) -> Measure:
        """The same measure for one provider and/or some municipalities (dashboard filters;
        municipalities only for rows from ``attribute``)."""
        rows = self.rows
        if provider_id is not None:
            if self.via is not None:
                rows = rows.filter(
                    **{f"{MUNICIPALITY}__in": self.via.municipalities_of(provider_id)}
                )
            else:
                rows = rows.filter(**{PROVIDER: provider_id})
        if municipality_ids is not None:
            rows = rows.filter(**{f"{MUNICIPALITY}__in": municipality_ids})
        return replace(self, rows=rows, counted=None, key_expressions=(), condition=None)


def run(measure: Measure, *, by_provider: bool, provider_id: int | None = None) -> dict:
    """Aggregate in one query: {(provider_id, *keys): value} or, without the provider grouping,
    {(*keys): value}."""
    measure = measure.narrowed(provider_id)
    rows, keys = measure.rows, list(measure.keys)
    if not by_provider:
        if not keys:
            return {(): rows.aggregate(value=measure.value)["value"]}
        result = rows.values(*keys).annotate(value=measure.value).order_by()
        return {tuple(row[k] for k in keys): row["value"] for row in result}
    if measure.via is None:
        result = rows.values(PROVIDER, *keys).annotate(value=measure.value).order_by()
        return {(row[PROVIDER], *(row[k] for k in keys)): row["value"] for row in result}
    providers = measure.via.providers_by_municipality
    found: dict[tuple, Any] = {}
    result = rows.values(MUNICIPALITY, *keys).annotate(value=measure.value).order_by()
    for row in result:  # at most municipalities × keys rows, already aggregated
        key = (providers.get(row[MUNICIPALITY]), *(row[k] for k in keys))
        found[key] = found.get(key, 0) + (row["value"] or 0)
    return found


# --- who belongs where ----------------------------------------------------------------------


def attribute(rows: QuerySet, period: Period, client_path: str = "") -> QuerySet:
    """Annotate the client's municipality on 31.12. (see above); count with ``via=period``."""
    return rows.annotate(**{MUNICIPALITY: municipality_on(period.end, client_path)})


def with_provider(rows: QuerySet, period: Period) -> QuerySet:
    """Annotate the provider of the (attributed) municipality row by row: for figures that do
    not add up over municipalities, such as households whose members live apart."""
    area = (
        ProviderArea.objects.active_on(period.end)
        .filter(municipality_id=OuterRef(MUNICIPALITY))
        .order_by("valid_from", "pk")
        .values("provider_id")[:1]
    )
    return rows.annotate(**{PROVIDER: Subquery(area, output_field=IntegerField())})


def _path(prefix: str) -> str:
    return prefix.removesuffix("__")


def on_31_december_q(period: Period, prefix: str = "") -> Q:
    """In the target group on 31.12. (see the module docstring), as it was on 31.12."""
    path = _path(prefix)
    return (
        Q(**{f"{prefix}landkreis_id": period.landkreis_id})
        & window_covers_q(period.end, period.end, period.end, path)
        & ~closed_before_q(period.end, path)
    )


def during_year_q(period: Period, prefix: str = "") -> Q:
    """In the target group during the year (see the module docstring), as it was on 31.12."""
    path = _path(prefix)
    return (
        Q(**{f"{prefix}landkreis_id": period.landkreis_id})
        & window_covers_q(period.end, period.start, period.end, path)
        & (
            ~closed_before_q(period.start, path)
            | reopened_between_q(period.start, period.end, path)
        )
    )


def clients_on_31_december(period: Period) -> QuerySet:
    return attribute(Client.objects.filter(on_31_december_q(period)), period)


def clients_during_year(period: Period) -> QuerySet:
    return attribute(Client.objects.filter(during_year_q(period)), period)


def keyed(rows: QuerySet, *keys: Any) -> tuple[QuerySet, tuple[str, ...]]:
    """Annotate the breakdown keys (field names or expressions) as ``k0``, ``k1``, …"""
    names = KEYS[: len(keys)]
    expressions = [k if hasattr(k, "resolve_expression") else F(k) for k in keys]
    return rows.annotate(**dict(zip(names, expressions, strict=True))), names


def count_rows(rows: QuerySet, *keys: Any, via: Period | None = None) -> Measure:
    """Count rows, broken down by the given keys; ``via`` for rows from ``attribute``."""
    annotated, names = keyed(rows, *keys)
    return Measure(annotated, Count("pk"), names, via, counted=rows, key_expressions=keys)


def count_distinct(rows: QuerySet, field: str, *keys: Any, via: Period | None = None) -> Measure:
    """Count the distinct values of ``field`` (persons) in the rows, broken down by the keys;
    counts of the same rows share one statement (``together.run_distinct``)."""
    annotated, names = keyed(rows, *keys)
    value = Count(field, distinct=True)
    return Measure(annotated, value, names, via, counted=rows, key_expressions=keys)


def count_where(rows: QuerySet, condition: Q, *keys: Any, via: Period | None = None) -> Measure:
    """Count the rows that meet ``condition`` (``count_rows(rows.filter(condition), …)``),
    so that the count can share one query with the other counts of ``rows``."""
    annotated, names = keyed(rows.filter(condition), *keys)
    return Measure(
        annotated, Count("pk"), names, via, counted=rows, key_expressions=keys, condition=condition
    )


# --- staff ----------------------------------------------------------------------------------


def _staff_then(name: str, day: dt.date, output_field) -> Coalesce:
    """A staff member's ``name`` (role, provider, VZÄ, qualification) at the end of ``day``,
    from his dated history (``StaffChange``); without history, today's value."""
    then = (
        StaffChange.objects.filter(staff_id=OuterRef("pk"))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .order_by(F("valid_from").desc(nulls_last=True), "-pk")
        .values(name)[:1]
    )
    return Coalesce(Subquery(then), F(name), output_field=output_field)


def staff(period: Period) -> QuerySet:
    """Managers and team leads (role on 31.12.) of the Kreis's providers (provider on 31.12.)
    employed during the year, with ``days`` employed in the year and VZÄ and qualification on
    31.12."""
    end = period.end
    first = Greatest(Coalesce(F("start_date"), Value(period.start)), Value(period.start))
    last = Least(Coalesce(F("end_date"), Value(end)), Value(end))
    return (
        StaffMember.objects.annotate(
            role_then=_staff_then("role", end, CharField()),
            provider_then=_staff_then("provider_id", end, IntegerField()),
            vza_then=_staff_then("vza", end, DecimalField(max_digits=3, decimal_places=2)),
            qualification_then=_staff_then("qualification", end, CharField()),
            days=DaysBetween(last, first),
        )
        .filter(
            role_then__in=[Role.MANAGER, Role.TEAM_LEAD],
            provider_then__in=Provider.objects.filter(landkreis_id=period.landkreis_id).values(
                "pk"
            ),
        )
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=end))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .annotate(**{PROVIDER: F("provider_then")})
    )


class DaysBetween(Func):
    """Days from the second date to the first, both included (PostgreSQL: date − date)."""

    template = "(%(expressions)s + 1)"
    arg_joiner = " - "
    output_field = IntegerField()


def staff_persons(period: Period) -> Measure:
    return count_rows(staff(period))


def staff_vza(period: Period) -> Measure:
    """The year's average VZÄ: each person's VZÄ on 31.12. × days employed in the year ÷ days
    of the year (a full position all year counts 1.00, from 1 July about 0.50)."""
    days_of_year = (period.end - period.start).days + 1
    vza_days = Sum(
        F("vza_then") * F("days"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    total = Coalesce(
        vza_days / Value(Decimal(days_of_year)),
        Value(Decimal("0.00")),
        output_field=DecimalField(max_digits=12, decimal_places=6),
    )
    return Measure(staff(period), total)


def staff_by_qualification(period: Period) -> Measure:
    return count_rows(staff(period), "qualification_then")


def staff_requalification(period: Period) -> Measure:
    end = period.end
    state = Case(
        When(requalification_finished__lte=end, then=Value(REQUALIFICATION[0][0])),
        When(requalification_started__lte=end, then=Value(REQUALIFICATION[1][0])),
        default=Value(REQUALIFICATION[2][0]),
    )
    other = Q(qualification_then=StaffMember.Qualification.OTHER)
    return count_where(staff(period), other, state)


# --- persons --------------------------------------------------------------------------------


def persons_on_31_december(period: Period) -> Measure:
    return count_rows(clients_on_31_december(period), via=period)


def persons_during_year(period: Period) -> Measure:
    return count_rows(clients_during_year(period), via=period)


def persons_on_31_december_by_municipality(period: Period) -> Measure:
    return count_rows(clients_on_31_december(period), MUNICIPALITY, via=period)


def persons_during_year_by_municipality(period: Period) -> Measure:
    return count_rows(clients_during_year(period), MUNICIPALITY, via=period)


def persons_counselled(period: Period) -> Measure:
    """Distinct persons with at least one funded participation in a contact of the year."""
    rows = ConsultationParticipant.objects.filter(
        funded=True,
        consultation__date__range=(period.start, period.end),
        consultation__provider__landkreis_id=period.landkreis_id,
    ).annotate(**{PROVIDER: F("consultation__provider_id")})
    return count_distinct(rows, "client_id")


HOUSEHOLD = "household_then"


def _household_then(period: Period) -> Coalesce:
    """The household as recorded on 31.12. (membership has no date of its own)."""
    return recorded_on("household_id", period.end, IntegerField())


def _shared_households(period: Period) -> QuerySet:
    """The households (as on 31.12.) with at least two persons in the target group on 31.12.,
    in the whole Kreis whatever provider the table is for (members may live apart). One
    grouped subquery, computed once per statement: the figures grow linearly with the Kreis
    (a per-person lookup of the other members grew with its square)."""
    return (
        Client.objects.filter(on_31_december_q(period))
        .annotate(**{HOUSEHOLD: _household_then(period)})
        .filter(**{f"{HOUSEHOLD}__isnull": False})
        .values(HOUSEHOLD)
        .annotate(members=Count("pk"))
        .filter(members__gte=2)
        .values(HOUSEHOLD)
    )


def _with_household(period: Period) -> QuerySet:
    return clients_on_31_december(period).annotate(**{HOUSEHOLD: _household_then(period)})


def households(period: Period) -> Measure:
    """Households with at least two persons in the target group on 31.12."""
    rows = _with_household(period).filter(**{f"{HOUSEHOLD}__in": _shared_households(period)})
    return count_distinct(with_provider(rows, period), HOUSEHOLD)


def single_persons(period: Period) -> Measure:
    """Persons in the target group on 31.12. without another household member who is too."""
    household = _household_then(period)
    alone = Q(IsNull(household, True)) | ~Q(In(household, _shared_households(period)))
    return count_where(clients_on_31_december(period), alone, via=period)


def persons_by_sex(period: Period) -> Measure:
    return count_rows(clients_on_31_december(period), "sex", via=period)


def age_group(on: dt.date) -> Case:
    """Age group on ``on`` from the birth date (a person is 18 on his 18th birthday)."""
    born_18, born_27, born_65 = (add_years(on, -n) for n in (18, 27, 65))
    return Case(
        When(birth_date__gt=born_18, then=Value(AGE_GROUPS[0][0])),
        When(birth_date__gt=born_27, then=Value(AGE_GROUPS[1][0])),
        When(birth_date__gt=born_65, then=Value(AGE_GROUPS[2][0])),
        default=Value(AGE_65[0]),
    )


def persons_by_age_group(period: Period) -> Measure:
    return count_rows(clients_on_31_december(period), age_group(period.end), via=period)


def persons_by_nationality(period: Period) -> Measure:
    return count_rows(clients_on_31_december(period), "nationality", via=period)


def persons_by_residence_status(period: Period) -> Measure:
    """By the residence status as recorded on 31.12. (a later change leaves the year as is)."""
    status = recorded_on("residence_status", period.end, CharField())
    return count_rows(clients_on_31_december(period), status, via=period)


def persons_by_arrival_kind(period: Period) -> Measure:
    return count_rows(clients_on_31_december(period), "arrival_kind", via=period)
