"""Aggregate queries for Netzwerkarbeit (network and volunteer work; rules in ``queries``).

- **Counted activity**: a ``NetworkActivity`` of a provider of the Kreis, dated in the year,
  not withdrawn. It counts for the provider whose manager recorded it (``provider``).
- **Network hours**: the sum of the counted activities' durations.
- **Documented working time**: network minutes plus the minutes of the counted contacts
  (``queries_contacts.contacts``: dated in the year, not withdrawn, at least one funded
  participant). Both are what managers record; other working time (travel, files, team
  meetings) is recorded nowhere, so the share is of *documented* time, not of all time.
- **Share of network work**: network minutes ÷ documented working time.
- **Network hours per VZÄ**: network hours ÷ the year's average VZÄ (P02, ``staff_vza``).

The measure functions follow the other ``queries`` modules (a ``Measure`` per figure, for
``run``), so that they can become Kennzahlen of a later definition; ``network_work`` puts them
together per provider for the dashboard and the Jahresbericht.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce

from clients.models import NetworkActivity, NetworkActivityKind
from reporting.kennzahlen.queries import PROVIDER, Measure, Period, count_rows, run, staff_vza
from reporting.kennzahlen.queries_contacts import contacts

MINUTES_PER_HOUR = Decimal(60)


def network_activities(period: Period) -> QuerySet:
    """Counted activities of the year (see above), with their provider."""
    return (
        NetworkActivity.objects.counted()
        .filter(
            provider__landkreis_id=period.landkreis_id,
            date__range=(period.start, period.end),
        )
        .annotate(**{PROVIDER: F("provider_id")})
    )


def _sum(field: str = "duration_minutes") -> Coalesce:
    """The sum of ``field`` (the minutes by default), 0 without rows."""
    return Coalesce(Sum(field), Value(0))


def network_activities_total(period: Period) -> Measure:
    return count_rows(network_activities(period))


def network_activities_by_kind(period: Period) -> Measure:
    return count_rows(network_activities(period), "kind")


def network_minutes(period: Period) -> Measure:
    return Measure(network_activities(period), _sum())


def network_minutes_by_kind(period: Period) -> Measure:
    rows = count_rows(network_activities(period), "kind")
    return Measure(rows.rows, _sum(), rows.keys)


def network_participants(period: Period) -> Measure:
    """People present at the year's activities, added up (one person at two meetings counts
    twice: they are not registered)."""
    return Measure(network_activities(period), _sum("participants"))


def network_participants_by_kind(period: Period) -> Measure:
    rows = count_rows(network_activities(period), "kind")
    return Measure(rows.rows, _sum("participants"), rows.keys)


def contact_minutes(period: Period) -> Measure:
    """Minutes of the year's counted contacts (each contact once, whatever its participants)."""
    return Measure(contacts(period), _sum())


# --- put together ---------------------------------------------------------------------------


def _ratio(part: Decimal | int, whole: Decimal | int, places: str) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places), ROUND_HALF_UP)


@dataclass(frozen=True)
class NetworkLine:
    """Network work of one provider (or, ``provider_id`` None, of all shown together)."""

    provider_id: int | None
    activities: int
    minutes: int
    participants: int
    contact_minutes: int
    vza: Decimal

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / MINUTES_PER_HOUR).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def contact_hours(self) -> Decimal:
        return (Decimal(self.contact_minutes) / MINUTES_PER_HOUR).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )

    @property
    def share_percent(self) -> Decimal | None:
        """Network minutes in % of documented working time (network + contact minutes)."""
        return _ratio(self.minutes * 100, self.minutes + self.contact_minutes, "0.1")

    @property
    def hours_per_vza(self) -> Decimal | None:
        return _ratio(Decimal(self.minutes) / MINUTES_PER_HOUR, self.vza, "0.1")


def network_work(period: Period) -> list[NetworkLine]:
    """One line per provider with network work, contacts or staff in the year (three
    queries); with ``period.provider_id`` only that provider's line."""
    own = {PROVIDER: period.provider_id} if period.provider_id else {}
    network = {
        row[PROVIDER]: row
        for row in network_activities(period)
        .filter(**own)
        .values(PROVIDER)
        .annotate(n=Count("pk"), minutes=_sum(), people=_sum("participants"))
        .order_by()
    }
    found = run(contact_minutes(period), by_provider=True, provider_id=period.provider_id)
    contact = {key[0]: value for key, value in found.items()}
    found = run(staff_vza(period), by_provider=True, provider_id=period.provider_id)
    vza = {key[0]: value for key, value in found.items()}
    providers = sorted({*network, *contact, *(p for p, v in vza.items() if v)} - {None})
    return [
        NetworkLine(
            provider_id=p,
            activities=network.get(p, {}).get("n", 0),
            minutes=network.get(p, {}).get("minutes", 0),
            participants=network.get(p, {}).get("people", 0),
            contact_minutes=contact.get(p, 0),
            vza=Decimal(vza.get(p) or 0),
        )
        for p in providers
    ]


def network_total(lines: list[NetworkLine]) -> NetworkLine:
    """All lines together (the Kreis): shares and hours per VZÄ from the sums."""
    return NetworkLine(
        provider_id=None,
        activities=sum(line.activities for line in lines),
        minutes=sum(line.minutes for line in lines),
        participants=sum(line.participants for line in lines),
        contact_minutes=sum(line.contact_minutes for line in lines),
        vza=sum((line.vza for line in lines), Decimal(0)),
    )


@dataclass(frozen=True)
class KindLine:
    kind: str
    label: str
    activities: int
    minutes: int
    participants: int

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / MINUTES_PER_HOUR).quantize(Decimal("0.1"), ROUND_HALF_UP)


def network_by_kind(period: Period) -> list[KindLine]:
    """Counted activities, minutes and participants per kind (one query), every kind listed."""
    rows = (
        network_activities(period)
        .filter(**({PROVIDER: period.provider_id} if period.provider_id else {}))
        .values("kind")
        .annotate(n=Count("pk"), minutes=_sum(), people=_sum("participants"))
        .order_by()
    )
    found = {row["kind"]: row for row in rows}
    return [
        KindLine(
            kind=value,
            label=label,
            activities=found.get(value, {}).get("n", 0),
            minutes=found.get(value, {}).get("minutes", 0),
            participants=found.get(value, {}).get("people", 0),
        )
        for value, label in NetworkActivityKind.choices
    ]


def network_hours_by_kind(period: Period) -> Measure:
    """Hours of network work per kind (minutes ÷ 60, two places in the table)."""
    rows = network_activities_by_kind(period)
    hours = Cast(_sum(), DecimalField(max_digits=14, decimal_places=4)) / Value(MINUTES_PER_HOUR)
    return Measure(rows.rows, hours, rows.keys)
