"""Generated demo clients: one endless deterministic stream per seed, of which N are taken.

Households (single persons, couples with children, single parents) arrive by assignment; some
spouses and children follow by family reunification, some children are born here. A family
shares a household key (``MK-HH-00042``), its languages and its residence status; about a
third of the persons live alone and have no household. Each household lives in one
municipality (chosen by population) and gets one manager of the team serving it, the one with
the smallest caseload per VZÄ.

The case state is computed against the fixed ``DEMO_TODAY``: cases whose window ended are
mostly closed (Ausleitung), a few still wait for it; some families closed early (moved away,
independent); a few windows were extended by the team lead, a few extensions are pending.

Every random draw of a household happens before the draws of its members, and the draws of a
member before those of the next, so the first N persons never depend on N. ``add_clients``
bulk-creates the persons whose Aktenzeichen number the Kreis lacks, so a larger N adds exactly
the missing ones.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import uuid
from dataclasses import dataclass
from itertools import accumulate

from django.utils import timezone

from clients.models import Household, ManagerAssignment, WindowExtension
from clients.models.client import Client, ResidenceStatus
from clients.names import SKELETON_FIELDS, fill_name_skeletons
from clients.window import Window
from devtools.demo import versions
from devtools.demo.clock import stamps_as_given
from devtools.demo.data import (
    AZ_PREFIX,
    DEMO_TODAY,
    EXTENSION_REASONS,
    FIRST_ASSIGNMENT,
    LANGUAGES,
    LAST_ASSIGNMENT,
    NATIONALITIES,
    RESIDENCE_WEIGHTS,
    TEAMS,
    StaffSpec,
    staff_specs,
    team_lead_of,
    variants,
)
from imcase.organisation.models import Role

APPROVED = "approved"
PENDING = "pending"
HouseholdRole = Client.HouseholdRole
HOUSEHOLD_NAMESPACE = uuid.UUID("6f1d2c3e-7a8b-4c9d-8e0f-1a2b3c4d5e6f")


@dataclass(frozen=True)
class ClientSpec:
    number: int
    aktenzeichen: str
    code: uuid.UUID
    last_name: str
    first_name: str
    birth_date: dt.date
    sex: str
    nationality: str  # ISO 3166 alpha-3
    languages: tuple[str, ...]
    residence_status: str
    household_key: str  # "" for a single person
    household_role: str
    municipality_ags: str
    arrival_kind: str
    assignment_date: dt.date | None  # None: § 24 person not assigned to AU
    opened_on: dt.date
    manager: str  # username
    status: str = Client.Status.OPEN
    closed_on: dt.date | None = None
    closed_reason: str = ""
    extension: str = ""  # "", APPROVED or PENDING
    extension_reason: str = ""
    extension_requested: dt.date | None = None
    extension_decided: dt.date | None = None

    @property
    def window_start(self) -> dt.date:
        return self.assignment_date or self.opened_on

    @property
    def window_extended(self) -> bool:
        return self.extension == APPROVED

    @property
    def window_end(self) -> dt.date:
        return Window(self.window_start, self.window_extended).end


MAX_HOUSEHOLD = 6
YEAR_WEIGHTS = {2021: 10, 2022: 18, 2023: 24, 2024: 20, 2025: 16, 2026: 10}
UA_YEAR_WEIGHTS = {2021: 0, 2022: 45, 2023: 25, 2024: 15, 2025: 10, 2026: 5}
EARLY_REASONS = {
    Client.ClosedReason.MOVED_AWAY: 40,
    Client.ClosedReason.INDEPENDENT: 35,
    Client.ClosedReason.DECLINED: 15,
    Client.ClosedReason.OTHER: 10,
}


def _pick(rng: random.Random, entries: tuple[tuple[str, ...], ...]) -> str:
    entry = rng.choice(entries)
    if len(entry) == 1 or rng.random() < 0.6:
        return entry[0]
    return rng.choice(entry[1:])


def _day_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _born(rng: random.Random, on: dt.date, age: int) -> dt.date:
    """A birth date such that the person is ``age`` years old on ``on``."""
    return on - dt.timedelta(days=365 * age + rng.randrange(365))


def _household(rng: random.Random, nat: str) -> list[dict]:
    """One household: its members as dicts (name, sex, birth, role, arrival kind and date)."""
    _, last_names, male_names, female_names = NATIONALITIES[nat]
    lasts, males, females = variants(last_names), variants(male_names), variants(female_names)
    ukraine = nat == "UKR"
    weights = UA_YEAR_WEIGHTS if ukraine else YEAR_WEIGHTS
    year = rng.choices(list(weights), list(weights.values()))[0]
    arrived = _day_in(
        rng, max(dt.date(year, 1, 1), FIRST_ASSIGNMENT), min(dt.date(year, 12, 31), LAST_ASSIGNMENT)
    )
    family_name = _pick(rng, lasts)

    def person(sex, age, role, kind="zuweisung", on=arrived, last=None):
        if sex != "m" and sex != "w":
            first = _pick(rng, rng.choice([males, females]))
        else:
            first = _pick(rng, males if sex == "m" else females)
        return {
            "last": last or family_name,
            "first": first,
            "sex": sex,
            "role": role,
            "kind": kind,
            "birth": _born(rng, on, age),
            "age": age,
            "on": on,
        }

    def adult_sex(male_share):
        return "d" if rng.random() < 0.015 else ("m" if rng.random() < male_share else "w")

    shapes = ["single", "couple", "parent"]
    # about a third of the persons live alone, so two households in three are single persons
    shape = rng.choices(shapes, [65, 15, 20] if ukraine else [65, 25, 10])[0]
    if shape == "single":
        age = rng.randrange(19, 61 if ukraine else 45)
        return [person(adult_sex(0.3 if ukraine else 0.8), age, HouseholdRole.HEAD)]
    head_age = rng.randrange(22, 48)
    if shape == "parent":  # mostly mothers with their children
        members = [person("w" if rng.random() < 0.85 else "m", head_age, HouseholdRole.HEAD)]
        if ukraine and rng.random() < 0.2:  # the grandmother came along
            members.append(person("w", head_age + rng.randrange(20, 30), HouseholdRole.OTHER))
    else:
        members = [person("m", head_age, HouseholdRole.HEAD)]
    # Eritrean wives keep their own name; children carry the father's first name.
    kid_last = members[0]["first"] if nat == "ERI" and members[0]["sex"] == "m" else None
    reunion, later = arrived, "zuweisung"
    youngest_parent = head_age
    if shape == "couple":
        if not ukraine and rng.random() < 0.35:  # the father came first, the family follows
            reunion = min(arrived + dt.timedelta(days=rng.randrange(180, 800)), LAST_ASSIGNMENT)
            later = "familiennachzug" if reunion > arrived else "zuweisung"
        wife_last = _pick(rng, lasts) if nat == "ERI" else None
        wife_age = max(19, head_age - rng.randrange(0, 8))
        youngest_parent = min(head_age, wife_age)
        members.append(person("w", wife_age, HouseholdRole.PARTNER, later, reunion, wife_last))
    # children are at least 18 years younger than their younger parent
    oldest_child = min(17, youngest_parent - 18)
    # households of two to six persons; a single parent has at least one child
    kids = rng.choices([0, 1, 2, 3, 4], [10, 25, 30, 22, 13])[0]
    kids = min(max(kids, 1 if shape == "parent" else 0), MAX_HOUSEHOLD - len(members))
    for _ in range(kids):
        age = rng.randrange(0, oldest_child + 1)
        members.append(person(rng.choice("mw"), age, HouseholdRole.CHILD, later, reunion, kid_last))
    if (
        shape == "couple"
        and len(members) < MAX_HOUSEHOLD
        and rng.random() < 0.25
        and reunion < LAST_ASSIGNMENT
    ):
        birth = _day_in(rng, reunion + dt.timedelta(days=1), LAST_ASSIGNMENT)
        members.append(person(rng.choice("mw"), 0, HouseholdRole.CHILD, "geburt", birth, kid_last))
        members[-1]["birth"] = birth
    return members


@dataclass(frozen=True)
class _CaseDraws:
    """The household-level draws that decide the case state of all its members."""

    private: bool  # § 24 person living outside AU (no assignment)
    open_delay: int
    close_lag: int
    overdue_open: bool
    extension_roll: float
    extension_reason: str
    request_lead: int
    decision_days: int
    pending_days: int
    early_reason: str  # "" if the family's case does not close early
    early_share: float

    @classmethod
    def draw(cls, rng: random.Random, ukraine: bool) -> _CaseDraws:
        return cls(
            private=ukraine and rng.random() < 0.15,
            open_delay=rng.randrange(0, 45),
            close_lag=rng.randrange(1, 46),
            overdue_open=rng.random() < 0.4,
            extension_roll=rng.random(),
            extension_reason=rng.choice(EXTENSION_REASONS),
            request_lead=rng.randrange(60, 121),
            decision_days=rng.randrange(5, 26),
            pending_days=rng.randrange(1, 41),
            early_reason=(
                rng.choices(list(EARLY_REASONS), list(EARLY_REASONS.values()))[0]
                if rng.random() < 0.06
                else ""
            ),
            early_share=rng.uniform(0.2, 0.9),
        )


def _case_state(draws: _CaseDraws, opened: dt.date, start: dt.date, early_on: dt.date) -> dict:
    """Status, closing and extension of one member on ``DEMO_TODAY``."""
    end = Window(start).end
    if draws.early_reason and opened < early_on <= min(end, DEMO_TODAY):
        return {
            "status": Client.Status.CLOSED,
            "closed_on": early_on,
            "closed_reason": draws.early_reason,
        }
    extension = {"extension_reason": draws.extension_reason}
    days_left = (end - DEMO_TODAY).days
    if -300 <= days_left <= 30 and draws.extension_roll < 0.15:
        requested = max(end - dt.timedelta(days=draws.request_lead), start)
        return extension | {
            "extension": APPROVED,
            "extension_requested": requested,
            "extension_decided": requested + dt.timedelta(days=draws.decision_days),
        }
    if 0 <= days_left <= 90 and draws.extension_roll < 0.45:
        requested = max(DEMO_TODAY - dt.timedelta(days=draws.pending_days), start)
        return extension | {"extension": PENDING, "extension_requested": requested}
    if days_left >= 0:
        return {}
    closed_on = end + dt.timedelta(days=draws.close_lag)
    if closed_on >= DEMO_TODAY or (draws.overdue_open and days_left >= -120):
        return {}  # Ausleitung fällig
    return {
        "status": Client.Status.CLOSED,
        "closed_on": closed_on,
        "closed_reason": Client.ClosedReason.WINDOW_ENDED,
    }


def _team_of() -> dict[str, str]:
    return {ags: team for team, (_, munis, _) in TEAMS.items() for _, ags, _ in munis}


def _residence(rng: random.Random, nat: str) -> str:
    if nat == "UKR":
        return ResidenceStatus.UKRAINE
    statuses = [ResidenceStatus.PROTECTION, ResidenceStatus.DULDUNG, ResidenceStatus.GESTATTUNG]
    return rng.choices(statuses, RESIDENCE_WEIGHTS[nat])[0]


def client_specs(count: int, seed: int = 2026) -> list[ClientSpec]:
    """The first ``count`` demo clients for ``seed`` (a prefix of one endless stream)."""
    rng = random.Random(seed)
    # the cumulative weights once (``choices`` sums the weights on every call otherwise)
    munis = [(ags, pop) for _, (_, ms, _) in TEAMS.items() for _, ags, pop in ms]
    muni_ags, muni_weights = [m[0] for m in munis], list(accumulate(m[1] for m in munis))
    nats = list(NATIONALITIES)
    nat_weights = list(accumulate(NATIONALITIES[n][0] for n in nats))
    team_of = _team_of()
    managers: dict[str, list[StaffSpec]] = {}
    for spec in staff_specs():
        if spec.role == Role.MANAGER:
            managers.setdefault(spec.team, []).append(spec)
    load = {s.username: 0 for team in managers.values() for s in team}
    specs: list[ClientSpec] = []
    families = 0
    while len(specs) < count:
        ags = rng.choices(muni_ags, cum_weights=muni_weights)[0]
        nat = rng.choices(nats, cum_weights=nat_weights)[0]
        members = _household(rng, nat)
        languages = rng.choices(*zip(*LANGUAGES[nat], strict=True))[0]
        residence = _residence(rng, nat)
        draws = _CaseDraws.draw(rng, nat == "UKR")
        key = ""
        if len(members) > 1:
            families += 1
            key = f"{AZ_PREFIX}-HH-{families:05d}"
        first_opened = min(members[0]["on"] + dt.timedelta(days=draws.open_delay), LAST_ASSIGNMENT)
        early_on = first_opened + dt.timedelta(
            days=int((DEMO_TODAY - first_opened).days * draws.early_share)
        )
        # the family goes to the manager of the team with the least caseload per VZÄ
        manager = min(managers[team_of[ags]], key=lambda s: load[s.username] / float(s.vza))
        for member in members[: count - len(specs)]:
            number = len(specs) + 1
            load[manager.username] += 1
            opened = min(member["on"] + dt.timedelta(days=draws.open_delay), LAST_ASSIGNMENT)
            assigned = None if draws.private else member["on"]
            specs.append(
                ClientSpec(
                    number=number,
                    aktenzeichen=f"{AZ_PREFIX}-{member['on'].year}-{number:05d}",
                    code=uuid.UUID(int=rng.getrandbits(128), version=4),
                    last_name=member["last"],
                    first_name=member["first"],
                    birth_date=member["birth"],
                    sex=member["sex"],
                    nationality=nat,
                    languages=languages,
                    residence_status=residence,
                    household_key=key,
                    household_role=member["role"],
                    municipality_ags=ags,
                    arrival_kind=member["kind"],
                    assignment_date=assigned,
                    opened_on=opened,
                    manager=manager.username,
                    **_case_state(draws, opened, assigned or opened, early_on),
                )
            )
    return specs


# --- writing to the database --------------------------------------------------------------


def add_clients(kreis, munis, users, count: int, seed: int, stdout=None) -> int:
    """Bulk-create the specs whose Aktenzeichen number the Kreis does not have yet, with their
    households and extension requests."""
    existing = Client.objects.filter(landkreis=kreis, aktenzeichen__startswith=f"{AZ_PREFIX}-")
    taken = {az.rsplit("-", 1)[-1] for az in existing.values_list("aktenzeichen", flat=True)}
    specs = [s for s in client_specs(count, seed) if f"{s.number:05d}" not in taken]
    if not specs:
        return 0
    if stdout is not None:
        stdout.write(f"Lege {len(specs)} Klient:innen an …")
    households = _households(kreis, {s.household_key for s in specs if s.household_key}, seed)
    # keys, not objects: an object given to a model sets its relation through the descriptor,
    # which costs several times the plain attribute, 50,000 times over
    by_ags = {m.ags: m.pk for m in munis.values()}
    user_ids = {name: user.pk for name, user in users.items()}
    rows = [
        Client(
            code=spec.code,
            landkreis_id=kreis.pk,
            aktenzeichen=spec.aktenzeichen,
            last_name=spec.last_name,
            first_name=spec.first_name,
            birth_date=spec.birth_date,
            sex=spec.sex,
            nationality=spec.nationality,
            languages=list(spec.languages),
            residence_status=spec.residence_status,
            household_id=households.get(spec.household_key),
            household_role=spec.household_role,
            municipality_id=by_ags[spec.municipality_ags],
            arrival_kind=spec.arrival_kind,
            assignment_date=spec.assignment_date,
            opened_on=spec.opened_on,
            status=spec.status,
            closed_on=spec.closed_on,
            closed_reason=spec.closed_reason,
            # what clients.services.refresh_window would store, without a query per row
            window_start=spec.window_start,
            window_end=spec.window_end,
            window_extended=spec.window_extended,
            manager_id=user_ids[spec.manager],
        )
        for spec in specs
    ]
    for client in rows:  # PostgreSQL's trigger writes the same; SQLite has none
        fill_name_skeletons(client)
    created = Client.objects.bulk_create(rows, batch_size=1000)
    # the first history entry of each person: opened by the manager on the day the case opened
    at_ten = functools.cache(_at_ten)  # a few thousand days for 50,000 persons
    for client, spec in zip(created, specs, strict=True):
        client._history_user = users[spec.manager]
        client._history_date = at_ten(spec.opened_on)
    versions.add_first_versions(Client, created, batch_size=1000)
    # the dated responsibility (clients.ManagerAssignment): since the case opened
    ManagerAssignment.objects.bulk_create(
        [
            ManagerAssignment(
                client_id=client.pk,
                manager_id=client.manager_id,
                valid_from=spec.opened_on,
                kind=ManagerAssignment.Kind.CREATED,
                assigned_by_id=client.manager_id,
            )
            for client, spec in zip(created, specs, strict=True)
        ],
        batch_size=1000,
    )
    _add_extensions(kreis, [s for s in specs if s.extension], users)
    return len(specs)


def _households(kreis, keys: set[str], seed: int) -> dict[str, int]:
    """Household ids by key; the missing ones are created with a code derived from the key."""
    found = dict(Household.objects.filter(landkreis=kreis).values_list("key", "pk"))
    missing = sorted(keys - found.keys())
    Household.objects.bulk_create(
        [
            Household(
                code=uuid.uuid5(HOUSEHOLD_NAMESPACE, f"{seed}:{key}"),
                landkreis_id=kreis.pk,
                key=key,
            )
            for key in missing
        ],
        batch_size=1000,
    )
    if missing:
        found = dict(Household.objects.filter(landkreis=kreis).values_list("key", "pk"))
    return found


def _at_ten(day) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _add_extensions(kreis, specs: list[ClientSpec], users) -> None:
    """Requested by the client's manager; approved ones decided by the lead of his team."""
    if not specs:
        return
    team_of = {s.username: s.team for s in staff_specs()}
    ids = dict(
        Client.objects.filter(
            landkreis=kreis, aktenzeichen__in=[s.aktenzeichen for s in specs]
        ).values_list("aktenzeichen", "pk")
    )
    rows = []
    for spec in specs:
        approved = spec.extension == APPROVED
        rows.append(
            WindowExtension(
                client_id=ids[spec.aktenzeichen],
                reason=spec.extension_reason,
                requested_by=users[spec.manager],
                decision=(
                    WindowExtension.Decision.APPROVED
                    if approved
                    else WindowExtension.Decision.PENDING
                ),
                decided_by=users[team_lead_of(team_of[spec.manager])] if approved else None,
                decided_at=_at_ten(spec.extension_decided) if approved else None,
                decision_note="Begründung nachvollziehbar, Verlängerung genehmigt."
                if approved
                else "",
                requested_at=_at_ten(spec.extension_requested),
            )
        )
    # requested_at is auto_now_add, which bulk_create would fill with now: the demo's date
    with stamps_as_given(WindowExtension, "requested_at"):
        WindowExtension.objects.bulk_create(rows, batch_size=1000)


def complete_name_skeletons(kreis) -> int:
    """Store the name skeletons of the search where they are missing or stale (a demo database
    from before they were kept on SQLite); returns how many clients were written."""
    stale = []
    for client in Client.objects.filter(landkreis=kreis).only(
        "pk", "first_name", "last_name", *SKELETON_FIELDS
    ):
        if fill_name_skeletons(client):
            stale.append(client)
    Client.objects.bulk_update(stale, SKELETON_FIELDS, batch_size=1000)
    return len(stale)
