"""The counselling window (Beratungszeitraum): the date rules, the SQL filter that mirrors them,
and the services that derive, extend (four-eyes), close, reopen and hand over a case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import Client, Move, WindowExtension
from clients.models.client import ResidenceStatus
from clients.services import (
    ServiceError,
    close_case,
    decide_extension,
    record_move,
    refresh_window,
    reopen_case,
    request_extension,
)
from clients.window import ENDS_SOON_DAYS, Window, WindowStatus, add_years, last_counselling_day
from imcase.organisation.models import Provider, ProviderArea, Role
from tests.factories import (
    ClientFactory,
    LandkreisFactory,
    MunicipalityFactory,
    StaffMemberFactory,
    UserFactory,
)

REASON = "Sprachkurs B1 läuft noch bis zum Sommer, Ausbildungsplatz ist zugesagt."
D = dt.date


# --- the date rules ---------------------------------------------------------------------


def test_last_counselling_day_is_the_assignment_date_three_years_later():
    window = Window(D(2023, 3, 15))
    assert window.end == D(2026, 3, 15)
    assert window.contains(D(2026, 3, 15))
    assert not window.contains(D(2026, 3, 16))
    assert window.status_on(D(2026, 3, 16)) == WindowStatus.ENDED


def test_window_starts_on_the_assignment_day_itself():
    window = Window(D(2023, 3, 15))
    assert window.contains(D(2023, 3, 15))
    assert not window.contains(D(2023, 3, 14))


def test_assignment_on_29_february_ends_on_28_february():
    assert Window(D(2024, 2, 29)).end == D(2027, 2, 28)


def test_extended_window_from_29_february_ends_on_29_february_of_a_leap_year():
    assert Window(D(2024, 2, 29), extended=True).end == D(2028, 2, 29)


def test_assignment_on_28_february_ends_on_28_february():
    assert Window(D(2023, 2, 28)).end == D(2026, 2, 28)
    assert last_counselling_day(D(2023, 2, 28)) == D(2026, 2, 28)


@pytest.mark.parametrize(
    "start", [D(2023, 3, 15), D(2022, 12, 31), D(2023, 1, 1), D(2023, 2, 28), D(2021, 3, 1)]
)
def test_extension_adds_exactly_one_year(start):
    assert Window(start, extended=True).end == add_years(Window(start).end, 1)


def test_add_years_keeps_the_calendar_day():
    assert add_years(D(2023, 3, 15), 3) == D(2026, 3, 15)
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)


def test_status_is_not_started_before_the_first_day():
    window = Window(D(2025, 6, 1))
    assert window.status_on(D(2025, 5, 31)) == WindowStatus.NOT_STARTED
    assert window.status_on(D(2025, 6, 1)) == WindowStatus.IN_WINDOW


def test_status_ends_soon_exactly_90_days_before_the_end_but_not_91():
    window = Window(D(2023, 3, 15))
    end = window.end
    assert window.status_on(end - dt.timedelta(days=ENDS_SOON_DAYS)) == WindowStatus.ENDS_SOON
    assert window.status_on(end - dt.timedelta(days=91)) == WindowStatus.IN_WINDOW
    assert window.days_left(end - dt.timedelta(days=90)) == 90


def test_status_ends_soon_on_the_last_day_and_ended_the_day_after():
    window = Window(D(2023, 3, 15))
    assert window.status_on(D(2026, 3, 15)) == WindowStatus.ENDS_SOON
    assert window.status_on(D(2026, 3, 16)) == WindowStatus.ENDED


def test_extended_window_shows_extended_while_more_than_90_days_are_left():
    window = Window(D(2023, 3, 15), extended=True)
    assert window.end == D(2027, 3, 15)
    assert window.status_on(D(2027, 3, 15) - dt.timedelta(days=91)) == WindowStatus.EXTENDED
    assert window.status_on(D(2027, 3, 15) - dt.timedelta(days=90)) == WindowStatus.ENDS_SOON
    assert window.status_on(D(2027, 3, 16)) == WindowStatus.ENDED
    # Between the original and the extended end the person is still counselled.
    assert window.status_on(D(2026, 3, 16)) == WindowStatus.EXTENDED


def test_every_status_has_a_german_label():
    assert {status.label for status in WindowStatus} == {
        "noch nicht begonnen",
        "im Beratungszeitraum",
        "endet in höchstens 90 Tagen",
        "verlängert",
        "beendet – Ausleitung fällig",
    }


# --- the SQL filter mirrors the Python rule ----------------------------------------------

DAY = D(2026, 3, 15)
OFFSETS = (-2, -1, 0, 1, 2, 89, 90, 91, 92, 400)


def _with_approved_extension(client: Client) -> Client:
    requester = UserFactory()
    WindowExtension.objects.create(
        client=client,
        reason=REASON,
        requested_by=requester,
        decision=WindowExtension.Decision.APPROVED,
        decided_by=UserFactory(),
    )
    refresh_window(client)
    client.save()
    return client


@pytest.fixture
def boundary_clients(db) -> list[Client]:
    """Clients whose window starts or ends on each side of every boundary around ``DAY``."""
    municipality = MunicipalityFactory()
    clients = []
    for offset in OFFSETS:
        end = DAY + dt.timedelta(days=offset)
        clients.append(ClientFactory(municipality=municipality, assignment_date=add_years(end, -3)))
        extended = ClientFactory(municipality=municipality, assignment_date=add_years(end, -4))
        clients.append(_with_approved_extension(extended))
        clients.append(ClientFactory(municipality=municipality, assignment_date=end))
    clients.append(ClientFactory(municipality=municipality, assignment_date=D(2024, 2, 29)))
    clients.append(
        _with_approved_extension(
            ClientFactory(municipality=municipality, assignment_date=D(2024, 2, 29))
        )
    )
    clients.append(ClientFactory(municipality=municipality, assignment_date=None))
    return clients


def test_sql_window_status_filter_matches_the_python_rule_on_every_boundary(boundary_clients):
    days = [DAY + dt.timedelta(days=offset) for offset in (*OFFSETS, -91, -90, -89)]
    days += [D(2027, 2, 28), D(2027, 3, 1), D(2028, 2, 29), D(2028, 3, 1), D(2024, 2, 28)]
    by_pk = {c.pk: c for c in boundary_clients}
    for day in days:
        for status in WindowStatus:
            in_sql = set(
                Client.objects.with_window_status(status, day).values_list("pk", flat=True)
            )
            in_python = {pk for pk, c in by_pk.items() if c.window_status(day) == status}
            assert in_sql == in_python, (day, status)


def test_every_client_with_a_window_has_exactly_one_status_on_any_day(boundary_clients):
    with_window = {c.pk for c in boundary_clients if c.window}
    for offset in OFFSETS:
        day = DAY + dt.timedelta(days=offset)
        seen = [
            pk
            for status in WindowStatus
            for pk in Client.objects.with_window_status(status, day).values_list("pk", flat=True)
        ]
        assert sorted(seen) == sorted(with_window)


# --- deriving the window -----------------------------------------------------------------


def test_ukrainian_refugee_without_assignment_starts_window_when_case_opens(db):
    client = ClientFactory(
        assignment_date=None,
        residence_status=ResidenceStatus.UKRAINE,
        opened_on=D(2025, 5, 1),
    )
    assert client.window_start == D(2025, 5, 1)
    assert client.window_end == D(2028, 5, 1)


def test_assignment_date_wins_over_case_opening_for_a_ukrainian_refugee(db):
    client = ClientFactory(
        assignment_date=D(2024, 4, 2),
        residence_status=ResidenceStatus.UKRAINE,
        opened_on=D(2025, 5, 1),
    )
    assert client.window_start == D(2024, 4, 2)


def test_person_neither_assigned_nor_under_paragraph_24_has_no_window(db):
    client = ClientFactory(assignment_date=None, residence_status=ResidenceStatus.DULDUNG)
    assert client.window_start is None
    assert client.window_end is None
    assert client.window is None
    assert client.window_status(DAY) is None
    assert not client.is_target_group


# --- extension with four-eyes ------------------------------------------------------------


def _second_team_lead(world):
    user = UserFactory(username="teamlead2")
    StaffMemberFactory(user=user, role=Role.TEAM_LEAD, provider=world.provider, team=world.team)
    return user


def test_extension_request_needs_a_written_reason_of_20_characters(world):
    with pytest.raises(ServiceError, match="mindestens 20 Zeichen"):
        request_extension(world.owner, world.client, "   zu kurz begründet   ")
    assert not world.client.extensions.exists()
    extension = request_extension(world.owner, world.client, "  " + "x" * 20 + "  ")
    assert extension.decision == WindowExtension.Decision.PENDING
    assert extension.reason == "x" * 20


def test_second_extension_request_is_refused_while_one_is_pending(world):
    request_extension(world.owner, world.client, REASON)
    with pytest.raises(ServiceError, match="bereits ein offener Verlängerungsantrag"):
        request_extension(world.colleague, world.client, REASON)
    assert world.client.extensions.count() == 1


def test_extension_is_refused_for_a_person_without_window(world):
    client = ClientFactory(
        municipality=world.town, assignment_date=None, residence_status=ResidenceStatus.OTHER
    )
    with pytest.raises(ServiceError, match="Ohne Beratungszeitraum"):
        request_extension(world.owner, client, REASON)


def test_team_lead_cannot_approve_his_own_request(world):
    extension = request_extension(world.colleague, world.client, REASON)
    with pytest.raises(ServiceError, match="Vier-Augen-Prinzip"):
        decide_extension(world.colleague, extension, approve=True)
    extension.refresh_from_db()
    assert extension.decision == WindowExtension.Decision.PENDING


def test_manager_cannot_decide_an_extension(world):
    extension = request_extension(world.colleague, world.client, REASON)
    with pytest.raises(ServiceError, match="entscheidet die Teamleitung"):
        decide_extension(world.owner, extension, approve=True)


def test_approval_by_another_team_lead_extends_the_window_by_one_year(world):
    before = world.client.window_end
    extension = request_extension(world.owner, world.client, REASON)
    decide_extension(world.colleague, extension, approve=True, note="einverstanden")
    world.client.refresh_from_db()
    extension.refresh_from_db()
    assert extension.decision == WindowExtension.Decision.APPROVED
    assert extension.decided_by == world.colleague
    assert extension.decided_at is not None
    assert world.client.window_extended
    assert world.client.window_end == add_years(before, 1) == D(2028, 3, 1)


def test_request_of_a_team_lead_is_approved_by_another_team_lead(world):
    extension = request_extension(world.colleague, world.client, REASON)
    decide_extension(_second_team_lead(world), extension, approve=True)
    world.client.refresh_from_db()
    assert world.client.window_extended


def test_no_request_after_an_approved_extension(world):
    extension = request_extension(world.owner, world.client, REASON)
    decide_extension(world.colleague, extension, approve=True)
    with pytest.raises(ServiceError, match="bereits um ein Jahr verlängert"):
        request_extension(world.owner, world.client, REASON)


def test_extension_cannot_be_decided_twice(world):
    extension = request_extension(world.owner, world.client, REASON)
    decide_extension(world.colleague, extension, approve=True)
    with pytest.raises(ServiceError, match="bereits entschieden"):
        decide_extension(_second_team_lead(world), extension, approve=False, note="doch nicht")


def test_refusal_needs_a_note(world):
    extension = request_extension(world.owner, world.client, REASON)
    with pytest.raises(ServiceError, match="begründen Sie die Ablehnung"):
        decide_extension(world.colleague, extension, approve=False, note="   ")
    extension.refresh_from_db()
    assert extension.decision == WindowExtension.Decision.PENDING


def test_refusal_keeps_the_request_and_allows_a_new_one(world):
    before = world.client.window_end
    extension = request_extension(world.owner, world.client, REASON)
    decide_extension(world.colleague, extension, approve=False, note="Ziele sind erreicht.")
    world.client.refresh_from_db()
    assert world.client.window_end == before
    assert not world.client.window_extended
    refused = WindowExtension.objects.get(pk=extension.pk)
    assert refused.decision == WindowExtension.Decision.REFUSED
    assert refused.decision_note == "Ziele sind erreicht."

    second = request_extension(world.owner, world.client, REASON + " Neue Lage.")
    assert list(world.client.extensions.values_list("decision", flat=True)) == [
        WindowExtension.Decision.PENDING,
        WindowExtension.Decision.REFUSED,
    ]
    assert second.pk != extension.pk


# --- closing and reopening ---------------------------------------------------------------


def test_closing_records_reason_and_date(world):
    closed = close_case(world.owner, world.client, Client.ClosedReason.INDEPENDENT, D(2026, 1, 5))
    assert closed.status == Client.Status.CLOSED
    assert closed.closed_reason == Client.ClosedReason.INDEPENDENT
    assert closed.closed_on == D(2026, 1, 5)


@pytest.mark.today
def test_closing_needs_a_known_reason_and_no_future_date(world):
    with pytest.raises(ServiceError, match="Grund"):
        close_case(world.owner, world.client, "unbekannt", D(2026, 1, 5))
    with pytest.raises(ServiceError, match="Zukunft"):
        close_case(
            world.owner,
            world.client,
            Client.ClosedReason.OTHER,
            timezone.localdate() + dt.timedelta(days=2),
        )
    world.client.refresh_from_db()
    assert world.client.status == Client.Status.OPEN


def test_a_closed_case_cannot_be_closed_again(world):
    close_case(world.owner, world.client, Client.ClosedReason.DECLINED, D(2026, 1, 5))
    with pytest.raises(ServiceError, match="bereits abgeschlossen"):
        close_case(world.owner, world.client, Client.ClosedReason.OTHER, D(2026, 1, 6))


def test_reopening_within_the_window_clears_the_closing(world):
    close_case(world.owner, world.client, Client.ClosedReason.DECLINED, D(2026, 1, 5))
    reopened = reopen_case(world.owner, world.client, today=D(2027, 3, 1))
    assert reopened.status == Client.Status.OPEN
    assert reopened.closed_on is None
    assert reopened.closed_reason == ""


def test_reopening_after_the_last_counselling_day_is_refused(world):
    close_case(world.owner, world.client, Client.ClosedReason.WINDOW_ENDED, D(2026, 1, 5))
    with pytest.raises(ServiceError, match="innerhalb des Beratungszeitraums"):
        reopen_case(world.owner, world.client, today=D(2027, 3, 2))
    world.client.refresh_from_db()
    assert world.client.status == Client.Status.CLOSED


def test_reopening_an_open_case_is_refused(world):
    with pytest.raises(ServiceError, match="nicht abgeschlossen"):
        reopen_case(world.owner, world.client, today=D(2026, 1, 5))


def test_reopening_a_person_without_window_is_refused(world):
    client = ClientFactory(
        municipality=world.town, assignment_date=None, residence_status=ResidenceStatus.OTHER
    )
    close_case(world.owner, client, Client.ClosedReason.OTHER, D(2026, 1, 5))
    with pytest.raises(ServiceError, match="innerhalb des Beratungszeitraums"):
        reopen_case(world.owner, client, today=D(2026, 1, 6))


# --- moves and handover ------------------------------------------------------------------


def _visible(user) -> set[str]:
    return set(Client.objects.visible_to(user).values_list("last_name", flat=True))


def test_move_within_the_same_provider_keeps_the_manager(world):
    village = MunicipalityFactory(landkreis=world.landkreis, name="Dorf", ags="08999003")
    ProviderArea.objects.create(
        provider=world.provider, municipality=village, valid_from=D(2020, 1, 1)
    )
    move = record_move(world.owner, world.client, village, D(2026, 6, 1))
    world.client.refresh_from_db()
    assert not move.is_handover
    assert move.from_municipality == world.town
    assert world.client.municipality == village
    assert world.client.manager == world.owner
    assert "Haddad" in _visible(world.owner)


def test_move_to_another_providers_municipality_hands_the_case_over(world):
    move = record_move(world.owner, world.client, world.other_town, D(2026, 6, 1))
    world.client.refresh_from_db()
    assert move.is_handover
    assert move.from_provider == world.provider
    assert move.to_provider == world.other_provider
    assert world.client.manager is None
    assert world.client.municipality == world.other_town
    assert "Haddad" not in _visible(world.owner)
    assert "Haddad" not in _visible(world.colleague)
    assert "Haddad" in _visible(world.outsider)


def test_move_to_the_same_municipality_is_refused(world):
    with pytest.raises(ServiceError, match="dieselbe"):
        record_move(world.owner, world.client, world.town, D(2026, 6, 1))
    assert not Move.objects.exists()


def test_move_to_another_kreis_is_refused(world):
    elsewhere = MunicipalityFactory(landkreis=LandkreisFactory(), ags="08111009")
    with pytest.raises(ServiceError, match="anderen Kreis"):
        record_move(world.owner, world.client, elsewhere, D(2026, 6, 1))
    world.client.refresh_from_db()
    assert world.client.municipality == world.town


@pytest.mark.today
def test_move_in_the_future_is_refused(world):
    with pytest.raises(ServiceError, match="Zukunft"):
        record_move(
            world.owner, world.client, world.other_town, timezone.localdate() + dt.timedelta(days=3)
        )
    world.client.refresh_from_db()
    assert world.client.manager == world.owner


def test_move_to_a_welfare_provider_is_a_handover_too(world):
    village = MunicipalityFactory(landkreis=world.landkreis, name="Weiler", ags="08999004")
    welfare = Provider.objects.create(
        landkreis=world.landkreis, name="Caritas", kind=Provider.Kind.WOHLFAHRT
    )
    ProviderArea.objects.create(provider=welfare, municipality=village, valid_from=D(2020, 1, 1))
    move = record_move(world.owner, world.client, village, D(2026, 6, 1))
    assert move.is_handover
    assert move.to_provider == welfare
