"""Outcomes (Wirkungen) of the demo clients, with rates like those the source documents report.

Each adult (16 or older when his window began) may start an Integrationskurs a few months in
and reach a certificate (mostly B1, some A2) after 9 to 34 months; some then take a
Berufssprachkurs to B2. Adults may start work or training (sozialversicherungspflichtige
Beschäftigung, Minijob, Ausbildung, Praktikum, Studium; an Arbeitsgelegenheit now and then)
after 6 to 40 months, and some of those with a job report that they no longer receive benefits.
A household (a single person too) may move into its own flat after 10 to 40 months — every
member then counts. Children of school age are enrolled at a school soon after arriving; a few
adults start a recognition procedure. Only what happened inside the person's window and before
``DEMO_TODAY`` (and before the case was closed) is recorded, so the younger cohorts have
fewer outcomes. Where the person's plan has a goal of the matching field evaluated "erreicht",
the outcome takes the evaluation's date and is linked to it (recorded in the same step). Three
wrongly entered outcomes are withdrawn (kept, counted nowhere).

Of the persons whose window began at least 24 months before the demo day, about 40 % reached
B1, about 30 % work or training and about 15 % an own flat (``tests/test_seed_demo.py``).

Each client draws from its own ``random.Random`` keyed by the seed and his Aktenzeichen;
clients that already have an outcome are skipped, so a second run writes nothing. Written with
``bulk_create`` and the first version of each outcome's history.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from clients.models import Client, OutcomeEvent
from clients.outcome_kinds import ensure_default_kinds
from devtools.demo import versions
from devtools.demo.clock import moment, stamps_as_given
from devtools.demo.data import DEMO_TODAY, KREIS_NAME
from imcase.organisation.models import StaffMember
from plans.dates import add_months
from plans.models import Evaluation, GoalStatus

ADULT_AGE = 16
COURSE_SHARE = 0.92  # adults who start an Integrationskurs
CERTIFICATE_SHARE = 0.85  # of those, reach a certificate at all
B1_SHARE = 0.85  # of the certificates, B1 (else A2)
B2_COURSE_SHARE = 0.25  # of those with B1, a Berufssprachkurs to B2 later
WORK_SHARE = 0.58  # adults who start work or training
TENANCY_SHARE = 0.24  # households that move into an own flat
BENEFITS_SHARE = 0.45  # of those in svb, no longer on benefits
RECOGNITION_SHARE = 0.08
SCHOOL_AGES = range(6, 18)
LINK_SHARE = 0.7  # an outcome takes the date of a matching evaluation this often

WORK_KINDS = {"svb": 42, "minijob": 20, "ausbildung": 15, "praktikum": 13, "studium": 4}
WORK_KINDS_WITH_AGH = {**WORK_KINDS, "arbeitsgelegenheit": 6}
HOURS = {
    "svb": {"ab30": 65, "15bis29": 30, "unter15": 5},
    "minijob": {"unter15": 85, "15bis29": 15},
    "praktikum": {"ab30": 60, "15bis29": 40},
    "arbeitsgelegenheit": {"15bis29": 70, "unter15": 30},
}
SOURCES = {
    "sprache": {"nachweis": 82, "selbstauskunft": 18},
    "bildung": {"nachweis": 70, "selbstauskunft": 30},
    "arbeit": {"nachweis": 50, "selbstauskunft": 30, "jobcenter": 20},
    "wohnen": {"nachweis": 60, "selbstauskunft": 40},
    "leistungen": {"selbstauskunft": 70, "jobcenter": 30},
}
# The plan's field whose "erreicht" evaluation an outcome of this category may come from.
LINKED_FIELDS = {"sprache": "Sprache", "arbeit": "Arbeitsmarkt", "wohnen": "Wohnen"}
WITHDRAWALS = [
    "doppelt erfasst",
    "bei der falschen Person erfasst",
    "Arbeitsvertrag kam doch nicht zustande",
]


@dataclass
class _Person:
    pk: int
    aktenzeichen: str
    age: int
    start: dt.date
    last_day: dt.date  # the last day an outcome may lie on
    provider_id: int
    manager_id: int
    household: str  # the household's key, or "" (never a primary key: those differ per database)
    has_outcomes: bool


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _after(start: dt.date, rng: random.Random, low: int, high: int) -> dt.date:
    """A day ``low``..``high`` months after ``start``."""
    return add_months(start, rng.randint(low, high)) + dt.timedelta(days=rng.randrange(28))


class _Builder:
    def __init__(self, seed: int, kinds: dict, evaluations: dict) -> None:
        self.seed, self.kinds, self.evaluations = seed, kinds, evaluations
        self.moments: dict[dt.date, dt.datetime] = {}  # 11:00 of a day, once per day
        self.outcomes: list[OutcomeEvent] = []
        self.links: list[tuple[int, OutcomeEvent]] = []  # (evaluation pk, outcome)

    def take_link(self, rng, person: _Person, category: str) -> tuple[int, dt.date] | None:
        """A matching "erreicht" evaluation of the person's plan, now and then."""
        candidates = self.evaluations.get((person.pk, LINKED_FIELDS[category]), [])
        if candidates and rng.random() < LINK_SHARE:
            return candidates.pop(0)
        return None

    def add(
        self, rng, person: _Person, code: str, day: dt.date, link=None, **details
    ) -> OutcomeEvent | None:
        """The outcome if it lies inside the person's window and before the demo day (a
        certificate or an end after that is left out); ``link``: the evaluation it came from."""
        kind = self.kinds[code]
        if not person.start <= day <= person.last_day:
            return None
        if details.get("certificate_on") and details["certificate_on"] > person.last_day:
            details.pop("certificate_on")
            details.pop("certificate_level", None)
            details.pop("ended_on", None)
        if details.get("ended_on") and details["ended_on"] > person.last_day:
            details.pop("ended_on")
        reached = details.get("certificate_on") or day
        recorded = min(reached + dt.timedelta(days=rng.randrange(0, 21)), DEMO_TODAY)
        recorded_at = self.moments.get(recorded)
        if recorded_at is None:
            recorded_at = self.moments[recorded] = moment(recorded, 11)
        outcome = OutcomeEvent(
            code=_uuid(rng),
            client_id=person.pk,
            provider_id=person.provider_id,
            kind_id=kind.pk,  # the key: setting the object costs more, 60,000 times over
            started_on=day,
            source=_weighted(rng, SOURCES[kind.category]),
            recorded_by_id=person.manager_id,
            recorded_at=recorded_at,
            **details,
        )
        outcome._history_date = recorded_at
        outcome._history_user = None
        self.outcomes.append(outcome)
        if link is not None:
            self.links.append((link[0], outcome))
        return outcome

    def person(self, person: _Person, flat_on: dt.date | None) -> None:
        rng = random.Random(f"{self.seed}:outcomes:{person.aktenzeichen}")
        if person.age < ADULT_AGE:
            if person.age in SCHOOL_AGES and rng.random() < 0.85:
                self.add(rng, person, "schulanmeldung", _after(person.start, rng, 0, 2))
        else:
            self._language(rng, person)
            self._work(rng, person)
            if rng.random() < RECOGNITION_SHARE:
                begun = self.add(
                    rng, person, "anerkennung-begonnen", _after(person.start, rng, 4, 20)
                )
                if begun and rng.random() < 0.5:
                    self.add(
                        rng, person, "anerkennung-entschieden", _after(begun.started_on, rng, 3, 10)
                    )
        if flat_on is not None:
            self.add(rng, person, "eigene-wohnung", flat_on)

    def _language(self, rng: random.Random, person: _Person) -> None:
        if rng.random() >= COURSE_SHARE:
            return
        begun = _after(person.start, rng, 1, 8)
        if rng.random() >= CERTIFICATE_SHARE:
            self.add(rng, person, "integrationskurs", begun)
            return
        level = "B1" if rng.random() < B1_SHARE else "A2"
        certified = max(_after(person.start, rng, 9, 34), begun + dt.timedelta(days=180))
        link = self.take_link(rng, person, "sprache")
        if link is not None and link[1] >= begun + dt.timedelta(days=90):
            certified = link[1]  # the certificate was recorded with the goal's evaluation
        else:
            link = None
        ended = certified - dt.timedelta(days=rng.randrange(7, 40))
        course = self.add(
            rng,
            person,
            "integrationskurs",
            begun,
            link,
            ended_on=ended if ended >= begun else None,
            certificate_level=level,
            certificate_on=certified,
        )
        if course and course.certificate_level == "B1" and rng.random() < B2_COURSE_SHARE:
            self.add(rng, person, "berufssprachkurs", _after(certified, rng, 2, 8))

    def _work(self, rng: random.Random, person: _Person) -> None:
        if rng.random() >= WORK_SHARE:
            return
        code = _weighted(rng, WORK_KINDS_WITH_AGH)
        begun = _after(person.start, rng, 6, 40)
        link = None
        if code != "arbeitsgelegenheit":
            link = self.take_link(rng, person, "arbeit")
            begun = link[1] if link is not None else begun
        details = {}
        if code in HOURS:
            details["hours_band"] = _weighted(rng, HOURS[code])
        if code in ("praktikum", "arbeitsgelegenheit"):
            details["ended_on"] = _after(begun, rng, 1, 5)
        job = self.add(rng, person, code, begun, link, **details)
        if job is None:
            return
        if code == "arbeitsgelegenheit" or (code == "praktikum" and rng.random() < 0.5):
            # A Praktikum or an Arbeitsgelegenheit often leads to a job.
            follow = _weighted(rng, {"svb": 60, "ausbildung": 25, "minijob": 15})
            start = (job.ended_on or begun) + dt.timedelta(days=rng.randrange(7, 90))
            extra = {"hours_band": _weighted(rng, HOURS[follow])} if follow in HOURS else {}
            job = self.add(rng, person, follow, start, **extra) or job
        if job.kind_id == self.kinds["svb"].pk and rng.random() < BENEFITS_SHARE:
            self.add(rng, person, "leistungsunabhaengig", _after(job.started_on, rng, 1, 6))


