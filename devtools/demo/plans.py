"""Integrationspläne for the demo clients.

Most open demo clients who have had a contact (``PLAN_SHARE``) get a plan agreed a few weeks
after their first contact. Every ``PLAN_REVIEW_MONTHS`` the plan is usually evaluated and
continued (Fortschreibung): goals are evaluated (erreicht, teilweise erreicht, in Umsetzung,
…), the open ones are carried into the next version with their open steps, new short-term
goals join. Some reviews are left undone, so the caseload shows overdue reviews. Independence
is rated per field at the start and at most evaluations, mostly improving.

Each client draws from its own ``random.Random`` keyed by the seed and its Aktenzeichen, so the
result does not depend on the others. Clients that already have a plan are skipped, so a second
run creates nothing. The builder draws a chunk of plans as small records (``_Plan``,
``_Version``, …: the models' values, related records by reference); the chunk is written level
by level, each record getting its key before the records that point to it are written
(``_Draft.insert``: ``bulk_create``; the bench build writes the same values as rows with COPY).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from operator import attrgetter
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from clients.models import Client, RegularService
from devtools.demo.data import DEMO_TODAY, KREIS_NAME
from devtools.demo.draws import Weights, weighted
from devtools.demo.plan_texts import (
    ADULT_WEIGHTS,
    CHILD_WEIGHTS,
    EVALUATION_NOTES,
    GOALS,
    YOUNG_ADULT_EXTRA,
)
from plans.dates import add_months
from plans.defaults import ensure_default_fields
from plans.models import (
    Evaluation,
    Goal,
    GoalField,
    GoalStatus,
    IndependenceRating,
    Plan,
    PlanVersion,
    Step,
)

PLAN_SHARE = 0.8
CONTINUE_SHARE = 0.75  # a due review is done (and the plan continued) this often
MAX_VERSIONS = 6
CHUNK = 1000


S = GoalStatus
RESULTS = {
    "A": Weights({S.REACHED: 50, S.PARTLY_REACHED: 14, S.IN_PROGRESS: 20, S.MISSED: 6,
                   S.DROPPED: 5, S.PAUSED: 5}),
    "B": Weights({S.IN_PROGRESS: 58, S.REACHED: 14, S.PARTLY_REACHED: 10, S.PAUSED: 10,
                   S.DROPPED: 5, S.MISSED: 3}),
}  # fmt: skip
NEW_STATUS = Weights({S.AGREED: 70, S.IN_PROGRESS: 20, S.NEW: 10})
INTERIM_RESULT = Weights({S.IN_PROGRESS: 60, S.REACHED: 30, S.PAUSED: 10})
START_LEVEL = Weights({1: 45, 2: 45, 3: 10})


# The records of a chunk: the values of a model's row by field name (a related record or
# object in the field of the relation), the key once written.


@dataclass(slots=True, eq=False)
class _Plan:
    model: ClassVar[type[models.Model]] = Plan
    code: uuid.UUID
    client_id: int
    created_by_id: int
    pk: int | None = None


@dataclass(slots=True, eq=False)
class _Version:
    model: ClassVar[type[models.Model]] = PlanVersion
    plan: _Plan
    number: int
    agreed_on: dt.date
    next_review_on: dt.date
    created_by_id: int
    is_current: bool = True
    superseded_at: dt.datetime | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class _Goal:
    model: ClassVar[type[models.Model]] = Goal
    code: uuid.UUID
    version: _Version
    part: str
    field: GoalField
    text: str
    target_date: dt.date | None
    status: str
    carried_from: _Goal | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class _Step:
    model: ClassVar[type[models.Model]] = Step
    goal: _Goal
    what: str
    who: str
    service_id: int | None
    due_on: dt.date
    done_on: dt.date | None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class _Evaluation:
    model: ClassVar[type[models.Model]] = Evaluation
    goal: _Goal
    evaluated_on: dt.date
    result: str
    note: str
    recorded_by_id: int
    pk: int | None = None


@dataclass(slots=True, eq=False)
class _Rating:
    model: ClassVar[type[models.Model]] = IndependenceRating
    version: _Version
    field: GoalField
    rating: int
    rated_on: dt.date
    kind: str
    evaluation: _Evaluation | None
    recorded_by_id: int
    pk: int | None = None


def _values(records: list) -> tuple[list[str], list[list]]:
    """The records' values by attribute name of their model (a related record or object, in
    the field named as the relation, by its key, written before): the names and the values
    of each record in their order."""
    kind = type(records[0])
    opts = kind.model._meta
    own = [f.name for f in dataclasses.fields(kind) if f.name != "pk"]
    names = [opts.get_field(name).attname for name in own]
    related = [i for i, name in enumerate(own) if names[i] != name]
    get = attrgetter(*own)
    found = []
    for record in records:
        values = list(get(record))
        for i in related:
            if values[i] is not None:
                values[i] = values[i].pk
        found.append(values)
    return names, found


@dataclass
class _Draft:
    """The records of one chunk, written level by level."""

    plans: list[_Plan] = field(default_factory=list)
    versions: list[_Version] = field(default_factory=list)
    goals: dict[int, list[_Goal]] = field(default_factory=dict)  # by version number
    steps: list[_Step] = field(default_factory=list)
    evaluations: list[_Evaluation] = field(default_factory=list)
    ratings: list[_Rating] = field(default_factory=list)

    def write(self) -> None:
        levels = [
            self.plans,
            self.versions,
            *(self.goals[number] for number in sorted(self.goals)),  # carried: level before
            self.steps,
            self.evaluations,
            self.ratings,  # after the evaluations they belong to
        ]
        for records in levels:
            if not records:
                continue
            keys = self.insert(type(records[0]).model, *_values(records))
            for record, key in zip(records, keys, strict=True):
                record.pk = key

    def insert(self, model: type[models.Model], names: list[str], values: list[list]) -> list[int]:
        """Write one row of ``model`` per list of values (in the order of ``names``, attribute
        names); returns their keys, in order. The bench build (``bulk_loading`` in
        ``devtools.bench.dataset``) writes the same rows with COPY instead."""
        objs = model.objects.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in values], batch_size=2000
        )
        return [obj.pk for obj in objs]


def _fields_for(rng: random.Random, age: int, k: int) -> list[str]:
    weights = dict(CHILD_WEIGHTS if age < 16 else ADULT_WEIGHTS)
    if 16 <= age <= 27:
        for name, extra in YOUNG_ADULT_EXTRA.items():
            weights[name] = weights.get(name, 0) + extra
    chosen = []
    for _ in range(min(k, len(weights))):
        name = weighted(rng, list(weights), weights.values())
        chosen.append(name)
        del weights[name]
    return chosen


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class _PlanBuilder:
    """Builds the versions of one client's plan into the chunk's draft."""

    def __init__(self, draft, rng, row, fields, services, today):
        self.draft, self.rng, self.row, self.today = draft, rng, row, today
        self.fields, self.services = fields, services
        self.manager_id = row["manager_id"]
        self.age = (today - row["birth_date"]).days // 365
        self.level: dict[str, int] = {}  # latest independence per field name
        self.open_steps: dict[int, list] = {}  # id(goal) → texts of its steps not yet done

    def build(self) -> None:
        rng, row = self.rng, self.row
        agreed_on = min(row["first_contact"] + dt.timedelta(days=rng.randrange(28)), self.today)
        plan = _Plan(code=_uuid(rng), client_id=row["pk"], created_by_id=self.manager_id)
        self.draft.plans.append(plan)
        open_goals: list[_Goal] = []
        number = 1
        while True:
            review = add_months(agreed_on, settings.PLAN_REVIEW_MONTHS)
            version = _Version(
                plan=plan,
                number=number,
                agreed_on=agreed_on,
                next_review_on=review,
                created_by_id=self.manager_id,
            )
            self.draft.versions.append(version)
            goals = self._goals(version, open_goals)
            continues = (
                review < self.today and number < MAX_VERSIONS and rng.random() < CONTINUE_SHARE
            )
            if not continues:
                self._interim(version, goals)
                return
            next_agreed = min(review + dt.timedelta(days=rng.randrange(-14, 21)), self.today)
            next_agreed = max(next_agreed, agreed_on + dt.timedelta(days=30))
            if next_agreed > self.today:
                self._interim(version, goals)
                return
            self._review(version, goals, next_agreed - dt.timedelta(days=rng.randrange(0, 7)))
            version.is_current = False
            version.superseded_at = timezone.make_aware(
                dt.datetime.combine(next_agreed, dt.time(10))
            )
            open_goals = [g for g in goals if g.status in GoalStatus.open_values()]
            agreed_on, number = next_agreed, number + 1

    def _goals(self, version: _Version, carried: list[_Goal]) -> list[_Goal]:
        rng = self.rng
        goals = []
        for old in carried:
            goal = _Goal(
                code=_uuid(rng),
                version=version,
                part=old.part,
                field=old.field,
                text=old.text,
                target_date=max(old.target_date, add_months(version.agreed_on, 3))
                if old.target_date
                else None,
                status=old.status,
                carried_from=old,
            )
            goals.append(goal)
            self._steps(goal, version.agreed_on, self.open_steps[id(old)])
        first = version.number == 1
        taken = {g.field.name for g in goals}
        a_count = rng.choice([1, 2, 2, 3]) if first else rng.choice([0, 1, 1, 2])
        b_count = rng.choice([1, 1, 2]) if first else (1 if not carried else rng.choice([0, 0, 1]))
        names = [n for n in _fields_for(rng, self.age, a_count + b_count + 2) if n not in taken]
        for part, name in zip(["A"] * a_count + ["B"] * b_count, names, strict=False):
            text, steps = rng.choice(GOALS[name][part])
            months = rng.randint(2, 6) if part == "A" else rng.randint(12, 30)
            goal = _Goal(
                code=_uuid(rng),
                version=version,
                part=part,
                field=self.fields[name],
                text=text,
                target_date=add_months(version.agreed_on, months),
                status=NEW_STATUS.draw(rng),
            )
            goals.append(goal)
            self._steps(goal, version.agreed_on, steps)
            if name not in self.level:
                self.level[name] = START_LEVEL.draw(rng)
                self._rating(version, name, self.level[name], version.agreed_on, None)
        self.draft.goals.setdefault(version.number, []).extend(goals)
        return goals

    def _steps(self, goal: _Goal, start: dt.date, texts) -> None:
        rng = self.rng
        open_steps = self.open_steps[id(goal)] = []
        for what, who, service_name in texts:
            service_id = self.services.get(service_name) if service_name else None
            if who == Step.Who.SERVICE and service_id is None:
                who = Step.Who.MANAGER
            due_on = start + dt.timedelta(days=rng.randrange(14, 120))
            done_on = None
            if due_on < self.today and rng.random() < 0.7:
                done_on = min(due_on - dt.timedelta(days=rng.randrange(0, 10)), self.today)
                done_on = max(done_on, start)
            step = _Step(
                goal=goal,
                what=what,
                who=who,
                service_id=service_id if who == Step.Who.SERVICE else None,
                due_on=due_on,
                done_on=done_on,
            )
            self.draft.steps.append(step)
            if done_on is None:
                open_steps.append((what, who, service_name))

    def _review(self, version: _Version, goals: list[_Goal], day: dt.date) -> None:
        day = max(day, version.agreed_on)
        for goal in goals:
            self._evaluate(version, goal, day, RESULTS[goal.part].draw(self.rng))

    def _interim(self, version: _Version, goals: list[_Goal]) -> None:
        """In the current version, goals running for a while were evaluated in between."""
        rng = self.rng
        if (self.today - version.agreed_on).days < 60:
            return
        for goal in goals:
            if rng.random() < 0.4:
                span = (self.today - version.agreed_on).days
                day = version.agreed_on + dt.timedelta(days=rng.randrange(30, span + 1))
                self._evaluate(version, goal, day, INTERIM_RESULT.draw(rng))

    def _evaluate(self, version: _Version, goal: _Goal, day: dt.date, result: str) -> None:
        rng = self.rng
        evaluation = _Evaluation(
            goal=goal,
            evaluated_on=day,
            result=result,
            note=EVALUATION_NOTES[result] if rng.random() < 0.6 else "",
            recorded_by_id=self.manager_id,
        )
        goal.status = result
        self.draft.evaluations.append(evaluation)
        name = goal.field.name
        if rng.random() < 0.7:
            reached = result in (S.REACHED, S.PARTLY_REACHED)
            gain = rng.choice([0, 0, 1, 1, 1, 2] if reached else [0, 0, 0, 1])
            self.level[name] = min(4, self.level.get(name, 1) + gain)
            self._rating(version, name, self.level[name], day, evaluation)

    def _rating(self, version, name, rating, day, evaluation) -> None:
        self.draft.ratings.append(
            _Rating(
                version=version,
                field=self.fields[name],
                rating=rating,
                rated_on=day,
                kind=IndependenceRating.Kind.EVALUATION
                if evaluation
                else IndependenceRating.Kind.START,
                evaluation=evaluation,
                recorded_by_id=self.manager_id,
            )
        )


def build_demo_plans(seed: int, stdout=None, today: dt.date = DEMO_TODAY) -> int:
    """Give most open demo clients with contacts a plan; returns how many plans were created."""
    fields = ensure_default_fields()
    services = dict(RegularService.objects.values_list("name", "pk"))
    rows = list(
        Client.objects.filter(
            landkreis__name=KREIS_NAME, status=Client.Status.OPEN, manager__isnull=False
        )
        .exclude(Exists(Plan.objects.filter(client=OuterRef("pk"))))
        .annotate(first_contact=Min("participations__consultation__date"))
        .filter(first_contact__isnull=False, first_contact__lte=today)
        .order_by("pk")
        .values("pk", "aktenzeichen", "birth_date", "manager_id", "first_contact")
    )
    chosen = []
    for row in rows:
        rng = random.Random(f"{seed}:plan:{row['aktenzeichen']}")
        if rng.random() < PLAN_SHARE:
            chosen.append((row, rng))
    if stdout is not None and chosen:
        stdout.write(f"Lege Integrationspläne für {len(chosen)} Klient:innen an …")
    for start in range(0, len(chosen), CHUNK):
        draft = _Draft()
        for row, rng in chosen[start : start + CHUNK]:
            _PlanBuilder(draft, rng, row, fields, services, today).build()
        draft.write()
    return len(chosen)
