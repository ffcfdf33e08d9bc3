"""Steps 1–4: the office draws and sends the lists, the municipality strikes persons (with a
reason), adds children born since and returns its list; the office sees which lists are back
or late and can reopen one. Names are visible to that municipality and the office only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Move
from funding import services
from funding.computation import person_counts
from funding.models import ListEntry, PersonList
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError
from tests.factories import ClientFactory
from tests.test_funding_support import http, make_funding, persona

PERIOD = (dt.date(2020, 1, 1), dt.date(2022, 12, 31))


@pytest.fixture
def funding(world):
    return make_funding(world)


@pytest.fixture
def sent(world, funding, django_capture_on_commit_callbacks):
    """Lists drawn and sent; returns Altstadt's list."""
    services.generate_lists(world.office, funding.year)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_lists(world.office, funding.year, "https://imcase.example/")
    return PersonList.objects.get(funding_year=funding.year, municipality=world.town)


def entry(person_list: PersonList, first_name: str) -> ListEntry:
    return person_list.entries.get(first_name=first_name)


def list_url(person_list: PersonList, name: str = "list", *args) -> str:
    return reverse(f"funding:{name}", args=[person_list.code, *args])


# --- step 1: drawing the lists ------------------------------------------------------------


def test_lists_hold_the_persons_assigned_in_the_period_by_current_municipality(world, funding):
    result = services.generate_lists(world.office, funding.year)

    assert (result.created, result.persons) == (2, 5)
    town = PersonList.objects.get(funding_year=funding.year, municipality=world.town)
    assert sorted(town.entries.values_list("first_name", flat=True)) == ["Abdi", "Rania", "Yusuf"]
    other = PersonList.objects.get(funding_year=funding.year, municipality=world.other_town)
    assert sorted(other.entries.values_list("last_name", flat=True)) == ["Bondar", "Kovalenko"]
    assert town.status == PersonList.Status.DRAFT


def _move(world, client, to, moved_on: dt.date) -> None:
    """A dated move as ``clients.services.record_move`` stores it (the person lives in ``to``
    now)."""
    Move.objects.create(
        client=client,
        moved_on=moved_on,
        from_municipality_id=client.municipality_id,
        to_municipality=to,
        recorded_by=world.office,
    )
    client.municipality = to
    client.save()


def _listed(funding) -> dict[str, list[str]]:
    return {
        person_list.municipality.name: sorted(
            person_list.entries.values_list("first_name", flat=True)
        )
        for person_list in PersonList.objects.filter(funding_year=funding.year)
    }


def test_persons_are_listed_where_they_lived_on_the_stichtag(world, funding):
    """Stichtag 31.12.2022: Yusuf moved to Neustadt after it (stays on Altstadt's list), Rania
    moved on the Stichtag itself and Abdi before it (both on Neustadt's list)."""
    yusuf, rania, abdi = funding.town_persons
    _move(world, yusuf, world.other_town, dt.date(2023, 1, 1))
    _move(world, rania, world.other_town, dt.date(2022, 12, 31))
    _move(world, abdi, world.other_town, dt.date(2022, 6, 1))

    services.generate_lists(world.office, funding.year)

    listed = _listed(funding)
    assert listed["Altstadt"] == ["Yusuf"]
    assert listed["Neustadt"] == ["Abdi", "Amina", "Amina", "Rania"]
    counts = {row.name: row.persons for row in person_counts(world.landkreis, *PERIOD)}
    assert counts == {"Altstadt": 1, "Neustadt": 4}


def test_a_move_back_and_forth_after_the_stichtag_keeps_the_first_municipality(world, funding):
    yusuf = funding.town_persons[0]
    _move(world, yusuf, world.other_town, dt.date(2023, 2, 1))
    _move(world, yusuf, world.town, dt.date(2023, 5, 1))
    _move(world, yusuf, world.other_town, dt.date(2024, 5, 1))

    services.generate_lists(world.office, funding.year)

    assert "Yusuf" in _listed(funding)["Altstadt"]
    assert "Yusuf" not in _listed(funding)["Neustadt"]


