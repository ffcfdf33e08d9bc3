"""Integrationsplan services: versions (Fortschreibung), status changes by evaluation, review
dates, independence ratings and the refusal of concurrent edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import Client, RegularService
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError, StaleVersionError
from plans import services
from plans.dates import add_months, default_review_date
from plans.models import Goal, GoalStatus, IndependenceRating, Plan, PlanVersion, Step
from plans.queries import independence_progress
from tests.factories import GoalFactory, PlanFactory, StepFactory, goal_field

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = pytest.mark.today


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def plan(world) -> Plan:
    """Haddad's plan, agreed 100 days ago, through the service."""
    return services.create_plan(
        world.owner, world.client, days_ago(100), ratings={goal_field("Sprache"): 1}
    )


def current(plan: Plan) -> PlanVersion:
    return plan.versions.get(is_current=True)


def lock(plan: Plan) -> int:
    return Plan.objects.get(pk=plan.pk).lock_version


def add_goal(actor, plan, text="Deutschkurs B1 abschließen", part="A", field="Sprache", **kw):
    return services.add_goal(
        actor,
        current(plan),
        services.GoalInput(part=part, field=goal_field(field), text=text, **kw),
        expected_lock=lock(plan),
    )


# --- review dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 3, 3), 6, dt.date(2025, 9, 3)),
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2025, 10, 15), 6, dt.date(2026, 4, 15)),
        (dt.date(2025, 12, 31), 2, dt.date(2026, 2, 28)),
        (dt.date(2025, 1, 31), 12, dt.date(2026, 1, 31)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_day_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_default_review_date_follows_the_setting(settings):
    settings.PLAN_REVIEW_MONTHS = 3
    assert default_review_date(dt.date(2025, 11, 30)) == dt.date(2026, 2, 28)


def test_new_plan_gets_the_default_review_date(world, settings):
    settings.PLAN_REVIEW_MONTHS = 6
    plan = services.create_plan(world.owner, world.client, dt.date(2025, 8, 31))
    version = current(plan)
    assert version.number == 1
    assert version.next_review_on == dt.date(2026, 2, 28)


def test_review_is_overdue_only_after_the_review_day_for_an_open_case(world):
    plan = services.create_plan(
        world.owner, world.client, dt.date(2025, 3, 3), next_review_on=dt.date(2025, 9, 3)
    )
    version = PlanVersion.objects.select_related("plan__client").get(plan=plan)
    assert not version.review_overdue(dt.date(2025, 9, 3))
    assert version.review_overdue(dt.date(2025, 9, 4))
    assert list(PlanVersion.objects.review_overdue(dt.date(2025, 9, 4))) == [version]
    assert not PlanVersion.objects.review_overdue(dt.date(2025, 9, 3)).exists()

    Client.objects.filter(pk=world.client.pk).update(status=Client.Status.CLOSED)
    version = PlanVersion.objects.select_related("plan__client").get(plan=plan)
    assert not version.review_overdue(dt.date(2025, 9, 4))
    assert not PlanVersion.objects.review_overdue(dt.date(2025, 9, 4)).exists()


def test_review_date_must_lie_after_the_agreement(world):
    with pytest.raises(ServiceError, match="nach dem Datum der Vereinbarung"):
        services.create_plan(world.owner, world.client, days_ago(10), next_review_on=days_ago(10))
    assert not Plan.objects.exists()


def test_agreement_cannot_lie_in_the_future(world):
    with pytest.raises(ServiceError, match="Zukunft"):
        services.create_plan(world.owner, world.client, days_ago(-1))


# --- creating -----------------------------------------------------------------------------


def test_creating_a_plan_records_start_ratings_and_an_audit_entry(world, plan):
    rating = IndependenceRating.objects.get(version__plan=plan)
    assert (rating.field.name, rating.rating, rating.kind) == ("Sprache", 1, "start")
    assert AuditEntry.objects.filter(
        object_id=str(world.client.code), detail__event="plan_created"
    ).exists()


def test_a_client_has_only_one_plan(world, plan):
    with pytest.raises(ServiceError, match="schon einen Integrationsplan"):
        services.create_plan(world.colleague, world.client, days_ago(5))


def test_outsider_and_office_cannot_create_a_plan(world):
    with pytest.raises(ServiceError):
        services.create_plan(world.outsider, world.client, days_ago(5))
    with pytest.raises(ServiceError):
        services.create_plan(world.office, world.client, days_ago(5))
    assert not Plan.objects.exists()


def test_database_allows_only_one_current_version_per_plan(world, plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.create(
            plan=plan,
            number=2,
            agreed_on=days_ago(3),
            next_review_on=days_ago(-100),
            created_by=world.owner,
        )


# --- goals, steps, status changes ---------------------------------------------------------


def test_goal_is_added_to_part_a_or_b(world, plan):
    a = add_goal(world.owner, plan, "Deutschkurs B1 abschließen", part="A")
    b = add_goal(
        world.owner, plan, "Ausbildung als Pflegefachkraft", part="B", field="Arbeitsmarkt"
    )
    assert (a.part, a.status, a.field.name) == ("A", GoalStatus.AGREED, "Sprache")
    assert (b.part, b.field.name) == ("B", "Arbeitsmarkt")
    assert set(current(plan).goals.values_list("part", flat=True)) == {"A", "B"}


def test_target_date_before_the_agreement_is_refused(world, plan):
    with pytest.raises(ServiceError, match="Zieldatum"):
        add_goal(world.owner, plan, target_date=days_ago(200))


def test_evaluation_sets_the_goal_status_and_rates_independence(world, plan):
    goal = add_goal(world.owner, plan)
    services.evaluate_goal(
        world.owner, goal, days_ago(10), GoalStatus.IN_PROGRESS, lock(plan), note="Kurs läuft"
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS

    evaluation = services.evaluate_goal(
        world.colleague, goal, days_ago(1), GoalStatus.REACHED, lock(plan), rating=3
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.REACHED
    assert [e.result for e in goal.evaluations.all()] == ["in_umsetzung", "erreicht"]
    assert evaluation.rating.rating == 3
    assert evaluation.rating.kind == IndependenceRating.Kind.EVALUATION
    [progress] = independence_progress(current(plan))
    assert (progress.first.rating, progress.latest.rating, progress.change) == (1, 3, 2)


def test_evaluation_refuses_new_as_result_and_a_future_date(world, plan):
    goal = add_goal(world.owner, plan)
    with pytest.raises(ServiceError):
        services.evaluate_goal(world.owner, goal, days_ago(1), GoalStatus.NEW, lock(plan))
    with pytest.raises(ServiceError, match="Zukunft"):
        services.evaluate_goal(world.owner, goal, days_ago(-2), GoalStatus.REACHED, lock(plan))
    goal.refresh_from_db()
    assert goal.status == GoalStatus.AGREED


def test_step_done_by_a_regeldienst_needs_the_service(world, plan):
    goal = add_goal(world.owner, plan)
    with pytest.raises(ServiceError, match="Regeldienst"):
        services.add_step(
            world.owner, goal, services.StepInput("Termin", who=Step.Who.SERVICE), lock(plan)
        )
    jobcenter = RegularService.objects.get_or_create(name="Jobcenter")[0]
    step = services.add_step(
        world.owner,
        goal,
        services.StepInput("Termin beim Arbeitgeberservice", Step.Who.SERVICE, jobcenter),
        lock(plan),
    )
    assert step.who_label == "Jobcenter"
    services.set_step_done(world.owner, step, True, days_ago(0), lock(plan))
    step.refresh_from_db()
    assert step.done_on == days_ago(0)


# --- Fortschreibung -----------------------------------------------------------------------


def test_continuing_keeps_the_old_version_readable_and_unchanged(world, plan):
    reached = add_goal(world.owner, plan, "Wohnberechtigungsschein beantragen", field="Wohnen")
    ongoing = add_goal(world.owner, plan, "Deutschkurs B1 abschließen")
    StepFactory(goal=ongoing, what="Einstufungstest machen", done_on=days_ago(50))
    StepFactory(goal=ongoing, what="Prüfung anmelden")
    services.evaluate_goal(world.owner, reached, days_ago(20), GoalStatus.REACHED, lock(plan))
    old = current(plan)
    before = sorted(old.goals.values_list("text", "status"))

    new = services.continue_plan(world.owner, plan, days_ago(2), lock(plan))

    old.refresh_from_db()
    assert (old.is_current, new.is_current, new.number) == (False, True, 2)
    assert old.superseded_at is not None
    assert sorted(old.goals.values_list("text", "status")) == before
    assert old.goals.get(pk=ongoing.pk).steps.count() == 2
    [copy] = new.goals.all()
    assert (copy.text, copy.status, copy.carried_from_id) == (
        "Deutschkurs B1 abschließen",
        GoalStatus.AGREED,
        ongoing.pk,
    )
    assert list(copy.steps.values_list("what", flat=True)) == ["Prüfung anmelden"]
    assert new.next_review_on == default_review_date(days_ago(2))


def test_a_frozen_version_cannot_be_changed(world, plan):
    goal = add_goal(world.owner, plan)
    services.continue_plan(world.owner, plan, days_ago(1), lock(plan))
    with pytest.raises(ServiceError, match="fortgeschrieben"):
        services.evaluate_goal(world.owner, goal, days_ago(0), GoalStatus.REACHED, lock(plan))
    old_version = PlanVersion.objects.get(plan=plan, number=1)
    with pytest.raises(ServiceError, match="fortgeschrieben"):
        services.add_goal(
            world.owner,
            old_version,
            services.GoalInput("A", goal_field(), "Neues Ziel"),
            lock(plan),
        )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.AGREED
    assert old_version.goals.count() == 1


def test_continuation_cannot_be_dated_before_the_current_version(world, plan):
    with pytest.raises(ServiceError, match="vor der bisherigen Fassung"):
        services.continue_plan(world.owner, plan, days_ago(150), lock(plan))
    assert plan.versions.count() == 1


def test_closed_case_plan_is_read_only(world, plan):
    Client.objects.filter(pk=world.client.pk).update(status=Client.Status.CLOSED)
    with pytest.raises(ServiceError, match="abgeschlossen"):
        add_goal(world.owner, plan)


# --- no lost updates ----------------------------------------------------------------------


def test_second_of_two_concurrent_saves_is_refused_and_changes_nothing(world, plan):
    goal = add_goal(world.owner, plan)
    loaded_by_both = lock(plan)

    services.evaluate_goal(world.owner, goal, days_ago(3), GoalStatus.REACHED, loaded_by_both)
    with pytest.raises(StaleVersionError, match="inzwischen von jemand anderem geändert"):
        services.update_goal(
            world.colleague,
            goal,
            services.GoalInput("B", goal_field("Wohnen"), "Anderer Text", status="angehalten"),
            expected_lock=loaded_by_both,
        )
    goal.refresh_from_db()
    assert (goal.part, goal.text, goal.status) == ("A", "Deutschkurs B1 abschließen", "erreicht")
    assert goal.evaluations.count() == 1


@pytest.mark.parametrize("action", ["goal", "step", "dates", "continue", "ratings"])
def test_every_plan_write_checks_the_lock(world, plan, action):
    goal = add_goal(world.owner, plan)
    stale = lock(plan) - 1
    calls = {
        "goal": lambda: services.add_goal(
            world.owner, current(plan), services.GoalInput("A", goal_field(), "x"), stale
        ),
        "step": lambda: services.add_step(world.owner, goal, services.StepInput("x"), stale),
        "dates": lambda: services.update_dates(
            world.owner, plan, days_ago(90), days_ago(-90), stale
        ),
        "continue": lambda: services.continue_plan(world.owner, plan, days_ago(1), stale),
        "ratings": lambda: services.rate_independence(
            world.owner, plan, {goal_field(): 2}, days_ago(1), stale
        ),
    }
    counts = (Goal.objects.count(), Step.objects.count(), PlanVersion.objects.count())
    with pytest.raises(services.StalePlanError):
        calls[action]()
    assert (Goal.objects.count(), Step.objects.count(), PlanVersion.objects.count()) == counts
    assert current(plan).agreed_on == days_ago(100)
    assert IndependenceRating.objects.count() == 1


def test_outsider_cannot_write_on_a_plan(world, plan):
    goal = GoalFactory(version=current(plan))
    with pytest.raises(ServiceError, match="Zuständigkeitsbereich"):
        services.evaluate_goal(world.outsider, goal, days_ago(1), GoalStatus.REACHED, lock(plan))
    with pytest.raises(ServiceError):
        services.continue_plan(world.outsider, plan, days_ago(1), lock(plan))
    goal.refresh_from_db()
    assert goal.status == GoalStatus.AGREED


def test_plans_follow_the_client_scope(world):
    plan = PlanFactory(client=world.client)
    other = PlanFactory(client=world.other_client)
    assert list(Plan.objects.visible_to(world.owner)) == [plan]
    assert list(Plan.objects.visible_to(world.colleague)) == [plan]
    assert list(Plan.objects.visible_to(world.outsider)) == [other]
    for user in (world.office, world.municipality_user, world.rp_user, world.admin):
        assert not Plan.objects.visible_to(user).exists()