def _people(today: dt.date) -> list[_Person]:
    providers = dict(StaffMember.objects.values_list("user_id", "provider_id"))
    rows = (
        Client.objects.filter(landkreis__name=KREIS_NAME, manager__isnull=False)
        .exclude(window_start__isnull=True)
        .annotate(has_outcomes=Exists(OutcomeEvent.objects.filter(client=OuterRef("pk"))))
        .order_by("pk")
        .values(
            "pk",
            "aktenzeichen",
            "birth_date",
            "window_start",
            "window_end",
            "closed_on",
            "manager_id",
            "household__key",
            "has_outcomes",
        )
    )
    people = []
    for row in rows:
        last_day = min(row["window_end"], row["closed_on"] or today, today)
        provider_id = providers.get(row["manager_id"])
        if provider_id is None or last_day < row["window_start"]:
            continue
        age = (row["window_start"] - row["birth_date"]).days // 365 if row["birth_date"] else 30
        people.append(
            _Person(
                pk=row["pk"],
                aktenzeichen=row["aktenzeichen"],
                age=age,
                start=row["window_start"],
                last_day=last_day,
                provider_id=provider_id,
                manager_id=row["manager_id"],
                household=row["household__key"] or "",
                has_outcomes=row["has_outcomes"],
            )
        )
    return people