def test_the_stichtag_of_the_year_decides_not_the_end_of_the_period(world, funding):
    funding.year.reference_date = dt.date(2023, 1, 31)
    funding.year.save()
    yusuf = funding.town_persons[0]
    _move(world, yusuf, world.other_town, dt.date(2023, 1, 15))

    services.generate_lists(world.office, funding.year)

    assert "Yusuf" in _listed(funding)["Neustadt"]
    counts = {
        row.name: row.persons
        for row in person_counts(world.landkreis, *PERIOD, stichtag=dt.date(2022, 12, 31))
    }
    assert counts == {"Altstadt": 3, "Neustadt": 2}


def test_a_list_row_is_a_snapshot_that_later_client_changes_do_not_alter(world, funding):
    services.generate_lists(world.office, funding.year)
    yusuf = funding.town_persons[0]
    yusuf.last_name = "Umbenannt"
    yusuf.save()
    yusuf.delete()

    row = PersonList.objects.get(municipality=world.town).entries.get(first_name="Yusuf")
    assert (row.last_name, row.birth_date, row.aktenzeichen) == (
        "Haddad",
        dt.date(1985, 4, 2),
        yusuf.aktenzeichen,
    )
    assert row.assignment_date == dt.date(2020, 1, 1)
    assert row.client is None


def test_drawing_again_refreshes_unsent_lists_but_keeps_sent_ones(world, funding, sent):
    sent_entries = sent.entries.count()
    ClientFactory(municipality=world.town, assignment_date=dt.date(2021, 1, 1))

    result = services.generate_lists(world.office, funding.year)

    assert (result.created, result.refreshed, result.kept) == (0, 0, 2)
    assert sent.entries.count() == sent_entries


def test_only_the_office_draws_lists(world, funding):
    with pytest.raises(ServiceError, match="Koordinierungsstelle"):
        services.generate_lists(world.municipality_user, funding.year)


# --- step 2: sending ------------------------------------------------------------------------


def test_sending_tells_each_municipality_user_by_e_mail_with_a_link(
    world, funding, sent, mailoutbox
):
    assert sent.status == PersonList.Status.SENT
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == [world.municipality_user.email, funding.other_user.email]
    mail = next(m for m in mailoutbox if world.municipality_user.email in m.to)
    assert "Personenliste Altstadt" in mail.subject
    assert "15.01.2024" in mail.subject
    assert f"https://imcase.example/foerderung/listen/{sent.code}/" in mail.body
    assert "3 Personen" in mail.body


def test_sending_twice_is_refused_in_german(world, funding, sent):
    with pytest.raises(ServiceError, match="keine neuen Listen"):
        services.send_lists(world.office, funding.year, "https://imcase.example/")


def test_the_office_draws_and_sends_through_the_year_page(world, funding, mailoutbox):
    office = http(world.office)
    response = office.post(reverse("funding:lists_generate", args=[2025]))
    assert response.status_code == 302
    sent_page = office.post(reverse("funding:lists_send", args=[2025]), follow=True)
    assert "2 Listen wurden versandt" in sent_page.content.decode()
    assert PersonList.objects.filter(status=PersonList.Status.SENT).count() == 2


# --- step 3: the municipality corrects its list -------------------------------------------


def test_municipality_user_sees_his_list_with_names_once_it_was_sent(world, funding):
    services.generate_lists(world.office, funding.year)
    draft = PersonList.objects.get(municipality=world.town)
    assert http(world.municipality_user).get(list_url(draft)).status_code == 404

    services.send_lists(world.office, funding.year, "https://imcase.example/")
    response = http(world.municipality_user).get(list_url(draft))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Haddad, Yusuf" in html
    assert "Es zählen 3 Personen" in html


def test_striking_a_person_needs_a_reason_and_stops_counting_him(world, sent):
    user = http(world.municipality_user)
    yusuf = entry(sent, "Yusuf")
    url = list_url(sent, "strike", yusuf.pk)

    refused = user.post(url, {"version": sent.version, "reason": "", "note": "Umzug nach Ulm"})
    assert refused.status_code == 400
    assert "Bitte wählen Sie einen Grund" in refused.content.decode()
    assert "Umzug nach Ulm" in refused.content.decode()

    done = user.post(url, {"version": sent.version, "reason": "weggezogen", "note": "Ulm"})
    assert done.status_code == 302
    yusuf.refresh_from_db()
    assert yusuf.struck and yusuf.strike_reason_text == "weggezogen: Ulm"
    page = user.get(list_url(sent)).content.decode()
    assert "Es zählen 2 Personen" in page
    assert "gestrichen: weggezogen: Ulm" in page


