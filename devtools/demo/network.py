"""A year of demo Netzwerkarbeit: round tables, volunteer coordination, information events and
cooperation meetings of the demo managers and team leads, over the twelve months before
``DEMO_TODAY`` (the year the demo contacts cover, so the share of working time is realistic:
about a tenth of the documented time, more for team leads).

Each staff member draws from his own ``random.Random`` keyed by his username (the staff do not
vary with ``--seed``, neither does this); only staff without any activity get them, so a second
run creates nothing. Written with ``bulk_create`` and the first history entry, as
``record_network_activity`` leaves it; a few entries are withdrawn as doubles.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone

from clients.models import NetworkActivity, NetworkActivityKind, RegularService
from clients.network_services import withdraw_network_activity
from devtools.demo.clock import at
from devtools.demo.data import DEMO_TODAY
from imcase.organisation.models import Landkreis, Role, StaffMember

Kind = NetworkActivityKind

# activities per month and their odds (a team lead does more cooperation work)
PER_MONTH = {1: 10, 2: 25, 3: 35, 4: 20, 5: 10}
PER_MONTH_LEAD = {2: 10, 3: 30, 4: 35, 5: 25}
KIND_WEIGHTS = {
    Kind.ROUND_TABLE: 18,
    Kind.VOLUNTEERS: 32,
    Kind.INFORMATION_EVENT: 18,
    Kind.COOPERATION: 27,
    Kind.OTHER: 5,
}
LEAD_KIND_WEIGHTS = {**KIND_WEIGHTS, Kind.COOPERATION: 45, Kind.ROUND_TABLE: 28}
MINUTES = {
    Kind.ROUND_TABLE: (90, 120, 150, 180),
    Kind.VOLUNTEERS: (45, 60, 90, 120),
    Kind.INFORMATION_EVENT: (90, 120, 180, 240),
    Kind.COOPERATION: (45, 60, 90),
    Kind.OTHER: (30, 60, 90),
}
PARTICIPANTS = {
    Kind.ROUND_TABLE: (8, 25),
    Kind.VOLUNTEERS: (3, 15),
    Kind.INFORMATION_EVENT: (12, 60),
    Kind.COOPERATION: (2, 6),
    Kind.OTHER: (2, 10),
}
TOPICS = {
    Kind.ROUND_TABLE: (
        "Runder Tisch Asyl {town}",
        "Runder Tisch Wohnen: Anschlussunterbringung und freie Wohnungen",
        "Runder Tisch Arbeitsmarktintegration",
        "Netzwerktreffen Integration {town}",
    ),
    Kind.VOLUNTEERS: (
        "Treffen mit dem Helferkreis {town}",
        "Einsatzplanung der Ehrenamtlichen: Patenschaften",
        "Schulung Ehrenamtlicher: Aufenthaltsrecht in Grundzügen",
        "Austausch mit den Lernpaten zur Hausaufgabenhilfe",
    ),
    Kind.INFORMATION_EVENT: (
        "Infoabend: Wohnungssuche und Mietvertrag",
        "Informationsveranstaltung Ausbildung in Deutschland",
        "Infoveranstaltung Kita und Schule für Eltern",
        "Vortrag im Gemeinderat {town}: Integrationsmanagement",
    ),
    Kind.COOPERATION: (
        "Fallübergreifende Absprachen mit dem Jobcenter",
        "Kooperationsgespräch mit der Ausländerbehörde",
        "Abstimmung mit dem Migrationsdienst (MBE/JMD)",
        "Kooperationstreffen mit den Sprachkursträgern",
    ),
    Kind.OTHER: (
        "Vernetzungstreffen Integrationsmanagement im Landkreis",
        "Gespräch mit dem Sportverein {town} über Angebote",
    ),
}
PARTNERS = {
    Kind.ROUND_TABLE: (
        "Jobcenter",
        "Migrationsberatung für Erwachsene (MBE)",
        "Ausländerbehörde",
        "Ehrenamt / Vereine",
        "Schule / Kita",
    ),
    Kind.VOLUNTEERS: ("Ehrenamt / Vereine",),
    Kind.INFORMATION_EVENT: ("Sprachkursträger", "Agentur für Arbeit", "Schule / Kita"),
    Kind.COOPERATION: (
        "Jobcenter",
        "Ausländerbehörde",
        "Migrationsberatung für Erwachsene (MBE)",
        "Jugendmigrationsdienst (JMD)",
        "Sprachkursträger",
    ),
    Kind.OTHER: (),
}
OTHER_PARTNERS = {
    Kind.ROUND_TABLE: "Helferkreis {town}, Kirchengemeinde",
    Kind.VOLUNTEERS: "Helferkreis {town}",
    Kind.INFORMATION_EVENT: "Volkshochschule",
    Kind.COOPERATION: "",
    Kind.OTHER: "Sportverein {town}",
}
WITHDRAWN_SHARE = 0.02


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def _month_starts(today: dt.date) -> list[dt.date]:
    first = dt.date(today.year - 1, today.month, 1)
    return [
        dt.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(12)
    ]


def _workday(rng: random.Random, month: dt.date, last: dt.date) -> dt.date | None:
    """A weekday of ``month`` up to ``last`` (None if the month has none)."""
    month_days = (month + dt.timedelta(days=i) for i in range(31))
    days = [d for d in month_days if d.month == month.month and d.weekday() < 5 and d <= last]
    return rng.choice(days) if days else None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _plan(
    staff: StaffMember, services: dict[str, int], today: dt.date
) -> list[tuple[NetworkActivity, list[int], bool]]:
    """One staff member's activities of the year, with the ids of their Regeldienste and
    whether the entry is later withdrawn as a double."""
    rng = random.Random(f"netzwerk-{staff.user.username}")
    lead = staff.role == Role.TEAM_LEAD
    town = staff.provider.seat.name if staff.provider.seat else "Musterstadt"
    if staff.team_id:
        names = list(staff.team.municipalities.order_by("name").values_list("name", flat=True))
        town = names[0] if names else town
    first = max(staff.start_date or dt.date.min, today - dt.timedelta(days=365))
    last = min(staff.end_date or today, today - dt.timedelta(days=1))
    planned = []
    for month in _month_starts(today):
        for _ in range(_weighted(rng, PER_MONTH_LEAD if lead else PER_MONTH)):
            day = _workday(rng, month, last)
            kind = _weighted(rng, LEAD_KIND_WEIGHTS if lead else KIND_WEIGHTS)
            low, high = PARTICIPANTS[kind]
            code = uuid.UUID(int=rng.getrandbits(128), version=4)
            minutes, participants = rng.choice(MINUTES[kind]), rng.randint(low, high)
            topic = rng.choice(TOPICS[kind]).format(town=town)
            pool = [services[name] for name in PARTNERS[kind] if name in services]
            partners = rng.sample(pool, k=min(len(pool), rng.randint(1, 3))) if pool else []
            other = OTHER_PARTNERS[kind].format(town=town) if rng.random() < 0.7 else ""
            withdrawn = rng.random() < WITHDRAWN_SHARE
            if day is None or day < first:
                continue
            activity = NetworkActivity(
                code=code,
                provider_id=staff.provider_id,
                kind=kind,
                date=day,
                duration_minutes=minutes,
                topic=topic,
                other_partners=other,
                participants=participants,
                recorded_by_id=staff.user_id,
            )
            planned.append((activity, sorted(partners), withdrawn))
    return planned


def add_network_activities(kreis: Landkreis, today: dt.date = DEMO_TODAY) -> int:
    """The year's Netzwerkarbeit of every manager and team lead without any yet; returns how
    many activities were created."""
    recorded = NetworkActivity.objects.filter(provider__landkreis=kreis).values("recorded_by_id")
    staff = (
        StaffMember.objects.filter(
            provider__landkreis=kreis,
            role__in=[Role.MANAGER, Role.TEAM_LEAD],
            user__isnull=False,
        )
        .exclude(user_id__in=recorded)
        .select_related("user", "provider__seat", "team")
        .order_by("user__username")
    )
    services = dict(RegularService.objects.values_list("name", "pk"))
    planned = [item for member in staff for item in _plan(member, services, today)]
    if not planned:
        return 0
    rows = NetworkActivity.objects.bulk_create([a for a, _, _ in planned], batch_size=2000)
    for row in rows:
        # auto_now_add stamped the build's clock: the manager entered it on the day
        row.created_at = row.updated_at = _at(row.date, 17)
    NetworkActivity.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=2000)
    through = NetworkActivity.partners.through
    pairs = [
        (row, service) for row, (_, ids, _) in zip(rows, planned, strict=True) for service in ids
    ]
    links = through.objects.bulk_create(
        [through(networkactivity_id=row.pk, regularservice_id=s) for row, s in pairs],
        batch_size=5000,
    )
    # The first history entry ("angelegt", by the manager on the day) with its partners.
    user_model = get_user_model()
    for row in rows:
        row._history_user = user_model(pk=row.recorded_by_id)
        row._history_date = _at(row.date, 17)
    history = NetworkActivity.history.bulk_history_create(rows, batch_size=2000)
    history_of = {entry.id: entry.pk for entry in history}
    partner_history = NetworkActivity.history.model.partners.model
    partner_history.objects.bulk_create(
        [
            partner_history(
                id=link.pk,
                history_id=history_of[link.networkactivity_id],
                networkactivity_id=link.networkactivity_id,
                regularservice_id=link.regularservice_id,
            )
            for link in links
        ],
        batch_size=5000,
    )
    users = {u.pk: u for u in user_model.objects.filter(pk__in={r.recorded_by_id for r in rows})}
    for row, (_, _, withdrawn) in zip(rows, planned, strict=True):
        if withdrawn:
            with at(row.date, 18):
                withdraw_network_activity(users[row.recorded_by_id], row, "doppelt erfasst", 1)
    return len(rows)
