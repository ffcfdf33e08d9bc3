"""A year of demo consultations (Beratungskontakte) for the demo clients.

For the twelve months before ``DEMO_TODAY`` every client gets contacts within his counselling
window and his open case: first the Sondierungsgespräch if the case opened in that year (one
talk with all members who arrived together), then mostly Beratung, some Begleitung and
Krisenintervention. A third of the contacts are outreach (aufsuchend); household members are
often counselled together. A quarter of the contacts refer to a Regeldienst, followed up
(wahrgenommen / nicht wahrgenommen) after a few weeks.

Each household (or single person) draws from its own ``random.Random`` keyed by the seed and
its household key or Aktenzeichen, so the result does not depend on the order of the others.
Only clients without any contact get contacts, so a second run creates nothing. Everything is
written with ``bulk_create`` in chunks (no per-row history), which keeps 500,000 contacts
within a few minutes.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from clients.models import (
    Client,
    Consultation,
    ConsultationParticipant,
    Referral,
    RegularService,
    Topic,
)
from devtools.demo.data import DEMO_TODAY
from devtools.demo.draws import Weights, weighted
from imcase.organisation.models import Landkreis, ProviderArea

# Contacts per adult client and year in the window (children count 0.6). As about half of the
# demo clients are closed or were outside their window during the year, this gives about ten
# contacts per demo client (20,000 for the default 2,000 clients).
CONTACTS_PER_YEAR = 22.0
CHILD_WEIGHT = 0.6
HOUSEHOLD_SHARE = 0.3
REFERRAL_SHARE = 0.25
INTERPRETER_SHARE = 0.35
CHUNK = 5000

Kind = Consultation.Kind
Setting = Consultation.Setting

KIND_WEIGHTS = {Kind.COUNSELLING: 80, Kind.ACCOMPANYING: 12, Kind.CRISIS: 8}
SETTING_WEIGHTS = {
    Kind.EXPLORATORY: {Setting.OFFICE: 45, Setting.OUTREACH: 35, Setting.OFFICE_HOURS: 20},
    Kind.COUNSELLING: {
        Setting.OFFICE_HOURS: 47,
        Setting.OUTREACH: 25,
        Setting.PHONE: 15,
        Setting.OFFICE: 8,
        Setting.ONLINE: 5,
    },
    Kind.ACCOMPANYING: {Setting.OUTREACH: 100},
    Kind.CRISIS: {Setting.OUTREACH: 50, Setting.OFFICE: 30, Setting.PHONE: 20},
}
# minutes (from, to) by kind; phone and online talks are shorter
DURATIONS = {
    Kind.EXPLORATORY: (60, 120),
    Kind.COUNSELLING: (30, 90),
    Kind.ACCOMPANYING: (60, 120),
    Kind.CRISIS: (45, 120),
}
SHORT_DURATION = (15, 30)

# Göppingen: children, housing, language, work and social participation come up most often.
TOPIC_WEIGHTS = {
    "Kinder und Familie": 20,
    "Wohnen": 18,
    "Sprache": 17,
    "Arbeit und Beschäftigung": 16,
    "Gesellschaftliche Teilhabe": 12,
    "Behörden und Post": 11,
    "Finanzen und Existenzsicherung": 9,
    "Schule und Bildung": 9,
    "Gesundheit": 8,
    "Aufenthalt": 8,
    "Ausbildung und Studium": 5,
    "Anerkennung von Abschlüssen": 4,
    "Sonstiges": 2,
}
CHILD_TOPICS = ("Kinder und Familie", "Schule und Bildung")
# topic → the Regeldienste a contact on it refers to
REFERRAL_TARGETS = {
    "Kinder und Familie": ["Jugendamt", "Schule / Kita"],
    "Wohnen": ["Sonstiger Regeldienst", "Schuldnerberatung"],
    "Sprache": ["Sprachkursträger", "Migrationsberatung für Erwachsene (MBE)"],
    "Arbeit und Beschäftigung": ["Jobcenter", "Agentur für Arbeit"],
    "Gesellschaftliche Teilhabe": ["Ehrenamt / Vereine"],
    "Behörden und Post": ["Jobcenter", "Ausländerbehörde"],
    "Finanzen und Existenzsicherung": ["Jobcenter", "Schuldnerberatung"],
    "Schule und Bildung": ["Schule / Kita", "Jugendmigrationsdienst (JMD)"],
    "Gesundheit": ["Gesundheitswesen"],
    "Aufenthalt": ["Ausländerbehörde", "Migrationsberatung für Erwachsene (MBE)"],
    "Ausbildung und Studium": ["Agentur für Arbeit", "Jugendmigrationsdienst (JMD)"],
    "Anerkennung von Abschlüssen": ["Anerkennungsberatung"],
}
NOTES = {
    "Kinder und Familie": "Kita-Anmeldung besprochen, Unterlagen für den Platz zusammengestellt.",
    "Wohnen": "Wohnungsangebote durchgesehen, Bewerbung bei der Wohnbau vorbereitet.",
    "Sprache": "Anmeldung zum Integrationskurs besprochen, Einstufungstest vereinbart.",
    "Arbeit und Beschäftigung": "Lebenslauf überarbeitet, Termin beim Arbeitgeberservice.",
    "Gesellschaftliche Teilhabe": "Kontakt zum Sportverein und zum Begegnungscafé hergestellt.",
    "Behörden und Post": "Schreiben des Jobcenters erklärt, Weiterbewilligungsantrag ausgefüllt.",
    "Finanzen und Existenzsicherung": "Haushaltsplan erstellt, Mietrückstand besprochen.",
    "Schule und Bildung": "Elterngespräch in der Schule vorbereitet.",
    "Gesundheit": "Hausarzt gesucht, Termin für die U-Untersuchung vereinbart.",
    "Aufenthalt": "Verlängerung des Aufenthaltstitels: Unterlagen für die ABH geprüft.",
}


@dataclass
class _Member:
    pk: int
    start: dt.date  # first day a contact may take place (after the Sondierung, if any)
    end: dt.date
    opened_on: dt.date
    adult: bool
    open: bool
    sondierung: bool = False


@dataclass
class _Contact:
    date: dt.date
    kind: str
    members: list[int]
    topics: list[str]
    code: uuid.UUID


@dataclass
class _Buffer:
    consultations: list[Consultation] = field(default_factory=list)
    participants: list[tuple[int, int]] = field(default_factory=list)  # (index, client pk)
    topics: list[tuple[int, int]] = field(default_factory=list)  # (index, topic pk)
    referrals: list[tuple[int, Referral]] = field(default_factory=list)
    written: int = 0

    def add_consultation(self, **values) -> int:
        """A contact with these field values; returns its index in the chunk."""
        self.consultations.append(Consultation(**values))
        return len(self.consultations) - 1

    def add_referral(self, index: int, **values) -> None:
        """A referral with these field values, made in the contact at ``index``."""
        self.referrals.append((index, Referral(**values)))

    def flush(self) -> None:
        if not self.consultations:
            return
        rows = Consultation.objects.bulk_create(self.consultations, batch_size=2000)
        ids = [row.pk for row in rows]
        ConsultationParticipant.objects.bulk_create(
            (
                ConsultationParticipant(consultation_id=ids[i], client_id=c)
                for i, c in self.participants
            ),
            batch_size=5000,
        )
        through = Consultation.topics.through
        links = through.objects.bulk_create(
            [through(consultation_id=ids[i], topic_id=t) for i, t in self.topics], batch_size=5000
        )
        for i, referral in self.referrals:
            referral.consultation_id = ids[i]
        referrals = Referral.objects.bulk_create([r for _, r in self.referrals], batch_size=2000)
        # The first history entry ("angelegt", by the manager on the contact day) with its
        # topics, as log_consultation leaves it, so the edit page can show what changed later.
        user_model = get_user_model()
        for row in rows:
            row._history_user = user_model(pk=row.recorded_by_id)
            row._history_date = _at(row.date, 17)
        history = Consultation.history.bulk_history_create(rows, batch_size=2000)
        topic_history = Consultation.history.model.topics.model
        topic_history.objects.bulk_create(
            [
                topic_history(
                    id=link.pk,
                    history_id=history[i].pk,
                    consultation_id=link.consultation_id,
                    topic_id=link.topic_id,
                )
                for link, (i, _) in zip(links, self.topics, strict=True)
            ],
            batch_size=5000,
        )
        for referral in referrals:
            referral._history_date = _at(referral.status_changed_on, 17)
        Referral.history.bulk_history_create(referrals, batch_size=2000)
        self.written += len(ids)
        self.consultations, self.participants, self.topics, self.referrals = [], [], [], []


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _weighted(rng: random.Random, weights: dict) -> str:
    return weighted(rng, list(weights), weights.values())


_KINDS = Weights(KIND_WEIGHTS)
_SETTINGS = {kind: Weights(weights) for kind, weights in SETTING_WEIGHTS.items()}
_TOPIC_COUNTS = Weights({1: 45, 2: 35, 3: 20})  # how many topics a contact has
_FIRST_TOPIC_COUNTS = Weights({1: 10, 2: 40, 3: 50})  # … the Sondierungsgespräch
_FOLLOW_UPS = Weights(
    {Referral.Status.ATTENDED: 60, Referral.Status.NOT_ATTENDED: 15, Referral.Status.REFERRED: 25}
)


def _sample(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    """``k`` distinct keys, drawn by weight."""
    pool = dict(weights)
    chosen = []
    for _ in range(min(k, len(pool))):
        key = _weighted(rng, pool)
        chosen.append(key)
        del pool[key]
    return chosen


def _weekday(day: dt.date) -> dt.date:
    """Move a weekend day back to Friday."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _plan_household(
    rng: random.Random, members: list[_Member], per_year: float, topic_weights: dict[str, float]
) -> list[_Contact]:
    """The contacts of one household (or single person) in the year, in date order."""
    contacts: list[_Contact] = []

    def topics(counts: Weights, with_children=False):
        weights = dict(topic_weights)
        if with_children:
            for name in CHILD_TOPICS:
                if name in weights:
                    weights[name] *= 3
        return _sample(rng, weights, counts.draw(rng))

    def code():
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    # the Sondierungsgespräch of those whose case opened in the year, together by opening day
    by_opening: dict[dt.date, list[_Member]] = defaultdict(list)
    for member in members:
        if member.start == member.opened_on:
            by_opening[member.opened_on].append(member)
    for day, group in sorted(by_opening.items()):
        kids = any(not m.adult for m in group)
        members_of = [m.pk for m in group]
        first_topics = topics(_FIRST_TOPIC_COUNTS, kids)
        contacts.append(_Contact(day, Kind.EXPLORATORY, members_of, first_topics, code()))
        for member in group:
            member.sondierung = True
            member.start = day + dt.timedelta(days=1)
    active = [m for m in members if m.start <= m.end]
    years = sum(
        ((m.end - m.start).days + 1) / 365 * (1 if m.adult else CHILD_WEIGHT) for m in active
    )
    count = round(per_year * years * rng.uniform(0.6, 1.4))
    if active:
        first, last = min(m.start for m in active), max(m.end for m in active)
        span = (last - first).days
        for _ in range(count):
            day = _weekday(first + dt.timedelta(days=rng.randrange(span + 1)))
            present = [m for m in active if m.start <= day <= m.end]
            if not present:
                continue
            if len(present) > 1 and rng.random() < HOUSEHOLD_SHARE:
                adults = [m for m in present if m.adult]
                kids = [m for m in present if not m.adult]
                group = adults + rng.sample(kids, rng.randrange(len(kids) + 1))
                if len(group) < 2:
                    group = rng.sample(present, 2)
            else:
                weights = [3 if m.adult else 1 for m in present]
                group = [weighted(rng, present, weights)]
            kind = _KINDS.draw(rng)
            with_kids = any(not m.adult for m in group)
            contacts.append(
                _Contact(day, kind, [m.pk for m in group], topics(_TOPIC_COUNTS, with_kids), code())
            )
    # everyone in the window gets at least one contact, so a second run finds nobody new
    seen = {pk for contact in contacts for pk in contact.members}
    for member in members:
        if member.pk not in seen and member.start <= member.end:
            day = member.start + dt.timedelta(
                days=rng.randrange((member.end - member.start).days + 1)
            )
            kind = Kind.COUNSELLING
            contacts.append(
                _Contact(day, kind, [member.pk], topics(_TOPIC_COUNTS, not member.adult), code())
            )
    contacts.sort(key=lambda c: (c.date, c.code))
    return contacts


