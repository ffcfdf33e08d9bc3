"""The client page as a work surface (issue 11, items 5 and 6): the actions at the top, the
case panel before the contacts, the timeline 20 contacts a page, tables that stack on phones."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients import client_page
from clients.models import Consultation, Referral, RegularService, Topic
from clients.services import ConsultationInput, ReferralInput, log_consultation, refresh_window
from clients.timeline import PER_PAGE, page_of_contact
from imcase.audit.models import AuditEntry
from tests.factories import ClientFactory, HouseholdFactory

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = pytest.mark.today


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def world(world):
    """Haddad's window runs today (assigned 400 days ago), with 25 contacts, one a day."""
    world.client.assignment_date = days_ago(400)
    refresh_window(world.client)
    world.client.save()
    jobcenter = RegularService.objects.get_or_create(name="Jobcenter")[0]
    world.contacts = [
        log_consultation(
            world.owner,
            ConsultationInput(
                clients=[world.client],
                date=days_ago(day + 1),
                duration_minutes=30 + day,
                referrals=[ReferralInput(service=jobcenter)] if day % 5 == 0 else [],
            ),
        )
        for day in range(25)
    ]
    return world


def detail_url(world, query: str = "") -> str:
    return reverse("clients:detail", args=[world.client.code]) + query


def page_of(client, world, query: str = "") -> str:
    client.force_login(world.owner)
    response = client.get(detail_url(world, query))
    assert response.status_code == 200
    return response.content.decode()


def shown_contacts(content: str) -> list[str]:
    return re.findall(r'<li id="kontakt-([0-9a-f-]{36})"', content)


# --- the timeline in pages ------------------------------------------------------------------


def test_client_page_shows_the_latest_twenty_contacts_and_a_link_to_older_ones(client, world):
    content = page_of(client, world)

    newest_first = [str(c.code) for c in world.contacts]
    assert shown_contacts(content) == newest_first[:PER_PAGE]
    assert "Ältere Kontakte anzeigen" in content
    assert "?kontakte=2#kontakte" in content
    assert "Kontakte 1–20 von 25" in content
    assert "Neuere Kontakte anzeigen" not in content


def test_older_contacts_are_on_the_second_page_without_javascript(client, world):
    content = page_of(client, world, "?kontakte=2")

    assert shown_contacts(content) == [str(c.code) for c in world.contacts[PER_PAGE:]]
    assert "Kontakte 21–25 von 25" in content
    assert "Neuere Kontakte anzeigen" in content
    assert "Ältere Kontakte anzeigen" not in content


def test_a_refused_contact_comes_back_with_timeline_links_to_the_client_page(client, world):
    client.force_login(world.owner)
    response = client.post(
        reverse("clients:consultation_create", args=[world.client.code]),
        {"date": days_ago(1).isoformat(), "duration_minutes": "45", "participants": []},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert '<details class="card" id="kontakt-erfassen" open>' in content
    assert f'href="{detail_url(world)}?kontakte=2#kontakte"' in content


@pytest.mark.parametrize("number", ["abc", "0", "99", ""])
def test_a_mistyped_page_number_shows_a_page_instead_of_an_error(client, world, number):
    content = page_of(client, world, f"?kontakte={number}")

    assert len(shown_contacts(content)) in (PER_PAGE, 25 - PER_PAGE)


def test_every_timeline_page_is_an_audited_read_of_the_client(client, world):
    page_of(client, world, "?kontakte=2")

    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW, object_id=str(world.client.code)
    ).exists()


def test_outsider_gets_404_for_an_older_timeline_page(client, world):
    client.force_login(world.outsider)

    assert client.get(detail_url(world, "?kontakte=2")).status_code == 404


def test_the_second_timeline_page_costs_as_many_queries_as_the_first(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.owner)
    with CaptureQueriesContext(connection) as first:
        client.get(detail_url(world))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(detail_url(world, "?kontakte=2"))


