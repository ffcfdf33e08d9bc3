"""The case panel's actions end to end: extension (four-eyes), move with handover, Ausleitung
and reopening. The owner can use each; everyone outside the case work gets a 404; an error shows
the form again with the user's input and a German message, and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Move, WindowExtension
from clients.services import close_case, decide_extension, request_extension
from imcase.organisation.models import ProviderArea
from tests.factories import MunicipalityFactory

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = pytest.mark.today

REASON = "Ausbildung beginnt im Herbst, Begleitung bis zum Start ist notwendig."
OUTSIDERS = ["outsider", "office", "municipality_user", "rp_user", "admin"]


def browser(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def post(user, name: str, arg, data: dict | None = None, **kwargs):
    return browser(user).post(reverse(f"clients:{name}", args=[arg]), data or {}, **kwargs)


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def today() -> dt.date:
    return timezone.localdate()


def detail_url(client: Client) -> str:
    return reverse("clients:detail", args=[client.code])


def reload(client: Client) -> Client:
    return Client.objects.get(pk=client.pk)


# --- extension request ---------------------------------------------------------------------


def test_owner_requests_an_extension(world):
    response = post(world.owner, "extension_request", world.client.code, {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == detail_url(world.client)
    assert flashed(response) == [
        "Der Verlängerungsantrag wurde gestellt. Die Teamleitung entscheidet darüber."
    ]
    extension = world.client.extensions.get()
    assert extension.decision == WindowExtension.Decision.PENDING
    assert extension.requested_by == world.owner


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_extension_request_is_a_404_outside_the_case_work(world, persona):
    response = post(
        getattr(world, persona), "extension_request", world.client.code, {"reason": REASON}
    )
    assert response.status_code == 404
    assert not WindowExtension.objects.exists()


def test_short_reason_shows_the_form_again_with_the_input_and_a_german_message(world):
    response = post(world.owner, "extension_request", world.client.code, {"reason": "weil nötig"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "mindestens 20 Zeichen" in html
    assert "weil nötig" in html
    assert "Nicht gespeichert" in html
    assert not WindowExtension.objects.exists()


def test_second_request_shows_the_service_message_and_changes_nothing(world):
    request_extension(world.owner, world.client, REASON)
    response = post(world.colleague, "extension_request", world.client.code, {"reason": REASON})
    assert response.status_code == 400
    assert "Es liegt bereits ein offener Verlängerungsantrag vor." in response.content.decode()
    assert world.client.extensions.count() == 1


def test_case_actions_answer_only_to_post(world):
    response = browser(world.owner).get(
        reverse("clients:extension_request", args=[world.client.code])
    )
    assert response.status_code == 405


# --- extension decision --------------------------------------------------------------------


def test_team_lead_approves_the_request_of_the_manager(world):
    extension = request_extension(world.owner, world.client, REASON)
    response = post(world.colleague, "extension_decide", extension.pk, {"decision": "approve"})
    assert response.status_code == 302
    assert flashed(response) == [
        "Die Verlängerung wurde genehmigt. Letzter Beratungstag: 01.03.2028."
    ]
    assert reload(world.client).window_end == dt.date(2028, 3, 1)


def test_team_lead_refuses_with_a_note(world):
    extension = request_extension(world.owner, world.client, REASON)
    response = post(
        world.colleague,
        "extension_decide",
        extension.pk,
        {"decision": "refuse", "note": "Die Ziele sind erreicht."},
    )
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.decision == WindowExtension.Decision.REFUSED
    assert extension.decision_note == "Die Ziele sind erreicht."


def test_refusal_without_note_shows_the_form_again(world):
    extension = request_extension(world.owner, world.client, REASON)
    response = post(world.colleague, "extension_decide", extension.pk, {"decision": "refuse"})
    assert response.status_code == 400
    assert "Bitte begründen Sie die Ablehnung." in response.content.decode()
    extension.refresh_from_db()
    assert extension.decision == WindowExtension.Decision.PENDING


def test_team_lead_cannot_decide_his_own_request_in_the_browser(world):
    extension = request_extension(world.colleague, world.client, REASON)
    response = post(world.colleague, "extension_decide", extension.pk, {"decision": "approve"})
    assert response.status_code == 400
    assert "Vier-Augen-Prinzip" in response.content.decode()
    assert not reload(world.client).window_extended


def test_manager_who_sees_the_client_cannot_decide(world):
    extension = request_extension(world.colleague, world.client, REASON)
    response = post(world.owner, "extension_decide", extension.pk, {"decision": "approve"})
    assert response.status_code == 400
    assert "Über Verlängerungen entscheidet die Teamleitung." in response.content.decode()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_extension_decision_is_a_404_outside_the_case_work(world, persona):
    extension = request_extension(world.owner, world.client, REASON)
    response = post(
        getattr(world, persona), "extension_decide", extension.pk, {"decision": "approve"}
    )
    assert response.status_code == 404
    extension.refresh_from_db()
    assert extension.decision == WindowExtension.Decision.PENDING


def test_unknown_extension_is_a_404(world):
    assert (
        post(world.colleague, "extension_decide", 999999, {"decision": "approve"}).status_code
        == 404
    )


# --- move and handover ---------------------------------------------------------------------


def test_owner_records_a_move_within_his_provider(world):
    village = MunicipalityFactory(landkreis=world.landkreis, name="Dorf", ags="08999003")
    ProviderArea.objects.create(
        provider=world.provider, municipality=village, valid_from=dt.date(2020, 1, 1)
    )
    moved_on = today() - dt.timedelta(days=3)
    response = post(
        world.owner,
        "move",
        world.client.code,
        {"to_municipality": village.pk, "moved_on": moved_on.isoformat()},
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(world.client)
    assert flashed(response) == [f"Der Umzug nach Dorf am {moved_on:%d.%m.%Y} wurde erfasst."]
    client = reload(world.client)
    assert client.municipality == village
    assert client.manager == world.owner


def test_handover_ends_the_old_providers_access_and_opens_the_new_ones(world):
    response = post(
        world.owner,
        "move",
        world.client.code,
        {"to_municipality": world.other_town.pk, "moved_on": today().isoformat()},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:list")
    assert "Der Fall wurde an Stadt Neustadt übergeben." in flashed(response)[0]
    assert reload(world.client).manager is None
    assert browser(world.owner).get(detail_url(world.client)).status_code == 404
    assert browser(world.colleague).get(detail_url(world.client)).status_code == 404
    assert browser(world.outsider).get(detail_url(world.client)).status_code == 200
    assert Move.objects.get().is_handover


def test_move_in_the_future_shows_the_form_again_with_the_input(world):
    future = today() + dt.timedelta(days=10)
    response = post(
        world.owner,
        "move",
        world.client.code,
        {"to_municipality": world.other_town.pk, "moved_on": future.isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Das Umzugsdatum darf nicht in der Zukunft liegen." in html
    assert future.isoformat() in html
    assert reload(world.client).municipality == world.town
    assert not Move.objects.exists()


def test_move_to_a_municipality_of_another_kreis_is_not_offered(world):
    elsewhere = MunicipalityFactory(ags="08111009")
    response = post(
        world.owner,
        "move",
        world.client.code,
        {"to_municipality": elsewhere.pk, "moved_on": today().isoformat()},
    )
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Gemeinde des Kreises." in response.content.decode()
    assert not Move.objects.exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_move_is_a_404_outside_the_case_work(world, persona):
    response = post(
        getattr(world, persona),
        "move",
        world.client.code,
        {"to_municipality": world.other_town.pk, "moved_on": today().isoformat()},
    )
    assert response.status_code == 404
    assert reload(world.client).municipality == world.town


# --- closing and reopening -----------------------------------------------------------------


def test_owner_closes_the_case(world):
    response = post(
        world.owner,
        "close",
        world.client.code,
        {"reason": Client.ClosedReason.INDEPENDENT, "closed_on": today().isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    assert f"Der Fall wurde zum {today():%d.%m.%Y} ausgeleitet (Grund: selbständig)." in (
        response.content.decode()
    )
    client = reload(world.client)
    assert client.status == Client.Status.CLOSED
    assert client.closed_reason == Client.ClosedReason.INDEPENDENT


def test_closing_without_reason_shows_the_form_again(world):
    response = post(world.owner, "close", world.client.code, {"closed_on": "2026-01-05"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte wählen Sie einen Grund für die Ausleitung." in html
    assert "2026-01-05" in html
    assert reload(world.client).status == Client.Status.OPEN


def test_closing_in_the_future_shows_the_german_message(world):
    future = today() + dt.timedelta(days=1)
    response = post(
        world.owner,
        "close",
        world.client.code,
        {"reason": Client.ClosedReason.OTHER, "closed_on": future.isoformat()},
    )
    assert response.status_code == 400
    assert "Das Datum der Ausleitung darf nicht in der Zukunft liegen." in response.content.decode()
    assert reload(world.client).status == Client.Status.OPEN


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_closing_is_a_404_outside_the_case_work(world, persona):
    response = post(
        getattr(world, persona),
        "close",
        world.client.code,
        {"reason": Client.ClosedReason.OTHER, "closed_on": today().isoformat()},
    )
    assert response.status_code == 404
    assert reload(world.client).status == Client.Status.OPEN


def test_owner_reopens_a_closed_case_within_the_window(world):
    close_case(world.owner, world.client, Client.ClosedReason.DECLINED, today())
    response = post(world.owner, "reopen", world.client.code)
    assert response.status_code == 302
    assert flashed(response) == ["Der Fall wurde wieder eröffnet."]
    assert reload(world.client).status == Client.Status.OPEN


def test_reopening_after_the_window_shows_the_german_message(world):
    ended = Client.objects.get(pk=world.client.pk)
    ended.assignment_date = dt.date(2020, 1, 2)
    ended.window_start = dt.date(2020, 1, 2)
    ended.window_end = dt.date(2023, 1, 2)
    ended.save()
    close_case(world.owner, ended, Client.ClosedReason.WINDOW_ENDED, dt.date(2023, 1, 3))
    response = post(world.owner, "reopen", world.client.code)
    assert response.status_code == 400
    assert "nur innerhalb des Beratungszeitraums" in response.content.decode()
    assert reload(world.client).status == Client.Status.CLOSED


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_reopening_is_a_404_outside_the_case_work(world, persona):
    close_case(world.owner, world.client, Client.ClosedReason.DECLINED, today())
    response = post(getattr(world, persona), "reopen", world.client.code)
    assert response.status_code == 404
    assert reload(world.client).status == Client.Status.CLOSED


# --- the panel and the team lead's home page -----------------------------------------------


def panel(world, user, client=None) -> str:
    return render_to_string(
        "clients/_case_panel.html",
        {"client": reload(client or world.client), "today": today(), "user": user},
    )


def test_panel_offers_request_move_and_closing_for_an_open_case(world):
    html = panel(world, world.owner)
    assert "Beratungszeitraum und Fall" in html
    assert reverse("clients:extension_request", args=[world.client.code]) in html
    assert reverse("clients:move", args=[world.client.code]) in html
    assert reverse("clients:close", args=[world.client.code]) in html
    assert reverse("clients:reopen", args=[world.client.code]) not in html
    assert "wird der Fall an diesen übergeben" in html
    assert "Neustadt" in html  # same Kreis, other provider: offered with the handover hint


def test_panel_shows_a_pending_request_and_the_decision_buttons_only_to_another_team_lead(world):
    request_extension(world.owner, world.client, REASON)
    for_lead = panel(world, world.colleague)
    assert REASON in for_lead
    assert 'value="approve"' in for_lead
    assert reverse("clients:extension_request", args=[world.client.code]) not in for_lead
    assert 'value="approve"' not in panel(world, world.owner)


def test_panel_hides_the_decision_buttons_from_the_team_lead_who_filed_the_request(world):
    request_extension(world.colleague, world.client, REASON)
    html = panel(world, world.colleague)
    assert 'value="approve"' not in html
    assert "Vier-Augen-Prinzip" in html


def test_panel_keeps_the_refused_request_with_its_note_and_offers_a_new_one(world):
    extension = request_extension(world.owner, world.client, REASON)
    decide_extension(world.colleague, extension, approve=False, note="Ziele sind erreicht.")
    html = panel(world, world.owner)
    assert "abgelehnt" in html
    assert "entschieden von Colleague" in html
    assert "Ziele sind erreicht." in html
    assert reverse("clients:extension_request", args=[world.client.code]) in html


def test_panel_shows_who_approved_and_offers_no_second_request(world):
    extension = request_extension(world.owner, world.client, REASON)
    decide_extension(world.colleague, extension, approve=True)
    html = panel(world, world.owner)
    assert "genehmigt" in html
    assert "entschieden von Colleague" in html
    assert "(um ein Jahr verlängert)" in html
    assert reverse("clients:extension_request", args=[world.client.code]) not in html


def test_panel_shows_the_handover_in_the_moves_history(world):
    post(
        world.owner,
        "move",
        world.client.code,
        {"to_municipality": world.other_town.pk, "moved_on": today().isoformat()},
    )
    html = panel(world, world.outsider)
    assert "Altstadt → Neustadt" in html
    assert "Übergabe an Stadt Neustadt" in html


def test_panel_offers_reopening_only_for_a_closed_case_within_the_window(world):
    close_case(world.owner, world.client, Client.ClosedReason.DECLINED, today())
    html = panel(world, world.owner)
    assert reverse("clients:reopen", args=[world.client.code]) in html
    assert reverse("clients:close", args=[world.client.code]) not in html
    assert "Beratung abgelehnt" in html


def test_client_page_shows_the_case_panel(world):
    response = browser(world.owner).get(detail_url(world.client))
    assert response.status_code == 200
    assert "Beratungszeitraum und Fall" in response.content.decode()


def test_team_lead_home_lists_pending_extensions_of_his_region(world):
    request_extension(world.owner, world.client, REASON)
    request_extension(world.outsider, world.other_client, REASON + " (anderer Träger)")
    html = browser(world.colleague).get(reverse("home")).content.decode()
    assert "Verlängerungsanträge" in html
    assert detail_url(world.client) in html
    assert detail_url(world.other_client) not in html


def test_team_lead_home_lists_the_oldest_extensions_and_links_to_all(world):
    """A region with hundreds of open requests: the home page shows the oldest ten, the
    number of all and the way to them (the caseload's section)."""
    from clients.panels import EXTENSIONS_SHOWN
    from tests.factories import ClientFactory

    clients = ClientFactory.create_batch(
        EXTENSIONS_SHOWN + 2, municipality=world.town, manager=world.owner
    )
    for number, client in enumerate(clients):
        extension = request_extension(world.owner, client, REASON)
        WindowExtension.objects.filter(pk=extension.pk).update(
            requested_at=timezone.now() - dt.timedelta(days=100 - number)
        )
    html = browser(world.colleague).get(reverse("home")).content.decode()
    shown = [c for c in clients if detail_url(c) in html]
    assert shown == clients[:EXTENSIONS_SHOWN]  # the oldest
    assert f"Angezeigt sind die ältesten {EXTENSIONS_SHOWN} von {len(clients)}." in html
    assert reverse("clients:caseload") + "#verlaengerung" in html
