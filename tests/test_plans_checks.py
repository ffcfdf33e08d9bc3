"""Nightly checks on Integrationspläne on their boundary days (``today`` passed explicitly),
a second run of the same night, and the retention step that clears the plans' free text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clients.models import Client, Consultation
from imcase.alerts.models import Alert
from imcase.alerts.registry import CHECKS
from imcase.alerts.retention import ANONYMISED, apply_retention
from imcase.alerts.services import run_deadline_checks
from plans.models import Evaluation, Goal, GoalStatus, PlanVersion
from plans.retention import anonymise_plans
from tests.factories import (
    ClientFactory,
    ConsultationFactory,
    GoalFactory,
    PlanFactory,
    StepFactory,
)

PLAN_KINDS = ("plan_review_overdue", "goal_target_passed", "exploratory_without_plan")
AGREED = dt.date(2025, 3, 3)
REVIEW = dt.date(2025, 9, 3)  # six months after the agreement (PlanVersionFactory)
TARGET = dt.date(2025, 6, 30)


def run(today: dt.date, *kinds: str):
    return run_deadline_checks(today, checks=[CHECKS[kind] for kind in kinds or PLAN_KINDS])


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def open_alerts(kind: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind, status=Alert.Status.OPEN))


@pytest.fixture
def plan(world):
    return PlanFactory(client=world.client, version__agreed_on=AGREED)


@pytest.fixture
def goal(plan):
    return GoalFactory(
        version=plan.versions.get(),
        text="Deutschkurs B1 abschließen",
        target_date=TARGET,
        status=GoalStatus.IN_PROGRESS,
    )


def test_plan_checks_are_registered_by_autodiscovery():
    assert set(PLAN_KINDS) <= set(CHECKS)
    assert CHECKS["plan_review_overdue"].label == "Überprüfung des Integrationsplans überfällig"


# --- plan review overdue --------------------------------------------------------------------


@pytest.mark.parametrize("today,alerted", [(REVIEW, False), (REVIEW + days(1), True)])
def test_review_alert_starts_the_day_after_the_review_date(world, plan, today, alerted):
    run(today, "plan_review_overdue")

    assert bool(open_alerts("plan_review_overdue")) is alerted


def test_review_alert_goes_to_the_manager_with_the_review_date_as_due_date(world, plan):
    run(REVIEW + days(20), "plan_review_overdue")

    (alert,) = open_alerts("plan_review_overdue")
    assert alert.recipient == world.owner
    assert alert.subject == plan.versions.get()
    assert alert.due_date == REVIEW
    assert alert.link == reverse("plans:detail", args=[plan.code])
    assert "Haddad" in alert.message and "03.09.2025" in alert.message


def test_review_of_a_client_without_manager_goes_to_the_team_lead(world, plan):
    Client.objects.filter(pk=world.client.pk).update(manager=None)

    run(REVIEW + days(1), "plan_review_overdue")

    assert [a.recipient for a in open_alerts("plan_review_overdue")] == [world.colleague]


def test_moving_the_review_date_makes_the_review_alert_obsolete(world, plan):
    run(REVIEW + days(1), "plan_review_overdue")
    PlanVersion.objects.filter(plan=plan).update(next_review_on=REVIEW + days(60))

    run(REVIEW + days(2), "plan_review_overdue")

    assert Alert.objects.get(kind="plan_review_overdue").status == Alert.Status.OBSOLETE
    assert open_alerts("plan_review_overdue") == []


def test_earlier_version_raises_no_review_alert(world, plan):
    PlanVersion.objects.filter(plan=plan).update(is_current=False)
    PlanVersion.objects.create(
        plan=plan,
        number=2,
        agreed_on=REVIEW,
        next_review_on=REVIEW + days(180),
        created_by=world.owner,
    )

    run(REVIEW + days(30), "plan_review_overdue")

    assert open_alerts("plan_review_overdue") == []


def test_closed_case_raises_no_plan_alerts(world, plan, goal):
    Client.objects.filter(pk=world.client.pk).update(status=Client.Status.CLOSED, closed_on=REVIEW)

    result = run(REVIEW + days(30))

    assert result.total_created == 0


# --- goal target date passed ----------------------------------------------------------------


@pytest.mark.parametrize("today,alerted", [(TARGET, False), (TARGET + days(1), True)])
def test_goal_alert_starts_the_day_after_the_target_date(world, goal, today, alerted):
    run(today, "goal_target_passed")

    alerts = open_alerts("goal_target_passed")
    assert bool(alerts) is alerted
    if alerted:
        assert alerts[0].recipient == world.owner
        assert alerts[0].subject == goal
        assert alerts[0].due_date == TARGET
        assert alerts[0].link == reverse("plans:goal", args=[goal.code])
        # Since issue 13 the goal is named by number and field, never by its text.
        assert "Deutschkurs B1 abschließen" not in alerts[0].message
        assert "Ziel 1 (Sprache) in Teil A" in alerts[0].message
        assert "30.06.2025" in alerts[0].message


@pytest.mark.parametrize(
    "status,alerted",
    [
        (GoalStatus.NEW, True),
        (GoalStatus.AGREED, True),
        (GoalStatus.IN_PROGRESS, True),
        (GoalStatus.PAUSED, True),
        (GoalStatus.REACHED, False),
        (GoalStatus.PARTLY_REACHED, False),
        (GoalStatus.MISSED, False),
        (GoalStatus.DROPPED, False),
    ],
)
def test_only_goals_without_a_result_are_reported(world, goal, status, alerted):
    Goal.objects.filter(pk=goal.pk).update(status=status)

    run(TARGET + days(10), "goal_target_passed")

    assert bool(open_alerts("goal_target_passed")) is alerted


def test_evaluating_the_goal_makes_its_alert_obsolete(world, goal):
    run(TARGET + days(1), "goal_target_passed")
    Goal.objects.filter(pk=goal.pk).update(status=GoalStatus.REACHED)

    run(TARGET + days(2), "goal_target_passed")

    assert Alert.objects.get(kind="goal_target_passed").status == Alert.Status.OBSOLETE


def test_goal_without_target_date_or_of_an_earlier_version_is_not_reported(world, plan, goal):
    GoalFactory(version=plan.versions.get(), target_date=None, status=GoalStatus.AGREED)
    PlanVersion.objects.filter(plan=plan).update(is_current=False)

    run(TARGET + days(10), "goal_target_passed")

    assert open_alerts("goal_target_passed") == []


def test_long_goal_text_stays_out_of_the_message(world, plan):
    GoalFactory(version=plan.versions.get(), text="Wohnung " * 40, target_date=TARGET)

    run(TARGET + days(1), "goal_target_passed")

    (alert,) = open_alerts("goal_target_passed")
    assert "Wohnung" not in alert.message and len(alert.message) < 300


# --- Sondierungsgespräch without a plan -------------------------------------------------


def exploratory_talk(world, day: dt.date, client=None) -> Consultation:
    return ConsultationFactory(
        provider=world.provider,
        date=day,
        kind=Consultation.Kind.EXPLORATORY,
        client=client or world.client,
    )


TALK = dt.date(2025, 2, 3)


@pytest.mark.parametrize("today,alerted", [(TALK + days(56), False), (TALK + days(57), True)])
def test_missing_plan_is_reported_after_eight_weeks(world, today, alerted):
    exploratory_talk(world, TALK)

    run(today, "exploratory_without_plan")

    alerts = open_alerts("exploratory_without_plan")
    assert bool(alerts) is alerted
    if alerted:
        assert alerts[0].recipient == world.owner
        assert alerts[0].subject == world.client
        assert alerts[0].due_date == TALK + days(56)
        assert "03.02.2025" in alerts[0].message and "31.03.2025" in alerts[0].message


def test_the_first_exploratory_talk_counts(world):
    exploratory_talk(world, TALK)
    exploratory_talk(world, TALK + days(30))

    run(TALK + days(60), "exploratory_without_plan")

    (alert,) = open_alerts("exploratory_without_plan")
    assert alert.due_date == TALK + days(56)


def test_a_withdrawn_exploratory_talk_does_not_count(world):
    """The first talk that counts is the later one: nine weeks back there was only a talk
    withdrawn as wrongly entered, so the eight weeks run from the talk four weeks back."""
    from django.utils import timezone

    wrong = exploratory_talk(world, TALK)
    Consultation.all_objects.filter(pk=wrong.pk).update(
        withdrawn_at=timezone.now(), withdrawal_reason="doppelt erfasst"
    )
    exploratory_talk(world, TALK + days(35))

    run(TALK + days(63), "exploratory_without_plan")
    assert open_alerts("exploratory_without_plan") == []

    run(TALK + days(92), "exploratory_without_plan")
    (alert,) = open_alerts("exploratory_without_plan")
    assert alert.due_date == TALK + days(35 + 56)


def test_counselling_contacts_alone_raise_no_missing_plan_alert(world):
    ConsultationFactory(provider=world.provider, date=TALK, client=world.client)

    run(TALK + days(100), "exploratory_without_plan")

    assert open_alerts("exploratory_without_plan") == []


def test_creating_the_plan_makes_the_missing_plan_alert_obsolete(world):
    exploratory_talk(world, TALK)
    run(TALK + days(57), "exploratory_without_plan")
    PlanFactory(client=world.client, version__agreed_on=TALK + days(57))

    run(TALK + days(58), "exploratory_without_plan")

    assert Alert.objects.get(kind="exploratory_without_plan").status == Alert.Status.OBSOLETE


def test_closed_case_without_plan_is_not_reported(world):
    exploratory_talk(world, TALK)
    Client.objects.filter(pk=world.client.pk).update(status=Client.Status.CLOSED, closed_on=TALK)

    run(TALK + days(100), "exploratory_without_plan")

    assert open_alerts("exploratory_without_plan") == []


# --- the run as a whole -------------------------------------------------------------------


def test_second_run_of_the_same_night_creates_no_plan_alert(world, plan, goal):
    other = ClientFactory(municipality=world.town, manager=world.owner, last_name="Ohneplan")
    exploratory_talk(world, TALK, client=other)
    first = run(REVIEW + days(1))
    stored = Alert.objects.count()

    second = run(REVIEW + days(1))
    next_night = run(REVIEW + days(2))

    assert {kind for kind, n in first.created.items() if n} == set(PLAN_KINDS)
    assert second.total_created == 0 and next_night.total_created == 0
    assert sum(next_night.obsolete.values()) == 0
    assert Alert.objects.count() == stored == 3


def test_outsider_gets_no_alert_about_the_owners_plans(world, plan, goal):
    run(REVIEW + days(1))

    assert not Alert.objects.filter(recipient=world.outsider).exists()


# --- retention ------------------------------------------------------------------------------

RETENTION_TODAY = dt.date(2036, 6, 1)  # closings of 2025 are past ten years


def test_anonymisation_clears_the_plan_texts_and_keeps_its_structure(world, settings):
    settings.RETENTION_DAYS = 3650
    old = ClientFactory(municipality=world.town, manager=world.owner, last_name="Alt")
    old_plan = PlanFactory(client=old, version__agreed_on=AGREED)
    old_goal = GoalFactory(
        version=old_plan.versions.get(), text="Arbeit als Pflegehelferin", target_date=TARGET
    )
    step = StepFactory(goal=old_goal, what="Termin bei Frau X im Jobcenter", done_on=TARGET)
    evaluation = Evaluation.objects.create(
        goal=old_goal,
        evaluated_on=TARGET,
        result=GoalStatus.PARTLY_REACHED,
        note="Sorgen wegen der Kinderbetreuung",
        recorded_by=world.owner,
    )
    Goal.objects.filter(pk=old_goal.pk).update(status=GoalStatus.PARTLY_REACHED)
    kept_plan = PlanFactory(client=world.client, version__agreed_on=AGREED)
    kept_goal = GoalFactory(version=kept_plan.versions.get(), text="Führerschein machen")
    Client.objects.filter(pk=old.pk).update(status=Client.Status.CLOSED, closed_on=TARGET)

    result = apply_retention(RETENTION_TODAY)

    old_goal.refresh_from_db()
    step.refresh_from_db()
    evaluation.refresh_from_db()
    assert old_goal.text == ANONYMISED and step.what == ANONYMISED and evaluation.note == ""
    assert old_goal.status == GoalStatus.PARTLY_REACHED and old_goal.target_date == TARGET
    assert old_goal.field.name == "Sprache" and old_goal.part == "A"
    assert step.done_on == TARGET and evaluation.result == GoalStatus.PARTLY_REACHED
    assert old_plan.versions.get().next_review_on == REVIEW
    assert Goal.objects.get(pk=kept_goal.pk).text == "Führerschein machen"
    assert result.changed["goal_texts"] == 1
    assert result.changed["step_texts"] == 1
    assert result.changed["evaluation_notes"] == 1


def test_anonymisation_deletes_the_alerts_about_the_plan(world, settings, plan, goal):
    settings.RETENTION_DAYS = 3650
    run(REVIEW + days(1))
    assert Alert.objects.filter(kind__in=["plan_review_overdue", "goal_target_passed"]).exists()
    Client.objects.filter(pk=world.client.pk).update(status=Client.Status.CLOSED, closed_on=REVIEW)

    result = apply_retention(RETENTION_TODAY)

    assert result.changed["plan_alerts"] == 2
    assert not Alert.objects.filter(kind__in=PLAN_KINDS).exists()


def test_anonymising_the_same_plan_again_changes_nothing(world, plan, goal):
    StepFactory(goal=goal)

    first = anonymise_plans([world.client.pk])
    second = anonymise_plans([world.client.pk])

    assert first["goal_texts"] == 1 and first["step_texts"] == 1
    assert second == {"goal_texts": 0, "step_texts": 0, "evaluation_notes": 0, "plan_alerts": 0}


def test_only_the_given_clients_plans_are_anonymised(world, plan, goal):
    other_plan = PlanFactory(client=world.other_client, version__agreed_on=AGREED)
    other_goal = GoalFactory(version=other_plan.versions.get(), text="Ausbildung beginnen")

    anonymise_plans([world.client.pk])

    assert Goal.objects.get(pk=goal.pk).text == ANONYMISED
    assert Goal.objects.get(pk=other_goal.pk).text == "Ausbildung beginnen"