def _members(rows: list[dict], year_start: dt.date, today: dt.date) -> list[_Member]:
    members = []
    for row in rows:
        end = min(row["window_end"], row["closed_on"] or today, today)
        start = max(row["window_start"], row["opened_on"], year_start)
        age = (today - row["birth_date"]).days // 365
        members.append(
            _Member(
                pk=row["pk"],
                start=start,
                end=end,
                opened_on=row["opened_on"],
                adult=age >= 18,
                open=row["status"] == Client.Status.OPEN,
            )
        )
    return [m for m in members if m.start <= m.end]


@dataclass
class Households:
    """The clients of a Kreis who get contacts, by household, and what their contacts are
    drawn from (read once): ``add_contacts`` draws one household's contacts into a buffer.
    The bench build calls it too, from worker processes (``devtools.bench.contacts``)."""

    groups: dict[str, list[dict]]  # the clients without contacts by household key
    seed: int
    per_year: float
    today: dt.date
    topic_ids: dict[str, int]
    topic_weights: dict[str, float]
    service_ids: dict[str, int]
    provider_of: dict[int, int]  # municipality → provider

    @property
    def keys(self) -> list[str]:
        """The household keys in the order of the writes."""
        return sorted(self.groups)

    def add_contacts(self, buffer: _Buffer, key: str) -> None:
        """The contacts of household ``key`` (participants, topics and referrals with them),
        drawn from its own ``random.Random``."""
        group = self.groups[key]
        head = group[0]
        provider_id = self.provider_of.get(head["municipality_id"])
        today = self.today
        members = _members(group, today - dt.timedelta(days=365), today)
        if provider_id is None or not members:
            return
        topic_ids, service_ids = self.topic_ids, self.service_ids
        rng = random.Random(f"{self.seed}:{key}")
        contacts = _plan_household(rng, members, self.per_year, self.topic_weights)
        languages = head["languages"] or []
        all_open = all(m.open for m in members)
        for number, contact in enumerate(contacts):
            setting = _SETTINGS[contact.kind].draw(rng)
            low, high = (
                SHORT_DURATION
                if setting in (Setting.PHONE, Setting.ONLINE)
                else DURATIONS[contact.kind]
            )
            interpreter = ""
            if languages and languages[0] != "Englisch" and rng.random() < INTERPRETER_SHARE:
                interpreter = languages[0]
            note = NOTES.get(contact.topics[0], "") if rng.random() < 0.3 else ""
            next_appointment = None
            if all_open and number == len(contacts) - 1:
                day = contact.date + dt.timedelta(days=rng.randrange(14, 36))
                next_appointment = _at(_weekday(day), rng.randrange(9, 16))
            index = buffer.add_consultation(
                code=contact.code,
                provider_id=provider_id,
                date=contact.date,
                duration_minutes=5 * rng.randrange(low // 5, high // 5 + 1),
                kind=contact.kind,
                setting=setting,
                interpreter_language=interpreter,
                note=note,
                next_appointment=next_appointment,
                recorded_by_id=head["manager_id"],
            )
            buffer.participants.extend((index, pk) for pk in contact.members)
            buffer.topics.extend((index, topic_ids[name]) for name in contact.topics)
            if rng.random() < REFERRAL_SHARE:
                for name in contact.topics[: rng.choice([1, 1, 1, 2])]:
                    targets = [s for s in REFERRAL_TARGETS.get(name, []) if s in service_ids]
                    if targets:
                        values = _referral(rng, contact.date, today)
                        service_id = service_ids[rng.choice(targets)]
                        buffer.add_referral(index, service_id=service_id, **values)


def read_households(
    kreis: Landkreis,
    seed: int = 2026,
    per_year: float = CONTACTS_PER_YEAR,
    today: dt.date = DEMO_TODAY,
    progress: Callable[[str], None] | None = None,
) -> Households:
    """The clients of ``kreis`` who have no contact yet and were counselled in the year before
    ``today``, with the topics, services and providers their contacts take."""
    year_start = today - dt.timedelta(days=365)
    topic_ids = dict(Topic.objects.filter(active=True).values_list("name", "pk"))
    service_ids = dict(RegularService.objects.filter(active=True).values_list("name", "pk"))
    provider_of = dict(
        ProviderArea.objects.active_on(today)
        .filter(municipality__landkreis=kreis)
        .values_list("municipality_id", "provider_id")
    )
    rows = (
        Client.objects.filter(
            landkreis=kreis,
            manager__isnull=False,
            window_start__isnull=False,
            window_start__lte=today,
            window_end__gte=year_start,
            opened_on__lte=today,
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=year_start))
        .exclude(Exists(ConsultationParticipant.all_objects.filter(client=OuterRef("pk"))))
        .order_by("pk")
        .values(
            "pk",
            "aktenzeichen",
            "household__key",
            "birth_date",
            "languages",
            "municipality_id",
            "manager_id",
            "status",
            "opened_on",
            "closed_on",
            "window_start",
            "window_end",
        )
    )
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["household__key"] or row["aktenzeichen"]].append(row)
    if progress and groups:
        progress(f"Lege Beratungskontakte für {sum(map(len, groups.values()))} Klient:innen an …")
    return Households(
        groups=groups,
        seed=seed,
        per_year=per_year,
        today=today,
        topic_ids=topic_ids,
        topic_weights={name: TOPIC_WEIGHTS.get(name, 1) for name in sorted(topic_ids)},
        service_ids=service_ids,
        provider_of=provider_of,
    )