def _reached_evaluations(ids: list[int]) -> dict[tuple[int, str], list[tuple[int, dt.date]]]:
    """Evaluations "erreicht" in the linked fields, per client and field, earliest first."""
    found: dict[tuple[int, str], list[tuple[int, dt.date]]] = {}
    rows = (
        Evaluation.objects.filter(
            goal__version__plan__client_id__in=ids,
            goal__field__name__in=LINKED_FIELDS.values(),
            result=GoalStatus.REACHED,
            outcome__isnull=True,
        )
        .order_by("evaluated_on", "pk")
        .values_list("pk", "evaluated_on", "goal__field__name", "goal__version__plan__client_id")
    )
    for pk, day, field, client_id in rows:
        found.setdefault((client_id, field), []).append((pk, day))
    return found


def _flat_days(seed: int, people: list[_Person]) -> dict[int, dt.date | None]:
    """One draw per household (a single person is his own): the day it moved, or None."""
    by_household: dict[object, list[_Person]] = {}
    for person in people:
        by_household.setdefault(person.household or person.aktenzeichen, []).append(person)
    days: dict[int, dt.date | None] = {}
    for key, members in by_household.items():
        rng = random.Random(f"{seed}:flat:{key}")
        first = min(m.start for m in members)
        day = _after(first, rng, 10, 40) if rng.random() < TENANCY_SHARE else None
        for member in members:
            days[member.pk] = day
    return days


def build_demo_outcomes(seed: int, today: dt.date = DEMO_TODAY) -> int:
    """Give the demo clients their outcomes; returns how many were created."""
    kinds = ensure_default_kinds()
    everyone = _people(today)
    # The flat is drawn per household from all its members, those done before too.
    flats = _flat_days(seed, everyone)
    people = [person for person in everyone if not person.has_outcomes]
    if not people:
        return 0
    builder = _Builder(seed, kinds, _reached_evaluations([p.pk for p in people]))
    for person in people:
        builder.person(person, flats[person.pk])
    outcomes = builder.outcomes
    if not outcomes:
        return 0
    _withdraw_some(outcomes)
    with stamps_as_given(OutcomeEvent, "recorded_at"):
        OutcomeEvent.objects.bulk_create(outcomes, batch_size=2000)
    versions.add_first_versions(OutcomeEvent, outcomes, batch_size=2000)
    linked = dict(builder.links)
    evaluations = list(Evaluation.objects.filter(pk__in=linked))
    for evaluation in evaluations:
        evaluation.outcome = linked[evaluation.pk]
    Evaluation.objects.bulk_update(evaluations, ["outcome"], batch_size=2000)
    return len(outcomes)


def _withdraw_some(outcomes: list[OutcomeEvent]) -> None:
    """Three outcomes spread over the list, withdrawn a day after they were recorded (the demo
    writes one version of each, the withdrawn one)."""
    step = len(outcomes) // (len(WITHDRAWALS) + 1)
    if step == 0:
        return
    picked = [outcomes[step * (n + 1)] for n in range(len(WITHDRAWALS))]
    for outcome, reason in zip(picked, WITHDRAWALS, strict=True):
        outcome.withdrawn_at = min(
            outcome.recorded_at + dt.timedelta(days=1), moment(DEMO_TODAY, 9)
        )
        outcome.withdrawn_by_id = outcome.recorded_by_id
        outcome.withdrawn_reason = reason
