"""Demo outcomes (``devtools.demo.outcomes``): realistic rates per cohort, dates inside the
windows and never after the demo day, mixed sources, a few withdrawn, some recorded with a
goal evaluation; built once (a second run writes nothing) and the same in every build."""

from __future__ import annotations

import pytest

from clients.models import Client, OutcomeEvent
from devtools.demo import build_demo
from devtools.demo.data import DEMO_TODAY
from devtools.demo.outcomes import build_demo_outcomes
from plans.dates import add_months
from plans.models import Evaluation

pytestmark = pytest.mark.today(DEMO_TODAY)

SEED = 2026


def outcome_rows() -> list[tuple]:
    return sorted(
        OutcomeEvent.objects.values_list(
            "code",
            "client__aktenzeichen",
            "kind__code",
            "started_on",
            "ended_on",
            "certificate_level",
            "certificate_on",
            "hours_band",
            "source",
            "recorded_at",
            "withdrawn_at",
            "withdrawn_reason",
        )
    )


def share(persons: set[int], reached: set[int]) -> float:
    return len(persons & reached) / len(persons)


@pytest.mark.django_db
def test_demo_outcomes_have_realistic_rates_and_are_built_once():
    build_demo(clients=600, seed=SEED)
    counted = OutcomeEvent.objects.counted()
    b1 = set(
        counted.filter(certificate_level__in=["B1", "B2", "C1", "C2"]).values_list(
            "client", flat=True
        )
    )
    work = set(
        counted.filter(kind__counts_as_work_or_training=True).values_list("client", flat=True)
    )
    flat = set(counted.filter(kind__counts_as_own_tenancy=True).values_list("client", flat=True))
    generated = Client.objects.filter(manager__isnull=False)
    old = set(
        generated.filter(window_start__lte=add_months(DEMO_TODAY, -24)).values_list("pk", flat=True)
    )
    young = set(
        generated.filter(window_start__gt=add_months(DEMO_TODAY, -12)).values_list("pk", flat=True)
    )
    assert len(old) > 200 and len(young) > 50

    # Of the persons whose window began at least 24 months ago …
    assert 0.30 <= share(old, b1) <= 0.50
    assert 0.22 <= share(old, work) <= 0.40
    assert 0.08 <= share(old, flat) <= 0.25
    # … and far fewer of the youngest cohort.
    assert share(young, b1) < share(old, b1) / 2
    assert share(young, work) < share(old, work) / 2

    for outcome in OutcomeEvent.objects.select_related("client", "kind"):
        client = outcome.client
        last = min(client.window_end, client.closed_on or DEMO_TODAY, DEMO_TODAY)
        assert client.window_start <= outcome.started_on <= last
        for day in (outcome.ended_on, outcome.certificate_on):
            assert day is None or outcome.started_on <= day <= last
        assert outcome.recorded_at.date() <= DEMO_TODAY
        assert bool(outcome.hours_band) <= outcome.kind.has_hours
        assert bool(outcome.certificate_level) <= outcome.kind.has_level
        assert outcome.ended_on is None or outcome.kind.has_period
        assert outcome.history.exists()
    sources = set(OutcomeEvent.objects.values_list("source", flat=True))
    assert sources == {"nachweis", "selbstauskunft", "jobcenter"}
    withdrawn = OutcomeEvent.objects.filter(withdrawn_at__isnull=False)
    assert withdrawn.count() == 3
    assert all(o.withdrawn_reason and o.withdrawn_by_id == o.recorded_by_id for o in withdrawn)
    linked = Evaluation.objects.filter(outcome__isnull=False).select_related("outcome", "goal")
    assert linked.exists()
    for evaluation in linked:
        assert evaluation.outcome.reached_on == evaluation.evaluated_on
        assert evaluation.outcome.client_id == evaluation.goal.version.plan.client_id

    before = outcome_rows()
    assert build_demo_outcomes(SEED) == 0
    assert outcome_rows() == before

    Evaluation.objects.update(outcome=None)
    OutcomeEvent.history.all().delete()
    OutcomeEvent.objects.all().delete()
    assert build_demo_outcomes(SEED) == len(before)
    assert outcome_rows() == before