def test_another_reason_must_be_explained(world, sent):
    with pytest.raises(ServiceError, match="erläutern"):
        services.strike_entry(
            world.municipality_user, sent, entry(sent, "Abdi").pk, "sonstiges", " ", sent.version
        )


def test_a_stale_form_is_refused_and_changes_nothing(world, sent):
    user = http(world.municipality_user)
    old_version = sent.version
    services.strike_entry(
        world.municipality_user, sent, entry(sent, "Abdi").pk, "verstorben", "", old_version
    )

    response = user.post(
        list_url(sent, "strike", entry(sent, "Yusuf").pk),
        {"version": old_version, "reason": "weggezogen", "note": ""},
    )

    assert response.status_code == 400
    assert "von jemand anderem geändert" in response.content.decode()
    assert not entry(sent, "Yusuf").struck


def test_a_strike_can_be_taken_back(world, sent):
    abdi = entry(sent, "Abdi")
    services.strike_entry(world.municipality_user, sent, abdi.pk, "verstorben", "", sent.version)
    sent.refresh_from_db()

    response = http(world.municipality_user).post(
        list_url(sent, "unstrike", abdi.pk), {"version": sent.version}
    )

    assert response.status_code == 302
    abdi.refresh_from_db()
    assert not abdi.struck and abdi.strike_reason == ""


def test_municipality_adds_a_child_born_since_with_a_parent_from_the_list(world, sent):
    rania = entry(sent, "Rania")
    yusuf = entry(sent, "Yusuf")
    data = {
        "version": sent.version,
        "parent": yusuf.pk,
        "last_name": "Haddad",
        "first_name": "Lina",
        "birth_date": "2021-08-09",
    }

    response = http(world.municipality_user).post(list_url(sent, "child_add"), data)

    assert response.status_code == 302
    lina = entry(sent, "Lina")
    assert lina.kind == ListEntry.Kind.CHILD and lina.parent == yusuf
    assert sent.entries.filter(struck=False).count() == 4
    assert rania.parent is None


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("2023-01-01", "nach dem Stichtag 31.12.2022"),
        ("2019-05-05", "nach der Zuweisung des Elternteils"),
    ],
)
def test_a_child_born_outside_the_window_is_refused_with_the_input_kept(
    world, sent, birth_date, message
):
    data = {
        "version": sent.version,
        "parent": entry(sent, "Abdi").pk,
        "last_name": "Osman",
        "first_name": "Hodan",
        "birth_date": birth_date,
    }
    response = http(world.municipality_user).post(list_url(sent, "child_add"), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Hodan"' in html
    assert not sent.entries.filter(first_name="Hodan").exists()


def test_a_parent_from_another_list_is_not_accepted(world, funding, sent):
    other_list = PersonList.objects.get(municipality=world.other_town)
    stranger = other_list.entries.first()
    data = {
        "version": sent.version,
        "parent": stranger.pk,
        "last_name": "X",
        "first_name": "Y",
        "birth_date": "2022-01-01",
    }
    response = http(world.municipality_user).post(list_url(sent, "child_add"), data)
    assert response.status_code == 400
    assert "Elternteil, der auf der Liste steht" in response.content.decode()


def test_an_added_child_can_be_removed_but_assigned_persons_only_struck(world, sent):
    child = services.add_child(
        world.municipality_user,
        sent,
        entry(sent, "Abdi").pk,
        "Osman",
        "Hodan",
        dt.date(2022, 2, 2),
        sent.version,
    )
    sent.refresh_from_db()
    with pytest.raises(ServiceError, match="mit Grund gestrichen"):
        services.remove_child(world.municipality_user, sent, entry(sent, "Abdi").pk, sent.version)

    response = http(world.municipality_user).post(
        list_url(sent, "child_remove", child.pk), {"version": sent.version}
    )

    assert response.status_code == 302
    assert not ListEntry.objects.filter(pk=child.pk).exists()


# --- step 4: returning, late lists, reopening ------------------------------------------------


def test_submitted_list_is_read_only_for_the_municipality(world, sent):
    user = http(world.municipality_user)
    response = user.post(list_url(sent, "submit"), {"version": sent.version})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == PersonList.Status.SUBMITTED
    assert sent.submitted_by == world.municipality_user

    with pytest.raises(ServiceError, match="bereits zurückgemeldet"):
        services.strike_entry(
            world.municipality_user, sent, entry(sent, "Abdi").pk, "verstorben", "", sent.version
        )
    assert "Liste zurückmelden" not in user.get(list_url(sent)).content.decode()


@pytest.mark.today
def test_office_sees_which_lists_are_back_and_which_are_late(world, funding, sent):
    services.submit_list(world.municipality_user, sent, sent.version)
    funding.year.list_deadline = timezone.localdate() - dt.timedelta(days=1)
    funding.year.save()

    html = http(world.office).get(reverse("funding:year", args=[2025])).content.decode()

    assert "0 nicht versandt · 1 in Prüfung (davon 1 überfällig) · 1 zurückgemeldet" in html
    assert "überfällig" in html
    other = PersonList.objects.get(municipality=world.other_town)
    assert other.is_late(timezone.localdate())
    sent.refresh_from_db()
    assert not sent.is_late(timezone.localdate())


def test_office_reopens_a_returned_list_and_the_municipality_is_told(
    world, sent, mailoutbox, django_capture_on_commit_callbacks
):
    services.submit_list(world.municipality_user, sent, sent.version)
    sent.refresh_from_db()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = http(world.office).post(list_url(sent, "reopen"), {"version": sent.version})

    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == PersonList.Status.SENT and sent.reopened_at is not None
    assert [m.to for m in mailoutbox] == [[world.municipality_user.email]]
    assert "wieder zur Korrektur geöffnet" in mailoutbox[0].subject


def test_office_reads_a_list_but_cannot_change_it(world, sent):
    office = http(world.office)
    assert "Haddad, Yusuf" in office.get(list_url(sent)).content.decode()
    response = office.post(
        list_url(sent, "strike", entry(sent, "Yusuf").pk),
        {"version": sent.version, "reason": "weggezogen"},
    )
    assert response.status_code == 404


def test_viewing_a_list_is_written_to_the_audit_log(world, sent):
    http(world.municipality_user).get(list_url(sent))
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW, object_id=str(sent.code), actor=world.municipality_user
    ).exists()


