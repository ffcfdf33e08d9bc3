"""Reads for plan pages and the client page; each in a fixed number of queries whatever the
number of goals (the plans' caseload section is in ``plans.caseload``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from clients.models import Client
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

OVERDUE_SECTION_LIMIT = 50


@dataclass
class FieldProgress:
    """Independence in one field: the first and the latest rating of the plan so far."""

    field: GoalField
    first: IndependenceRating
    latest: IndependenceRating

    @property
    def change(self) -> int:
        return self.latest.rating - self.first.rating

    @property
    def rated_once(self) -> bool:
        return self.first.pk == self.latest.pk


@dataclass
class PlanContent:
    version: PlanVersion
    goals_a: list[Goal] = field(default_factory=list)
    goals_b: list[Goal] = field(default_factory=list)

    @property
    def goals(self) -> list[Goal]:
        return self.goals_a + self.goals_b


def goals_of(version: PlanVersion, *, with_details: bool = True) -> PlanContent:
    """The version's goals split into part A and B, with steps and evaluations prefetched
    (three queries in all; one without details)."""
    goals = version.goals.select_related("field").order_by("part", "target_date", "pk")
    if with_details:
        goals = goals.prefetch_related(
            Prefetch("steps", queryset=Step.objects.select_related("service").order_by("pk")),
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related(
                    "recorded_by", "rating", "outcome__kind"
                ).order_by("evaluated_on", "pk"),
            ),
        )
    content = PlanContent(version=version)
    for goal in goals:
        (content.goals_a if goal.part == Goal.Part.A else content.goals_b).append(goal)
    return content


def independence_progress(version: PlanVersion) -> list[FieldProgress]:
    """Per field, the first and latest rating of the plan up to and including ``version``,
    so the page of an earlier version shows the progress as it was then."""
    ratings = (
        IndependenceRating.objects.filter(
            version__plan_id=version.plan_id, version__number__lte=version.number
        )
        .select_related("field")
        .order_by("field__position", "field__name", "rated_on", "pk")
    )
    by_field: dict[int, FieldProgress] = {}
    for rating in ratings:
        entry = by_field.get(rating.field_id)
        if entry is None:
            by_field[rating.field_id] = FieldProgress(rating.field, rating, rating)
        else:
            entry.latest = rating
    return list(by_field.values())


def status_counts(goals: list[Goal]) -> dict[str, int]:
    """How many goals have each status label, for the summaries (only statuses that occur)."""
    counts: dict[str, int] = {}
    for status in GoalStatus:
        n = sum(1 for goal in goals if goal.status == status)
        if n:
            counts[status.label] = n
    return counts


def current_version(user, client: Client) -> PlanVersion | None:
    """The current version of the client's plan if the user may see it (one query)."""
    return (
        PlanVersion.objects.current()
        .filter(plan__in=Plan.objects.visible_to(user).filter(client=client))
        .select_related("plan__client")
        .first()
    )