def add_consultations(
    kreis: Landkreis,
    seed: int = 2026,
    per_year: float = CONTACTS_PER_YEAR,
    today: dt.date = DEMO_TODAY,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Create a year of contacts for the clients of ``kreis`` who have none; returns how many."""
    households = read_households(kreis, seed, per_year, today, progress)
    buffer = _Buffer()
    for key in households.keys:
        households.add_contacts(buffer, key)
        if len(buffer.consultations) >= CHUNK:
            buffer.flush()
    buffer.flush()
    return buffer.written


# Wrongly entered contacts, withdrawn (storniert) by their manager the next morning: they show
# struck through in the timeline and count in no figure.
WITHDRAWALS = (
    "doppelt erfasst",
    "bei der falschen Person erfasst",
    "Termin hat nicht stattgefunden, versehentlich erfasst",
)


def withdraw_some(kreis: Landkreis, today: dt.date = DEMO_TODAY) -> int:
    """Withdraw a few contacts of ``kreis`` spread over the demo year (the same ones each run,
    none if some are withdrawn already); returns how many."""
    contacts = Consultation.all_objects.filter(provider__landkreis=kreis)
    if contacts.filter(withdrawn_at__isnull=False).exists():
        return 0
    candidates = contacts.filter(date__lt=today - dt.timedelta(days=7)).order_by("date", "code")
    count = candidates.count()
    if count == 0:
        return 0
    # the contacts at these places of the order, numbered in one sort (not one per place)
    places = [count * (n + 1) // (len(WITHDRAWALS) + 1) + 1 for n in range(len(WITHDRAWALS))]
    numbered = candidates.annotate(place=Window(RowNumber(), order_by=["date", "code"]))
    found = {contact.place: contact for contact in numbered.filter(place__in=places)}
    picked = [copy.copy(found[place]) for place in places]  # one object each, as loaded
    for contact, reason in zip(picked, WITHDRAWALS, strict=True):
        at = _at(contact.date + dt.timedelta(days=1), 9)
        contact.withdrawn_at = at
        contact.withdrawn_by_id = contact.recorded_by_id
        contact.withdrawal_reason = reason
        contact._history_date = at
        contact._history_user = contact.recorded_by
        contact.save_new_version("withdrawn_at", "withdrawn_by", "withdrawal_reason")
    return len(picked)


def _referral(rng: random.Random, day: dt.date, today: dt.date) -> dict:
    """A referral's follow-up (status and its day): after two weeks most clients have been
    there."""
    waited = (today - day).days
    status = Referral.Status.REFERRED
    if waited >= 14:
        status = _FOLLOW_UPS.draw(rng)
    changed = day
    if status != Referral.Status.REFERRED:
        changed = day + dt.timedelta(days=rng.randrange(7, min(42, waited) + 1))
    return {"status": status, "status_changed_on": changed}