def test_an_edited_old_contact_returns_to_its_timeline_page(client, world):
    old = world.contacts[22]
    client.force_login(world.owner)

    response = client.post(
        reverse("clients:consultation_edit", args=[old.code]) + f"?klient={world.client.code}",
        {
            "date": old.date.isoformat(),
            "duration_minutes": "50",
            "kind": old.kind,
            "setting": old.setting,
            "topics": [],
            "interpreter_language": "",
            "note": "nachgetragen",
            "next_appointment": "",
            "participants": [str(p.client_id) for p in old.participants.all()],
            "version": str(old.version),
            **{
                key: value
                for n, referral in enumerate(old.referrals.order_by("pk"), start=1)
                for key, value in (
                    (f"referral_{n}_service", str(referral.service_id)),
                    (f"referral_{n}_note", referral.note),
                )
            },
        },
    )

    assert response.status_code == 302
    assert response.url == detail_url(world, f"?kontakte=2#kontakt-{old.code}")


def test_referral_status_returns_to_the_page_of_its_contact(client, world):
    referral = Referral.objects.get(consultation=world.contacts[20])
    client.force_login(world.owner)

    response = client.post(
        reverse("clients:referral_status", args=[referral.pk]),
        {"status": Referral.Status.ATTENDED, "klient": str(world.client.code)},
    )

    assert response.url == detail_url(world, f"?kontakte=2#kontakt-{world.contacts[20].code}")


def test_page_of_contact_counts_newer_contacts_of_the_same_day(world):
    same_day = log_consultation(
        world.owner,
        ConsultationInput(clients=[world.client], date=world.contacts[19].date, duration_minutes=5),
    )
    # Same date, larger pk: it comes first among that day's contacts.
    assert Consultation.objects.filter(date=same_day.date).count() == 2
    assert page_of_contact(world.owner, world.client, same_day) == 1
    assert page_of_contact(world.owner, world.client, world.contacts[19]) == 2


def test_a_client_with_a_hundred_contacts_gets_a_page_under_60_kb_in_bounded_queries(
    client, world, django_assert_max_num_queries
):
    """The page of the client with the most contacts (issue 14: 161 KB before) stays small: the
    timeline shows 20 contacts, every further one is a link away, and neither the size nor the
    number of queries grows with the history."""
    topics = list(Topic.objects.all()[:3])
    jobcenter = RegularService.objects.get(name="Jobcenter")
    household = HouseholdFactory(landkreis=world.landkreis)
    world.client.household = household
    world.client.save()
    partner = ClientFactory(
        household=household,
        municipality=world.town,
        manager=world.owner,
        last_name="Haddad",
        assignment_date=world.client.assignment_date,
    )
    refresh_window(partner)
    partner.save()
    for day in range(25, 100):
        log_consultation(
            world.owner,
            ConsultationInput(
                clients=[world.client, partner],
                date=days_ago(day + 1),
                duration_minutes=45,
                topics=topics,
                # More than the demo's share (notes 30 %, referrals about a quarter).
                referrals=[ReferralInput(service=jobcenter, note="Termin vereinbart")]
                if day % 3 == 0
                else [],
                note="Antrag auf Leistungen besprochen, Unterlagen nachgereicht. " * 2
                if day % 2 == 0
                else "",
            ),
        )
    client.force_login(world.owner)
    with CaptureQueriesContext(connection) as first:
        response = client.get(detail_url(world))
    queries = len(first.captured_queries)  # read now: the query log is a bounded deque

    assert response.status_code == 200
    content = response.content.decode()
    assert "Kontakte 1–20 von 100" in content
    assert len(shown_contacts(content)) == PER_PAGE
    assert len(response.content) < 60_000
    # The full history stays reachable: the last page holds the oldest contacts.
    last = client.get(detail_url(world, "?kontakte=5"))
    assert "Kontakte 81–100 von 100" in last.content.decode()
    assert len(last.content) < 60_000
    assert queries < 40
    # the contact form's topics, services and household members: plain queries, no
    # server-side cursor (three round trips) per select
    assert not [q["sql"] for q in first.captured_queries if "DECLARE" in q["sql"]]
    with django_assert_max_num_queries(queries):
        client.get(detail_url(world, "?kontakte=3"))