# --- scoping: names only for that municipality and the office ---------------------------------

LIST_VIEWS = [
    ("get", "list", False),
    ("get", "strike", True),
    ("post", "strike", True),
    ("post", "unstrike", True),
    ("post", "child_add", False),
    ("post", "child_remove", True),
    ("post", "submit", False),
    ("post", "reopen", False),
]
OUTSIDERS = ["other_municipality", "other_office", "owner", "colleague", "outsider", "rp_user"]


@pytest.mark.parametrize("who", [*OUTSIDERS, "admin"])
@pytest.mark.parametrize(("method", "name", "with_entry"), LIST_VIEWS)
def test_every_list_view_is_a_404_outside_the_municipality_and_its_office(
    world, funding, sent, who, method, name, with_entry
):
    user = persona(world, funding, who)
    args = [entry(sent, "Yusuf").pk] if with_entry else []
    url = list_url(sent, name, *args)
    response = getattr(http(user), method)(url, {"version": sent.version, "reason": "verstorben"})

    assert response.status_code == 404
    assert not sent.entries.filter(struck=True).exists()
    assert "Haddad" not in response.content.decode()


# --- a long list: pages and search (issue 14: 6,442 persons on one page took a second) -------


def add_persons(person_list: PersonList, count: int) -> None:
    ListEntry.objects.bulk_create(
        ListEntry(
            person_list=person_list,
            last_name=f"Muster{number:03d}",
            first_name="Sami",
            birth_date=dt.date(1990, 1, 1),
            aktenzeichen=f"LANG-{number:03d}",
            assignment_date=dt.date(2021, 3, 1),
            arrival_kind="zuweisung",
        )
        for number in range(count)
    )


def shown_entries(html: str) -> int:
    return html.count('<tr id="eintrag-')


