"""Alerts follow the scope (issue 13, item 5): after a handover the old provider keeps no alert
about the person; alert texts never quote a plan goal; the e-mail digest names nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from clients.models import WindowExtension
from clients.services import RECORD_CLASH, record_move
from imcase.alerts.digest import send_digests
from imcase.alerts.models import Alert
from imcase.alerts.registry import CHECKS
from imcase.alerts.scope import alerts_about_person
from imcase.alerts.services import run_deadline_checks
from plans.models import Goal
from tests.factories import (
    TODAY,
    ClientFactory,
    GoalFactory,
    MunicipalityFactory,
    PlanFactory,
    ProviderAreaFactory,
    goal_field,
)

pytestmark = pytest.mark.today


def alert_about(recipient, subject, kind="window_ended", status=Alert.Status.OPEN) -> Alert:
    return Alert.objects.create(
        recipient=recipient,
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        due_date=dt.date(2026, 11, 1),
        message=f"Hinweis zu {subject}",
        status=status,
        created_on=dt.date(2026, 11, 1),
    )


@pytest.fixture
def person_alerts(world) -> dict[str, Alert]:
    """Alerts of the owner's side about world.client and his extension, plan and goal; one of
    them already done; plus alerts that are not about him or not to his old provider."""
    plan = PlanFactory(client=world.client)
    version = plan.versions.get()
    goal = GoalFactory(version=version)
    extension = WindowExtension.objects.create(
        client=world.client,
        reason="Sprachkurs läuft noch bis zum Sommer.",
        requested_by=world.owner,
    )
    return {
        "client": alert_about(world.owner, world.client),
        "done": alert_about(world.owner, world.client, kind="no_contact", status="done"),
        "extension": alert_about(world.colleague, extension, kind="extension_waiting"),
        "version": alert_about(world.owner, version, kind="plan_review_overdue"),
        "goal": alert_about(world.owner, goal, kind="goal_target_passed"),
        "other_person": alert_about(world.owner, world.other_client),
        "office": alert_about(world.office, world.client, kind=RECORD_CLASH),
    }


def remaining(alerts: dict[str, Alert]) -> set[str]:
    return {name for name, alert in alerts.items() if Alert.objects.filter(pk=alert.pk).exists()}


def test_registry_finds_every_alert_about_the_person(world, person_alerts):
    found = set(alerts_about_person(world.client.pk).values_list("pk", flat=True))

    expected = {a.pk for name, a in person_alerts.items() if name != "other_person"}
    assert found == expected


def test_handover_removes_the_old_providers_alerts_about_the_person(world, person_alerts):
    record_move(world.owner, world.client, world.other_town, TODAY)

    # The coordinating office's alert stays: it names no person and may be what the move solves.
    assert remaining(person_alerts) == {"other_person", "office"}


def test_old_manager_sees_nothing_of_the_person_in_his_alert_list_after_handover(
    world, client, person_alerts
):
    record_move(world.owner, world.client, world.other_town, TODAY)
    client.force_login(world.owner)

    open_page = client.get(reverse("alerts:list")).content.decode()
    done_page = client.get(reverse("alerts:list") + "?stand=erledigt").content.decode()

    for page in (open_page, done_page):
        assert "Haddad" not in page
        assert world.client.aktenzeichen not in page


def test_move_within_the_provider_keeps_the_alerts_of_those_who_still_see_the_person(
    world, person_alerts
):
    """The manager serves the new municipality too; the team lead's region does not have it."""
    village = MunicipalityFactory(landkreis=world.landkreis, name="Dorf", ags="08999003")
    ProviderAreaFactory(provider=world.provider, municipality=village)

    record_move(world.owner, world.client, village, TODAY)

    assert remaining(person_alerts) == {
        "client",
        "done",
        "version",
        "goal",
        "other_person",
        "office",
    }


def test_nightly_run_after_handover_raises_nothing_for_the_old_provider(world):
    ended = dt.date(2027, 3, 2)  # the day after world.client's last counselling day
    run_deadline_checks(ended, [CHECKS["window_ended"]])
    assert Alert.objects.filter(recipient=world.owner, subject_id=world.client.pk).exists()

    record_move(world.owner, world.client, world.other_town, TODAY)
    run_deadline_checks(ended, [CHECKS["window_ended"]])

    assert not Alert.objects.filter(recipient=world.owner, subject_id=world.client.pk).exists()