# --- the actions at the top ------------------------------------------------------------------


def test_actions_and_case_panel_come_before_the_timeline(client, world):
    content = page_of(client, world)

    actions = content.index('aria-label="Aktionen zu dieser Person"')
    timeline = content.index('id="kontakte"')
    assert actions < content.index('id="fall"') < timeline
    assert actions < content.index('id="einwilligungen"') < timeline
    header = content[actions : content.index("</nav>", actions)]
    for label in ["Kontakt erfassen", "Verlängerung", "Umzug", "Ausleitung", "Einwilligungen"]:
        assert label in header


def test_kontakt_erfassen_link_opens_the_form_without_javascript(client, world):
    closed = page_of(client, world)
    opened = page_of(client, world, "?erfassen=1")

    assert f'href="{detail_url(world)}?erfassen=1#kontakt-erfassen"' in closed
    assert '<details class="card" id="kontakt-erfassen">' in closed
    assert '<details class="card" id="kontakt-erfassen" open>' in opened


def test_team_lead_of_the_region_gets_the_same_actions(client, world):
    client.force_login(world.colleague)
    content = client.get(detail_url(world)).content.decode()

    header = content[content.index('aria-label="Aktionen zu dieser Person"') :]
    assert "Kontakt erfassen" in header[: header.index("</nav>")]


def actions_row(content: str) -> str:
    start = content.index('aria-label="Aktionen zu dieser Person"')
    return content[start : content.index("</nav>", start)]


def test_plans_add_a_jump_to_the_plan_to_the_actions(client, world):
    row = actions_row(page_of(client, world))

    assert 'href="#integrationsplan"' in row
    assert 'id="integrationsplan"' in page_of(client, world)


def test_an_action_registered_by_an_app_shows_in_the_row_of_actions(client, world, monkeypatch):
    monkeypatch.setattr(client_page, "ACTIONS", dict(client_page.ACTIONS))

    @client_page.client_page_action(order=50)
    def extra(user, shown, today):
        return client_page.ClientPageAction(f"Zusatz zu {shown.last_name}", "/zusatz/")

    @client_page.client_page_action(order=60)
    def nothing_here(user, shown, today):
        return None

    row = actions_row(page_of(client, world))

    assert row.index("#integrationsplan") < row.index('href="/zusatz/">Zusatz zu Haddad')


# --- stacked tables ---------------------------------------------------------------------------


class _StackedCells(HTMLParser):
    """Collects the body cells of tables with class table-stack and whether they are labelled."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside a table-stack table
        self.in_body = False
        self.cells: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            if self.depth or "table-stack" in (attributes.get("class") or "").split():
                self.depth += 1
        elif self.depth == 1 and tag == "tbody":
            self.in_body = True
        elif self.depth == 1 and self.in_body and tag == "td":
            self.cells.append((tag, "data-label" in attributes or "colspan" in attributes))

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag == "tbody":
            self.in_body = False


def stacked_cells(content: str) -> list[tuple[str, bool]]:
    parser = _StackedCells()
    parser.feed(content)
    return parser.cells


@pytest.mark.parametrize("url_name", ["clients:list", "clients:caseload", "home"])
def test_every_cell_of_a_stacked_table_has_its_column_label(client, world, url_name):
    client.force_login(world.owner)
    content = client.get(reverse(url_name)).content.decode()

    cells = stacked_cells(content)
    assert all(labelled for _, labelled in cells)


def test_client_page_tables_stack_with_labels(client, world):
    content = page_of(client, world)

    cells = stacked_cells(content)
    assert cells, "the referrals of the contacts are a stacked table"
    assert all(labelled for _, labelled in cells)