def test_a_long_list_shows_fifty_persons_a_page_and_every_page_is_a_link_away(world, sent):
    add_persons(sent, 120)
    user = http(world.municipality_user)

    first = user.get(list_url(sent)).content.decode()
    last = user.get(list_url(sent) + "?seite=3").content.decode()

    assert shown_entries(first) == 50
    assert "123 Personen auf der Liste, angezeigt 1–50" in first
    assert "Seite 1 von 3" in first and "?seite=2" in first
    assert shown_entries(last) == 23
    # The totals are the whole list's, not the page's.
    assert "Es zählen 123 Personen" in first and "Es zählen 123 Personen" in last


def test_the_list_finds_persons_by_name_or_aktenzeichen(world, sent):
    add_persons(sent, 60)
    user = http(world.municipality_user)

    by_name = user.get(list_url(sent), {"suche": "haddad yusuf"}).content.decode()
    by_aktenzeichen = user.get(list_url(sent), {"suche": "LANG-007"}).content.decode()
    nobody = user.get(list_url(sent), {"suche": "Niemand"}).content.decode()

    assert shown_entries(by_name) == 1 and "Haddad, Yusuf" in by_name
    assert "1 Treffer für „haddad yusuf“" in by_name
    assert shown_entries(by_aktenzeichen) == 1 and "Muster007, Sami" in by_aktenzeichen
    assert shown_entries(nobody) == 0 and "Niemand auf der Liste passt zur Suche." in nobody


def test_a_list_page_costs_the_same_queries_for_three_persons_and_for_three_hundred(
    world, sent, django_assert_max_num_queries
):
    user = http(world.municipality_user)
    user.get(list_url(sent))  # the session and the first request's one-offs
    with CaptureQueriesContext(connection) as short:
        assert user.get(list_url(sent)).status_code == 200
    add_persons(sent, 300)

    with django_assert_max_num_queries(len(short.captured_queries)):
        assert shown_entries(user.get(list_url(sent)).content.decode()) == 50
    with django_assert_max_num_queries(len(short.captured_queries)):
        user.get(list_url(sent), {"suche": "Muster", "seite": "4"})


def test_the_list_stacks_on_a_phone_with_every_cell_labelled(world, sent):
    html = http(world.municipality_user).get(list_url(sent)).content.decode()

    assert 'class="table table-sm table-striped align-middle table-stack"' in html
    cells = re.findall(r"<td( [^>]*)?>", html.split("<tbody>", 1)[1].split("</tbody>", 1)[0])
    assert cells and all("data-label=" in attributes for attributes in cells)


def test_striking_on_a_later_page_returns_to_that_page_and_search(world, sent):
    add_persons(sent, 60)
    user = http(world.municipality_user)
    person = entry(sent, "Yusuf")
    page = user.get(list_url(sent), {"suche": "Yusuf", "seite": "1"}).content.decode()
    strike_url = list_url(sent, "strike", person.pk) + "?suche=Yusuf&seite=1"
    assert strike_url.replace("&", "&amp;") in page

    response = user.post(strike_url, {"version": sent.version, "reason": "verstorben"})

    assert response.status_code == 302
    assert response.url == list_url(sent) + "?suche=Yusuf&seite=1"


def test_the_child_form_offers_the_parents_shown_and_accepts_one_from_another_page(world, sent):
    add_persons(sent, 60)
    user = http(world.municipality_user)

    html = user.get(list_url(sent), {"suche": "Abdi"}).content.decode()
    parent_select = html.split('name="parent"', 1)[1].split("</select>", 1)[0]
    assert parent_select.count("<option") == 2  # "bitte wählen" and Abdi
    far_away = sent.entries.get(aktenzeichen="LANG-059")
    response = user.post(
        list_url(sent, "child_add"),
        {
            "version": sent.version,
            "parent": far_away.pk,
            "last_name": "Muster059",
            "first_name": "Lina",
            "birth_date": "2022-08-09",
        },
    )
    assert response.status_code == 302
    assert entry(sent, "Lina").parent == far_away


def test_a_search_on_a_foreign_list_is_a_404(world, funding, sent):
    user = persona(world, funding, "other_municipality")

    response = http(user).get(list_url(sent), {"suche": "Haddad"})

    assert response.status_code == 404
    assert "Haddad" not in response.content.decode()
