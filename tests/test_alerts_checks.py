"""The nightly deadline checks on their boundary days (time is frozen by passing ``today``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import Client, Consultation, WindowExtension
from imcase.alerts.checks import add_months
from imcase.alerts.models import Alert
from imcase.alerts.registry import CHECKS
from imcase.alerts.services import run_deadline_checks
from imcase.organisation.models import Role, StaffMember
from tests.factories import ClientFactory, ConsultationFactory, StaffMemberFactory, UserFactory

# world.client: assignment 01.03.2024, so the last counselling day is 01.03.2027.
WINDOW_END = dt.date(2027, 3, 1)


def run(today: dt.date, *kinds: str):
    return run_deadline_checks(today, checks=[CHECKS[kind] for kind in kinds])


def open_alerts(kind: str, world=None) -> list[Alert]:
    """Open alerts of ``kind``; with ``world``, only those about the owner's side of the Kreis
    (world.other_client, in the other provider's town, has the same window)."""
    alerts = Alert.objects.filter(kind=kind, status=Alert.Status.OPEN)
    if world is not None:
        alerts = alerts.exclude(recipient=world.outsider)
    return list(alerts)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# --- every client check is registered and found automatically ------------------------------


def test_client_and_staff_checks_are_registered_by_autodiscovery():
    assert {
        "window_ends_90",
        "window_ends_30",
        "window_ended",
        "extension_waiting",
        "no_contact",
        "requalification_not_started",
        "requalification_not_finished",
    } <= set(CHECKS)


# --- counselling window ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "days_before_end,expected",
    [
        (91, set()),
        (90, {"window_ends_90"}),
        (31, {"window_ends_90"}),
        (30, {"window_ends_30"}),
        (0, {"window_ends_30"}),
        (-1, {"window_ended"}),
    ],
)
def test_window_reminders_start_on_their_boundary_day(world, days_before_end, expected):
    today = WINDOW_END - days(days_before_end)

    run(today, "window_ends_90", "window_ends_30", "window_ended")

    mine = Alert.objects.filter(status=Alert.Status.OPEN, recipient=world.owner)
    assert {alert.kind for alert in mine} == expected


def test_window_reminder_goes_to_the_manager_with_the_last_day_as_due_date(world):
    run(WINDOW_END - days(60), "window_ends_90")

    (alert,) = open_alerts("window_ends_90", world)
    assert alert.recipient == world.owner
    assert alert.subject == world.client
    assert alert.due_date == WINDOW_END
    assert "Haddad" in alert.message and "01.03.2027" in alert.message
    assert str(world.client.code) in alert.link


def test_thirty_day_reminder_makes_the_ninety_day_one_obsolete(world):
    run(WINDOW_END - days(45), "window_ends_90", "window_ends_30")
    run(WINDOW_END - days(30), "window_ends_90", "window_ends_30")

    assert (
        Alert.objects.get(kind="window_ends_90", recipient=world.owner).status
        == Alert.Status.OBSOLETE
    )
    assert len(open_alerts("window_ends_30", world)) == 1


def test_ended_window_alert_is_due_the_day_after_the_last_day(world):
    run(WINDOW_END + days(1), "window_ended")

    (alert,) = open_alerts("window_ended", world)
    assert alert.due_date == WINDOW_END + days(1)
    assert alert.recipient == world.owner


def test_closed_case_raises_no_window_alert_and_closing_makes_an_open_one_obsolete(world):
    run(WINDOW_END + days(3), "window_ended")
    Client.objects.filter(pk=world.client.pk).update(
        status=Client.Status.CLOSED, closed_on=WINDOW_END + days(3)
    )

    run(WINDOW_END + days(4), "window_ended")

    assert (
        Alert.objects.get(kind="window_ended", recipient=world.owner).status
        == Alert.Status.OBSOLETE
    )
    assert open_alerts("window_ended", world) == []


def test_missed_night_is_caught_up_the_next_night(world):
    # Nothing ran on the 30th day before the end; the run two days later still reminds.
    run(WINDOW_END - days(28), "window_ends_30")

    (alert,) = open_alerts("window_ends_30", world)
    assert alert.due_date == WINDOW_END


def test_client_without_manager_alerts_the_team_leads_of_the_region(world):
    Client.objects.filter(pk=world.client.pk).update(manager=None)

    run(WINDOW_END + days(1), "window_ended")

    assert [alert.recipient for alert in open_alerts("window_ended", world)] == [world.colleague]


