"""Demo plans (``build_demo_plans``) and the plan benchmarks on a small demo Kreis."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from clients.models import Client
from devtools.bench import CASES, run_cases
from devtools.bench import plans as bench_plans
from devtools.demo import build_demo
from devtools.demo.data import DEMO_TODAY
from devtools.demo.plans import build_demo_plans
from plans.models import Evaluation, Goal, GoalStatus, IndependenceRating, Plan, PlanVersion

# The demo Kreis is built as of its fixed demo day, so these tests state that day (and
# the later-day runs of `make test` need not build it again).
pytestmark = pytest.mark.today(DEMO_TODAY)

SEED = 2026


@pytest.fixture
def demo(db):
    build_demo(clients=80, seed=SEED)
    build_demo_plans(SEED)


def snapshot() -> list[tuple]:
    return sorted(
        Goal.objects.values_list(
            "version__plan__client__aktenzeichen",
            "version__number",
            "version__agreed_on",
            "part",
            "field__name",
            "text",
            "status",
        )
    )


def test_most_open_clients_with_contacts_get_a_plan(demo):
    candidates = Client.objects.filter(
        status=Client.Status.OPEN, participations__isnull=False
    ).distinct()
    planned = candidates.filter(plan__isnull=False).count()
    assert candidates.count() > 10
    assert 0.6 <= planned / candidates.count() <= 0.95
    assert not Plan.objects.filter(client__status=Client.Status.CLOSED).exists()


def test_demo_plans_have_goals_in_various_states_with_steps_evaluations_and_ratings(demo):
    statuses = set(Goal.objects.values_list("status", flat=True))
    assert {GoalStatus.AGREED, GoalStatus.IN_PROGRESS, GoalStatus.REACHED} <= statuses
    assert len(statuses) >= 5
    assert set(Goal.objects.values_list("part", flat=True)) == {"A", "B"}
    assert Evaluation.objects.exists()
    assert IndependenceRating.objects.filter(kind="start").exists()
    assert IndependenceRating.objects.filter(kind="auswertung").exists()
    assert not Goal.objects.annotate(n=Count("steps")).filter(n=0, carried_from=None).exists()
    # Fortschreibungen: earlier versions exist, exactly one current version per plan.
    assert PlanVersion.objects.filter(is_current=False).exists()
    per_plan = Plan.objects.annotate(
        current=Count("versions", filter=Q(versions__is_current=True))
    ).values_list("current", flat=True)
    assert set(per_plan) == {1}
    # Some reviews are overdue, so the caseload section has something to show.
    assert PlanVersion.objects.review_overdue(DEMO_TODAY).exists()
    assert not PlanVersion.objects.filter(agreed_on__gt=DEMO_TODAY).exists()


def test_demo_plans_are_idempotent_and_deterministic(demo):
    before = snapshot()
    assert build_demo_plans(SEED) == 0
    assert snapshot() == before
    Plan.objects.all().delete()
    assert build_demo_plans(SEED) > 0
    assert snapshot() == before


def test_plan_benchmarks_answer_on_the_demo_kreis(demo):
    cases = [c for c in CASES if c.name.startswith("Integrationsplan")]
    assert len(cases) == 2
    results = list(run_cases(1, cases=cases))
    assert [r.name for r in results] == [c.name for c in cases]
    plan = bench_plans.plan_with_goals()
    assert plan.versions.get(is_current=True).goals.count() >= bench_plans.GOALS