# --- no goal text in any alert --------------------------------------------------------------

GOAL_TEXTS = ("Wohnung in Altstadt finden", "Deutschkurs B1 abschließen", "Ausbildung zur Pflege")


@pytest.fixture
def plan_with_goals(world):
    plan = PlanFactory(client=world.client, version__agreed_on=dt.date(2025, 3, 3))
    version = plan.versions.get()
    work, language = goal_field("Arbeit"), goal_field("Sprache")
    return {
        "a_first": GoalFactory(
            version=version,
            part="A",
            field=language,
            text=GOAL_TEXTS[1],
            target_date=dt.date(2025, 5, 1),
        ),
        "a_second": GoalFactory(
            version=version,
            part="A",
            field=work,
            text=GOAL_TEXTS[0],
            target_date=dt.date(2025, 6, 30),
        ),
        # Entered first, but listed after the earlier target date of "a_first".
        "b_only": GoalFactory(
            version=version,
            part="B",
            field=work,
            text=GOAL_TEXTS[2],
            target_date=dt.date(2025, 7, 1),
        ),
    }


def test_goal_alert_names_the_goal_by_number_and_field(world, plan_with_goals):
    run_deadline_checks(dt.date(2025, 8, 1), [CHECKS["goal_target_passed"]])

    messages = {
        Goal.objects.get(pk=a.subject_id).text: a.message
        for a in Alert.objects.filter(kind="goal_target_passed", recipient=world.owner)
    }
    assert "Ziel 1 (Sprache) in Teil A" in messages[GOAL_TEXTS[1]]
    assert "Ziel 2 (Arbeit) in Teil A" in messages[GOAL_TEXTS[0]]
    assert "Ziel 1 (Arbeit) in Teil B" in messages[GOAL_TEXTS[2]]


def test_no_alert_of_any_check_quotes_a_goal(world, plan_with_goals):
    for day in (dt.date(2025, 8, 1), dt.date(2025, 10, 1), dt.date(2027, 3, 2)):
        run_deadline_checks(day)

    messages = list(Alert.objects.values_list("message", flat=True))
    assert any("Ziel" in message for message in messages)
    for message in messages:
        for text in GOAL_TEXTS:
            assert text not in message
            assert text[:20] not in message


def test_digest_names_no_person_no_goal_and_no_aktenzeichen(
    world, client, plan_with_goals, mailoutbox
):
    run_deadline_checks(dt.date(2025, 8, 1), [CHECKS["goal_target_passed"]])
    client.force_login(world.outsider)
    client.post(
        reverse("clients:create"),
        {
            "aktenzeichen": world.client.aktenzeichen,
            "last_name": "Rahimi",
            "first_name": "Farid",
            "birth_date": "1988-02-10",
            "sex": "m",
            "residence_status": "schutzstatus",
            "household_mode": "none",
            "household_role": "bezugsperson",
            "municipality": world.other_town.pk,
            "arrival_kind": "zuweisung",
            "assignment_date": "2024-03-01",
            "opened_on": "2024-03-05",
        },
    )
    assert Alert.objects.filter(kind=RECORD_CLASH, recipient=world.office).exists()

    send_digests()

    bodies = {message.to[0]: message.subject + message.body for message in mailoutbox}
    assert set(bodies) >= {world.owner.email, world.office.email}
    for body in bodies.values():
        for secret in ("Haddad", "Amina", "Rahimi", world.client.aktenzeichen, *GOAL_TEXTS):
            assert secret not in body
    assert "Aktenzeichen-Konflikt bei Neuanlage: 1" in bodies[world.office.email]


def test_another_client_of_the_old_provider_keeps_his_alerts(world, person_alerts):
    second = ClientFactory(municipality=world.town, manager=world.owner, last_name="Omar")
    kept = alert_about(world.owner, second)

    record_move(world.owner, world.client, world.other_town, TODAY)

    assert Alert.objects.filter(pk=kept.pk).exists()