def test_client_of_a_disabled_manager_alerts_the_team_leads(world):
    world.owner.is_active = False
    world.owner.save()

    run(WINDOW_END + days(1), "window_ended")

    assert [alert.recipient for alert in open_alerts("window_ended", world)] == [world.colleague]


def test_team_lead_of_another_provider_is_not_alerted_about_a_client(world):
    other_lead = UserFactory(username="fremde-teamleitung")
    StaffMemberFactory(
        user=other_lead,
        role=Role.TEAM_LEAD,
        provider=world.other_provider,
        team=world.team,  # wrong provider for the team: no scope on the town's clients
    )
    Client.objects.filter(pk=world.client.pk).update(manager=None)

    run(WINDOW_END + days(1), "window_ended")

    assert other_lead.pk not in {alert.recipient_id for alert in open_alerts("window_ended", world)}


def test_client_nobody_answers_for_is_counted_as_unrouted(world):
    # other_town has no team lead and the client no manager.
    ClientFactory(municipality=world.other_town, manager=None, assignment_date=dt.date(2023, 1, 5))

    result = run(dt.date(2026, 1, 6), "window_ended")

    assert result.unrouted["window_ended"] == 1
    assert result.created["window_ended"] == 0


# --- extension waiting for a decision ------------------------------------------------------


def extension_requested_on(world, day: dt.date, by=None) -> WindowExtension:
    extension = WindowExtension.objects.create(
        client=world.client,
        reason="Ausbildung endet erst im Sommer, Begleitung nötig.",
        requested_by=by or world.owner,
    )
    requested_at = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30)))
    WindowExtension.objects.filter(pk=extension.pk).update(requested_at=requested_at)
    return extension


@pytest.mark.parametrize("waiting_days,alerted", [(14, False), (15, True)])
def test_extension_waiting_more_than_14_days_alerts_the_team_lead(world, waiting_days, alerted):
    extension = extension_requested_on(world, dt.date(2026, 1, 10))

    run(dt.date(2026, 1, 10) + days(waiting_days), "extension_waiting")

    alerts = open_alerts("extension_waiting", world)
    assert bool(alerts) is alerted
    if alerted:
        assert [a.recipient for a in alerts] == [world.colleague]
        assert alerts[0].subject == extension
        assert alerts[0].due_date == dt.date(2026, 1, 24)


def test_extension_alert_never_goes_to_the_requester(world):
    extension_requested_on(world, dt.date(2026, 1, 10), by=world.colleague)

    result = run(dt.date(2026, 2, 1), "extension_waiting")

    assert open_alerts("extension_waiting", world) == []
    assert result.unrouted["extension_waiting"] == 1


def test_decided_extension_makes_its_alert_obsolete(world):
    extension = extension_requested_on(world, dt.date(2026, 1, 10))
    run(dt.date(2026, 2, 1), "extension_waiting")
    WindowExtension.objects.filter(pk=extension.pk).update(
        decision=WindowExtension.Decision.REFUSED, decided_by=world.colleague
    )

    run(dt.date(2026, 2, 2), "extension_waiting")

    assert Alert.objects.get(kind="extension_waiting").status == Alert.Status.OBSOLETE


# --- no contact for 90 days --------------------------------------------------------------


@pytest.mark.parametrize("days_since,alerted", [(90, False), (91, True)])
def test_no_contact_alert_starts_after_90_days(world, days_since, alerted):
    last = dt.date(2025, 6, 2)
    ConsultationFactory(provider=world.provider, date=last, client=world.client)

    run(last + days(days_since), "no_contact")

    alerts = open_alerts("no_contact", world)
    assert bool(alerts) is alerted
    if alerted:
        assert alerts[0].due_date == last + days(90)
        assert "02.06.2025" in alerts[0].message


def test_a_withdrawn_contact_is_no_last_contact(world):
    last = dt.date(2025, 6, 2)
    ConsultationFactory(provider=world.provider, date=last, client=world.client)
    wrong = ConsultationFactory(provider=world.provider, date=last + days(60), client=world.client)
    Consultation.objects.filter(pk=wrong.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=world.owner, withdrawal_reason="doppelt"
    )

    run(last + days(91), "no_contact")

    (alert,) = open_alerts("no_contact", world)
    assert "02.06.2025" in alert.message


