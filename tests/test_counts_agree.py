"""Counts that agree: home panels, the list and its count show open cases unless they say
otherwise; a closed case shows no window state; every counted message in German singular and
plural (ngettext)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse

from clients.caseload import caseload_sections
from clients.models import Client
from clients.search import filter_clients, with_window_states
from clients.window import WindowStatus
from funding.services.lists import GenerateResult
from imcase.counted import counted
from tests.factories import TODAY, ClientFactory


def _closed(**kwargs) -> Client:
    client = ClientFactory(**kwargs)
    client.status = Client.Status.CLOSED
    client.closed_on = dt.date(2026, 1, 31)
    client.closed_reason = Client.ClosedReason.INDEPENDENT
    client.save()
    return client


@pytest.fixture
def closed(world):
    # Assigned long ago: its window has ended, which an open case would show as "Ausleitung
    # fällig".
    return _closed(
        municipality=world.town,
        manager=world.owner,
        last_name="Geschlossen",
        assignment_date=dt.date(2020, 1, 1),
    )


# --- ngettext ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "singular", "plural", "text"),
    [
        (1, "Person", "Personen", "1 Person"),
        (2, "Person", "Personen", "2 Personen"),
        (0, "Person", "Personen", "0 Personen"),
        (1, "Tag", "Tage", "1 Tag"),
        (14, "Tag", "Tage", "14 Tage"),
        (1, "nachgeborenes Kind", "nachgeborene Kinder", "1 nachgeborenes Kind"),
        (3, "nachgeborenes Kind", "nachgeborene Kinder", "3 nachgeborene Kinder"),
        (1234, "Person", "Personen", "1.234 Personen"),
    ],
)
def test_counted_in_singular_and_plural(count, singular, plural, text):
    assert counted(count, singular, plural) == text


def test_the_template_filter_counts_too():
    template = Template(
        '{% load imcase_tags %}{{ one|counted:"Person,Personen" }} / '
        '{{ two|counted:"nachgeborenes Kind,nachgeborene Kinder" }}'
    )
    assert template.render(Context({"one": 1, "two": 2})) == "1 Person / 2 nachgeborene Kinder"


def test_list_generation_summary_in_singular_and_plural():
    one = GenerateResult(created=1, refreshed=0, kept=0, persons=1).summary
    assert one.startswith("1 Liste erstellt") and "(1 Person auf den neuen Listen)" in one
    many = GenerateResult(created=3, refreshed=0, kept=0, persons=12).summary
    assert many.startswith("3 Listen erstellt") and "(12 Personen" in many


@pytest.mark.today
def test_caseload_says_one_day_not_one_days(world):
    ClientFactory(
        municipality=world.town,
        manager=world.owner,
        last_name="Morgen",
        assignment_date=dt.date(TODAY.year - 3, TODAY.month, TODAY.day),
    )
    Client.objects.filter(last_name="Morgen").update(window_end=TODAY + dt.timedelta(days=1))
    section = next(s for s in caseload_sections(world.owner, TODAY) if s.key == "endet")
    details = [row.detail for row in section.rows]
    assert any(detail.endswith("(noch 1 Tag)") for detail in details), details


# --- open cases unless said otherwise ---------------------------------------------------------


@pytest.mark.today
def test_the_list_shows_open_cases_by_default_and_all_on_request(world, client, closed):
    clients, _ = filter_clients(world.owner, {}, TODAY)
    assert closed not in clients
    clients, _ = filter_clients(world.owner, {"fallstatus": "alle"}, TODAY)
    assert closed in clients
    clients, _ = filter_clients(world.owner, {"fallstatus": "closed"}, TODAY)
    assert list(clients) == [closed]

    client.force_login(world.owner)
    html = client.get(reverse("clients:list")).content.decode()
    assert "1 offener Fall gefunden." in html
    assert "Geschlossen" not in html
    html = client.get(reverse("clients:list"), {"fallstatus": "alle"}).content.decode()
    assert "2 Personen gefunden." in html
    html = client.get(reverse("clients:list"), {"fallstatus": "closed"}).content.decode()
    assert "1 abgeschlossener Fall gefunden." in html


@pytest.mark.today
def test_the_managers_home_counts_open_cases(world, client, closed):
    client.force_login(world.owner)
    context = client.get("/").context
    panel = next(c for c in context if "my_count" in c)
    assert panel["my_count"] == 1
    assert panel["visible_count"] == 1
    assert closed not in list(panel["my_clients"])


@pytest.mark.today
def test_the_team_counts_open_cases(world, client, closed):
    client.force_login(world.colleague)
    context = client.get("/").context
    panel = next(c for c in context if "members" in c)
    assert panel["client_count"] == 1
    caseloads = {m.user.username: m.open_cases for m in panel["members"]}
    assert caseloads["owner"] == 1


@pytest.mark.today
def test_the_office_counts_open_cases(world, client, closed):
    client.force_login(world.office)
    context = client.get("/").context
    panel = next(c for c in context if "total_clients" in c)
    assert panel["total_clients"] == 2  # Haddad and Petrenko, not the closed case


# --- closed cases have no window state --------------------------------------------------------


@pytest.mark.today
def test_a_closed_case_has_no_window_state(world, closed):
    assert closed.window.status_on(TODAY) == WindowStatus.ENDED
    assert closed.window_status(TODAY) is None
    assert closed.window_label(TODAY) == "Fall abgeschlossen"
    ended = Client.objects.with_window_status(WindowStatus.ENDED, TODAY)
    assert closed not in ended
    [row] = with_window_states(Client.objects.filter(pk=closed.pk), TODAY)
    assert row.window_state is None


@pytest.mark.today
def test_the_list_never_says_ausleitung_faellig_for_a_closed_case(world, client, closed):
    client.force_login(world.owner)
    html = client.get(reverse("clients:list"), {"fallstatus": "closed"}).content.decode()
    table = html[html.index("<table") :]  # the filter's choices name the state, the rows not
    assert "Geschlossen" in table
    assert "Ausleitung fällig" not in table


@pytest.mark.today
def test_the_client_page_says_closed_instead_of_a_window_state(world, client, closed):
    client.force_login(world.owner)
    response = client.get(reverse("clients:detail", args=[closed.code]))
    assert response.context["window"]["status"] == "Fall abgeschlossen"
    assert "Ausleitung fällig" not in response.content.decode()
