"""Aggregate queries for plans, goals and independence (see ``queries`` for the rules).

- **Version in force during the year**: a plan version agreed on or before 31.12. that was
  not replaced by a later version agreed before 01.01.
- **Goals of the year**: the goals of versions in force during the year, of persons in the
  target group during the year, each goal once — a goal carried into a later version agreed
  on or before 31.12. counts only as that later copy. Its status is its status on 31.12., from
  the goal's status history (an evaluation or edit after 31.12. does not count).
- **Goal achieved**: a goal with an evaluation "erreicht" dated in the year.
- **Independence progress**: in a field, the person's latest rating up to 31.12. was given in
  the year and is higher than his first rating in that field.
"""

from __future__ import annotations

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from plans.models import (
    Evaluation,
    Goal,
    GoalStatus,
    GoalStatusChange,
    IndependenceRating,
    PlanVersion,
)
from reporting.kennzahlen.queries import (
    Measure,
    Period,
    attribute,
    clients_during_year,
    count_distinct,
    count_rows,
    count_where,
    during_year_q,
)

CLIENT_OF_VERSION = "plan__client"
CLIENT_OF_GOAL = "version__plan__client"


def version_in_force_q(period: Period, prefix: str = "") -> Q:
    """For PlanVersion rows at ``prefix`` (``"version__"`` from a goal)."""
    replaced = PlanVersion.objects.filter(
        plan_id=OuterRef(f"{prefix}plan_id"),
        number__gt=OuterRef(f"{prefix}number"),
        agreed_on__lt=period.start,
    )
    return Q(**{f"{prefix}agreed_on__lte": period.end}) & ~Exists(replaced)


def _persons_with_part(period: Period, part: str) -> Measure:
    goals = Goal.objects.filter(
        version_in_force_q(period, "version__"),
        version__plan__client=OuterRef("pk"),
        part=part,
    )
    return count_where(clients_during_year(period), Q(Exists(goals)), via=period)


def persons_with_plan_a(period: Period) -> Measure:
    return _persons_with_part(period, Goal.Part.A)


def persons_with_plan_b(period: Period) -> Measure:
    return _persons_with_part(period, Goal.Part.B)


def _versions_agreed_in_year(period: Period) -> QuerySet:
    rows = PlanVersion.objects.filter(
        plan__client__landkreis_id=period.landkreis_id,
        agreed_on__range=(period.start, period.end),
    )
    return attribute(rows, period, CLIENT_OF_VERSION)


def plans_created(period: Period) -> Measure:
    """Plans whose first version was agreed in the year."""
    return count_where(_versions_agreed_in_year(period), Q(number=1), via=period)


def plans_continued(period: Period) -> Measure:
    """Fortschreibungen: versions 2, 3, … agreed in the year."""
    return count_where(_versions_agreed_in_year(period), Q(number__gt=1), via=period)


def goals_of_year(period: Period) -> QuerySet:
    carried_on = Goal.objects.filter(
        carried_from_id=OuterRef("pk"), version__agreed_on__lte=period.end
    )
    rows = Goal.objects.filter(
        during_year_q(period, f"{CLIENT_OF_GOAL}__"),
        version_in_force_q(period, "version__"),
        ~Exists(carried_on),
    )
    return attribute(rows, period, CLIENT_OF_GOAL)


def goal_status_on(day) -> Coalesce:
    """A goal's status at the end of ``day``, from its status history (a goal recorded before
    the history was kept and never changed since: its status)."""
    then = (
        GoalStatusChange.objects.filter(goal_id=OuterRef("pk"), valid_from__lte=day)
        .order_by("-valid_from", "-pk")
        .values("status")[:1]
    )
    return Coalesce(Subquery(then), F("status"), output_field=CharField())


def goals_by_part_field_status(period: Period) -> Measure:
    rows = goals_of_year(period)
    return count_rows(rows, "part", "field_id", goal_status_on(period.end), via=period)


def goals_reached_by_field(period: Period) -> Measure:
    reached = Evaluation.objects.filter(
        goal_id=OuterRef("pk"),
        result=GoalStatus.REACHED,
        evaluated_on__range=(period.start, period.end),
    )
    rows = Goal.objects.filter(
        Exists(reached), version__plan__client__landkreis_id=period.landkreis_id
    )
    return count_rows(attribute(rows, period, CLIENT_OF_GOAL), "field_id", via=period)


def _progress_ratings(period: Period) -> QuerySet:
    """The latest rating per plan and field up to 31.12., if given in the year and higher
    than the first rating of that plan in that field."""
    same = IndependenceRating.objects.filter(
        version__plan_id=OuterRef("version__plan_id"),
        field_id=OuterRef("field_id"),
        rated_on__lte=period.end,
    )
    first = same.order_by("rated_on", "pk").values("rating")[:1]
    later = same.filter(
        Q(rated_on__gt=OuterRef("rated_on"))
        | Q(rated_on=OuterRef("rated_on"), pk__gt=OuterRef("pk"))
    )
    rows = IndependenceRating.objects.filter(
        version__plan__client__landkreis_id=period.landkreis_id,
        rated_on__range=(period.start, period.end),
    ).filter(~Exists(later), rating__gt=Subquery(first))
    return attribute(rows, period, CLIENT_OF_GOAL)


def independence_progress_by_field(period: Period) -> Measure:
    return count_distinct(_progress_ratings(period), CLIENT_OF_GOAL, "field_id", via=period)


def persons_with_independence_progress(period: Period) -> Measure:
    return count_distinct(_progress_ratings(period), CLIENT_OF_GOAL, via=period)