def test_case_without_any_contact_counts_from_its_opening(world):
    # world.client was opened on 01.03.2024 and has no contact.
    run(dt.date(2024, 5, 30), "no_contact")
    assert open_alerts("no_contact", world) == []

    run(dt.date(2024, 5, 31), "no_contact")
    (alert,) = open_alerts("no_contact", world)
    assert alert.due_date == dt.date(2024, 5, 30)


def test_contact_of_the_previous_provider_does_not_count(world):
    ConsultationFactory(
        provider=world.other_provider, date=dt.date(2025, 6, 1), client=world.client
    )
    ConsultationFactory(provider=world.provider, date=dt.date(2025, 1, 2), client=world.client)

    run(dt.date(2025, 7, 1), "no_contact")

    (alert,) = open_alerts("no_contact", world)
    assert alert.due_date == dt.date(2025, 1, 2) + days(90)


def test_new_contact_makes_the_no_contact_alert_obsolete(world):
    ConsultationFactory(provider=world.provider, date=dt.date(2025, 1, 2), client=world.client)
    run(dt.date(2025, 6, 1), "no_contact")
    ConsultationFactory(provider=world.provider, date=dt.date(2025, 6, 1), client=world.client)

    run(dt.date(2025, 6, 2), "no_contact")

    assert (
        Alert.objects.get(kind="no_contact", recipient=world.owner).status == Alert.Status.OBSOLETE
    )
    assert open_alerts("no_contact", world) == []


def test_no_contact_is_not_raised_after_the_window_ended(world):
    run(WINDOW_END + days(1), "no_contact")

    assert open_alerts("no_contact", world) == []


# --- Nachqualifizierung ----------------------------------------------------------------------


@pytest.fixture
def newcomer(world) -> StaffMember:
    user = UserFactory(username="quereinsteigerin", first_name="Mara", last_name="Neu")
    return StaffMemberFactory(
        user=user,
        role=Role.MANAGER,
        provider=world.provider,
        team=world.team,
        qualification=StaffMember.Qualification.OTHER,
        start_date=dt.date(2025, 1, 31),
    )


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert add_months(dt.date(2025, 1, 31), 3) == dt.date(2025, 4, 30)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)


@pytest.mark.parametrize(
    "today,alerted", [(dt.date(2025, 4, 30), False), (dt.date(2025, 5, 1), True)]
)
def test_requalification_not_started_within_three_months(world, newcomer, today, alerted):
    run(today, "requalification_not_started")

    alerts = open_alerts("requalification_not_started", world)
    assert bool(alerts) is alerted
    if alerted:
        assert [a.recipient for a in alerts] == [world.colleague]
        assert alerts[0].subject == newcomer
        assert alerts[0].due_date == dt.date(2025, 4, 30)
        assert "Mara Neu" in alerts[0].message


def test_started_requalification_raises_no_start_alert(world, newcomer):
    newcomer.requalification_started = dt.date(2025, 3, 1)
    newcomer.save()

    run(dt.date(2025, 6, 1), "requalification_not_started")

    assert open_alerts("requalification_not_started", world) == []


@pytest.mark.parametrize(
    "today,alerted", [(dt.date(2026, 1, 31), False), (dt.date(2026, 2, 1), True)]
)
def test_requalification_not_finished_within_twelve_months(world, newcomer, today, alerted):
    newcomer.requalification_started = dt.date(2025, 3, 1)
    newcomer.save()

    run(today, "requalification_not_finished")

    assert bool(open_alerts("requalification_not_finished", world)) is alerted


def test_team_lead_without_another_lead_is_reported_to_the_office(world):
    StaffMember.objects.filter(user=world.colleague).update(
        qualification=StaffMember.Qualification.OTHER, start_date=dt.date(2025, 1, 2)
    )

    run(dt.date(2025, 6, 1), "requalification_not_started")

    assert [a.recipient for a in open_alerts("requalification_not_started", world)] == [
        world.office
    ]


def test_social_work_graduates_need_no_requalification(world):
    run(dt.date(2030, 1, 1), "requalification_not_started", "requalification_not_finished")

    assert not Alert.objects.exists()


def test_context_finds_the_people_of_a_municipality_and_of_the_office(world):
    from imcase.alerts.context import CheckContext

    ctx = CheckContext(dt.date(2026, 1, 1))

    assert ctx.municipality_users[world.town.pk] == [world.municipality_user.pk]
    assert ctx.office_by_landkreis[world.landkreis.pk] == [world.office.pk]
    assert ctx.team_leads_of_region(world.town.pk) == [world.colleague.pk]
    assert ctx.team_leads_of_region(world.other_town.pk) == []
