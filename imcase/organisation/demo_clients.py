"""Generated demo clients: one endless deterministic stream per seed, of which N are taken.

Households (single persons, couples with children, single parents) arrive by assignment; some
spouses and children follow by family reunification, some children are born here. Each
household lives in one municipality (chosen by population) and gets one manager of the team
serving it, the one with the smallest caseload per VZÄ.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from imcase.organisation.demo_data import (
    AZ_PREFIX,
    FIRST_ASSIGNMENT,
    LAST_ASSIGNMENT,
    NATIONALITIES,
    TEAMS,
    StaffSpec,
    staff_specs,
    variants,
)
from imcase.organisation.models import Role


@dataclass(frozen=True)
class ClientSpec:
    number: int
    aktenzeichen: str
    code: uuid.UUID
    last_name: str
    first_name: str
    birth_date: dt.date
    sex: str
    municipality_ags: str
    arrival_kind: str
    assignment_date: dt.date
    manager: str  # username


YEAR_WEIGHTS = {2021: 10, 2022: 18, 2023: 24, 2024: 20, 2025: 16, 2026: 10}
UA_YEAR_WEIGHTS = {2021: 0, 2022: 45, 2023: 25, 2024: 15, 2025: 10, 2026: 5}


def _pick(rng: random.Random, entries: list[tuple[str, ...]]) -> str:
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
    """One household: its members as dicts (name, sex, birth, arrival kind, assignment date)."""
    _, last_names, male_names, female_names = NATIONALITIES[nat]
    lasts, males, females = variants(last_names), variants(male_names), variants(female_names)
    weights = UA_YEAR_WEIGHTS if nat == "UA" else YEAR_WEIGHTS
    year = rng.choices(list(weights), list(weights.values()))[0]
    arrived = _day_in(
        rng, max(dt.date(year, 1, 1), FIRST_ASSIGNMENT), min(dt.date(year, 12, 31), LAST_ASSIGNMENT)
    )
    family_name = _pick(rng, lasts)

    def person(sex, age, kind="zuweisung", on=arrived, last=None):
        if sex != "m" and sex != "w":
            first = _pick(rng, rng.choice([males, females]))
        else:
            first = _pick(rng, males if sex == "m" else females)
        return {
            "last": last or family_name,
            "first": first,
            "sex": sex,
            "kind": kind,
            "birth": _born(rng, on, age),
            "on": on,
        }

    def adult_sex(male_share):
        return "d" if rng.random() < 0.015 else ("m" if rng.random() < male_share else "w")

    shapes = ["single", "couple", "parent"]
    shape = rng.choices(shapes, [45, 35, 20] if nat == "UA" else [35, 50, 15])[0]
    if shape == "single":
        age = rng.randrange(19, 61 if nat == "UA" else 45)
        return [person(adult_sex(0.3 if nat == "UA" else 0.8), age)]
    head_age = rng.randrange(22, 48)
    if shape == "parent":  # mostly mothers with their children
        members = [person("w" if rng.random() < 0.85 else "m", head_age)]
        if nat == "UA" and rng.random() < 0.2:
            members.append(person("w", head_age + rng.randrange(20, 30)))  # grandmother
    else:
        members = [person("m", head_age)]
    # Eritrean wives keep their own name; children carry the father's first name.
    kid_last = members[0]["first"] if nat == "ER" and members[0]["sex"] == "m" else None
    reunion, later = arrived, "zuweisung"
    if shape == "couple":
        if nat != "UA" and rng.random() < 0.35:  # the father came first, the family follows
            reunion = min(arrived + dt.timedelta(days=rng.randrange(180, 800)), LAST_ASSIGNMENT)
            later = "familiennachzug" if reunion > arrived else "zuweisung"
        wife_last = _pick(rng, lasts) if nat == "ER" else None
        members.append(
            person("w", max(19, head_age - rng.randrange(0, 8)), later, reunion, wife_last)
        )
    for _ in range(rng.choices([0, 1, 2, 3, 4, 5], [10, 25, 30, 20, 10, 5])[0]):
        members.append(person(rng.choice("mw"), rng.randrange(0, 18), later, reunion, kid_last))
    if shape == "couple" and rng.random() < 0.25 and reunion < LAST_ASSIGNMENT:
        birth = _day_in(rng, reunion + dt.timedelta(days=1), LAST_ASSIGNMENT)
        members.append(person(rng.choice("mw"), 0, "geburt", birth, kid_last))
        members[-1]["birth"] = birth
    return members


def _team_of() -> dict[str, str]:
    return {ags: team for team, (_, munis, _) in TEAMS.items() for _, ags, _ in munis}


def client_specs(count: int, seed: int = 2026) -> list[ClientSpec]:
    """The first ``count`` demo clients for ``seed`` (a prefix of one endless stream)."""
    rng = random.Random(seed)
    munis = [(ags, pop) for _, (_, ms, _) in TEAMS.items() for _, ags, pop in ms]
    nats = list(NATIONALITIES)
    nat_weights = [NATIONALITIES[n][0] for n in nats]
    team_of = _team_of()
    managers: dict[str, list[StaffSpec]] = {}
    for spec in staff_specs():
        if spec.role == Role.MANAGER:
            managers.setdefault(spec.team, []).append(spec)
    load = {s.username: 0 for team in managers.values() for s in team}
    specs: list[ClientSpec] = []
    while len(specs) < count:
        ags = rng.choices([m[0] for m in munis], [m[1] for m in munis])[0]
        members = _household(rng, rng.choices(nats, nat_weights)[0])
        # the family goes to the manager of the team with the least caseload per VZÄ
        manager = min(managers[team_of[ags]], key=lambda s: load[s.username] / float(s.vza))
        for member in members[: count - len(specs)]:
            number = len(specs) + 1
            load[manager.username] += 1
            specs.append(
                ClientSpec(
                    number=number,
                    aktenzeichen=f"{AZ_PREFIX}-{member['on'].year}-{number:05d}",
                    code=uuid.UUID(int=rng.getrandbits(128), version=4),
                    last_name=member["last"],
                    first_name=member["first"],
                    birth_date=member["birth"],
                    sex=member["sex"],
                    municipality_ags=ags,
                    arrival_kind=member["kind"],
                    assignment_date=member["on"],
                    manager=manager.username,
                )
            )
    return specs
