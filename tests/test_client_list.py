"""Client list (search, filters, sorting, paging) and the caseload "Meine Fälle – fällig"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.models.client import ResidenceStatus
from clients.search import filter_clients, name_skeleton, search_by_skeleton, search_clients
from clients.services import refresh_window, request_extension
from clients.window import WindowStatus, add_years
from imcase.organisation.models import ProviderArea, Role
from tests.factories import (
    ClientFactory,
    ConsultationFactory,
    MunicipalityFactory,
    StaffMemberFactory,
    TeamFactory,
    UserFactory,
)

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = pytest.mark.today

TODAY = dt.date(2026, 6, 15)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram search needs PostgreSQL"
)


def names(clients) -> list[str]:
    return [client.last_name for client in clients]


def assigned_for_window_end(window_end: dt.date) -> dt.date:
    """The assignment date whose three-year window ends on ``window_end``."""
    return add_years(window_end, -3)


# --- search --------------------------------------------------------------------------------


@pytest.fixture
def people(world):
    for first, last in [
        ("Mohammed", "Al-Hassan"),
        ("Abdul Rahman", "Darwish"),
        ("Youssef", "Haidar"),
        ("Olena", "Kovalenko"),
        ("Fatima", "Hussein"),
    ]:
        ClientFactory(
            municipality=world.town, manager=world.owner, first_name=first, last_name=last
        )
    return Client.objects.visible_to(world.owner)


@on_postgresql
@pytest.mark.parametrize(
    "text,found",
    [
        ("Mohamad Alhasan", "Al-Hassan"),
        ("alhassan mohamed", "Al-Hassan"),
        ("Abdulrahman", "Darwish"),
        ("Yusuf", "Haidar"),
        ("Jussuf Haydar", "Haidar"),
        ("Kowalenko", "Kovalenko"),
    ],
)
def test_search_tolerates_transliteration_variants(people, text, found):
    assert names(search_clients(people, text)) == [found]


@on_postgresql
@pytest.mark.parametrize("text", ["Schmidt", "Mohamad Schmidt", "Ahmadi"])
def test_search_does_not_find_unrelated_names(people, text):
    assert names(search_clients(people, text)) == []


@on_postgresql
def test_search_ranks_the_spelling_typed_first(world, people):
    ClientFactory(municipality=world.town, first_name="Amina", last_name="Hassan")
    assert names(search_clients(people, "Hassan"))[0] == "Hassan"


@on_postgresql
def test_search_narrows_by_the_trigram_index_operator_with_the_lower_threshold(people):
    sql = str(search_clients(people, "Mohamad Alhasan").query)
    assert sql.count("%>") == 8  # two words, four name columns each: what the GIN indexes answer
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert float(cursor.fetchone()[0]) == 0.5


@on_postgresql
def test_the_planner_knows_the_trigram_operator_is_expensive(db):
    """Migration clients 0012: with pg_trgm's cost of 1 the planner scans the whole table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT procost FROM pg_proc WHERE proname = 'word_similarity_commutator_op'"
        )
        assert cursor.fetchone()[0] == 100


@on_postgresql
def test_new_names_go_into_the_trigram_indexes_at_once(world):
    """Migration clients 0018: the four indexes keep no pending list (which every search read
    in full until the next VACUUM): a new client's names are in the index tree right away."""
    ClientFactory.create_batch(3, municipality=world.town, first_name="Mohammed")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_am a ON a.oid = c.relam"
            " WHERE a.amname = 'gin' AND c.relname LIKE 'clients_client_%%_trgm'"
        )
        options = dict(cursor.fetchall())
        assert sorted(options) == [
            "clients_client_first_name_trgm",
            "clients_client_first_skeleton_trgm",
            "clients_client_last_name_trgm",
            "clients_client_last_skeleton_trgm",
        ]
        assert all(found == ["fastupdate=off"] for found in options.values()), options
        # nothing to merge: with a pending list the three new clients would be waiting there
        for name in options:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
            assert cursor.fetchone()[0] == 0, name


SPELLINGS = [
    ("Mohammed", "Al-Hassan"),
    ("Muhammad", "Alhasan"),
    ("Mohamad", "Hassan"),
    ("Mahmoud", "Hasani"),
    ("Youssef", "Haidar"),
    ("Yusuf", "Haydar"),
    ("Jussuf", "Hyder"),
    ("Josef", "Hayder"),
    ("Abdul Rahman", "Darwish"),
    ("Abdulrahman", "Darvish"),
    ("Fatima", "Hussein"),
    ("Fatma", "Husain"),
    ("Olena", "Kovalenko"),
    ("Olga", "Kowalski"),
    ("Amina", "Haddad"),
    ("Amin", "Hadad"),
    ("Ali", "Ahmadi"),
    ("Alaa", "Ahmad"),
    ("Anna", "Schmidt"),
]


@on_postgresql
@pytest.mark.parametrize(
    "text",
    [
        "Mohamad",
        "Hassan Mohammed",
        "Yusuf",
        "Haidar",
        "Abdulrahman",
        "Hussain",
        "Ahmad",
        # Found only by the typed similarity between 0.5 and 0.7 (skeleton below 0.75): these
        # fail if the index narrowing used pg_trgm's default threshold (0.6) or a higher one.
        "Mohamat",
        "Darwisch",
        "Schmitt",
        "Kovalchuk",
    ],
)
def test_index_narrowing_finds_exactly_what_ranking_every_client_finds(world, text):
    """The same hits as the thresholds applied to every visible client (the search before the
    index narrowing), computed here with word_similarity() on every row."""
    from django.contrib.postgres.search import TrigramWordSimilarity

    from clients.search import NAME_THRESHOLD, SKELETON_THRESHOLD, _search_words

    for first, last in SPELLINGS:
        ClientFactory(
            municipality=world.town, manager=world.owner, first_name=first, last_name=last
        )
    visible = Client.objects.visible_to(world.owner)
    expected = set(visible.values_list("pk", flat=True))
    for word in _search_words(text):
        skeleton = name_skeleton(word)
        rows = visible.annotate(
            t1=TrigramWordSimilarity(word, "first_name"),
            t2=TrigramWordSimilarity(word, "last_name"),
            s1=TrigramWordSimilarity(skeleton, "first_name_skeleton"),
            s2=TrigramWordSimilarity(skeleton, "last_name_skeleton"),
        ).values_list("pk", "t1", "t2", "s1", "s2")
        expected &= {
            pk
            for pk, t1, t2, s1, s2 in rows
            if max(t1, t2) >= NAME_THRESHOLD
            or (len(skeleton) >= 3 and max(s1, s2) >= SKELETON_THRESHOLD)
        }
    found = set(search_clients(visible, text).values_list("pk", flat=True))
    assert found == expected
    assert found, f"the data set should contain matches for {text!r}"


# The search of the SQLite demo run (``search_by_skeleton``): plain ORM lookups on the stored
# skeletons, so it runs here on PostgreSQL as well (the demo test runs it on SQLite).
@pytest.mark.parametrize(
    "text,found",
    [
        ("Jussuf", "Haidar"),
        ("Yusuf", "Haidar"),
        ("youssef", "Haidar"),
        ("Haydar, Jussuf", "Haidar"),
        ("Muhammad", "Al-Hassan"),
        ("Mohamad Alhasan", "Al-Hassan"),
        ("Al-Hassan, Mohammed", "Al-Hassan"),
        ("Hassan Mohamed", "Al-Hassan"),
        ("Abdulrahman", "Darwish"),
        ("Rahman Darwish", "Darwish"),
        ("Kowalenko", "Kovalenko"),
        ("Kovalenko, Olena", "Kovalenko"),
    ],
)
def test_skeleton_search_finds_transliteration_variants(people, text, found):
    assert names(search_by_skeleton(people, text)) == [found]


@pytest.mark.parametrize("text", ["Schmidt", "Mohamad Schmidt", "Ahmadi", "Yusufzai"])
def test_skeleton_search_does_not_find_unrelated_names(people, text):
    assert names(search_by_skeleton(people, text)) == []


def test_skeleton_search_ranks_the_equal_skeleton_first_and_finds_aktenzeichen(world, people):
    ClientFactory(
        municipality=world.town, manager=world.owner, first_name="Yusufzai", last_name="Karimi"
    )
    assert names(search_by_skeleton(people, "Jussuf")) == ["Haidar", "Karimi"]
    assert names(search_by_skeleton(people, world.client.aktenzeichen.lower())) == ["Haddad"]
    assert search_by_skeleton(people, " ").count() == people.count()


def test_clients_saved_in_python_carry_their_skeletons(world):
    client = ClientFactory(municipality=world.town, first_name="Jussuf", last_name="Al-Hassan")
    client.refresh_from_db()
    assert (client.first_name_skeleton, client.last_name_skeleton) == ("ysf", "lhsn")
    client.first_name = "Muhammad"
    client.save(update_fields=["first_name"])
    client.refresh_from_db()
    assert client.first_name_skeleton == "mhmd"


def test_search_finds_exact_aktenzeichen(world, people):
    assert names(search_clients(people, world.client.aktenzeichen.lower())) == ["Haddad"]


def test_search_with_empty_text_changes_nothing(people):
    assert search_clients(people, "  ").count() == people.count()


def test_list_search_shows_the_match_and_hides_others(world, client, people):
    client.force_login(world.owner)
    response = client.get(reverse("clients:list"), {"suche": "Kovalenko"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Kovalenko" in content
    assert "Haddad" not in content


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def spread(world):
    """Clients of the owner's provider that differ in exactly one filterable property."""
    south = MunicipalityFactory(landkreis=world.landkreis, name="Südheim", ags="08999005")
    ProviderArea.objects.create(
        provider=world.provider, municipality=south, valid_from=dt.date(2020, 1, 1)
    )
    team_south = TeamFactory(provider=world.provider, name="Team Süd")
    team_south.municipalities.add(south)
    second_manager = UserFactory(username="zweite", first_name="Zweite")
    StaffMemberFactory(user=second_manager, role=Role.MANAGER, provider=world.provider)
    ClientFactory(municipality=south, manager=second_manager, last_name="Sued")
    ClientFactory(
        municipality=world.town,
        manager=world.owner,
        last_name="Endetbald",
        assignment_date=assigned_for_window_end(TODAY + dt.timedelta(days=30)),
    )
    ClientFactory(
        municipality=world.town,
        manager=world.owner,
        last_name="Duldung",
        residence_status=ResidenceStatus.DULDUNG,
    )
    closed = ClientFactory(municipality=world.town, manager=world.owner, last_name="Zu")
    Client.objects.filter(pk=closed.pk).update(status=Client.Status.CLOSED)
    return {"south": south, "team_south": team_south, "second_manager": second_manager}


def filtered(user, **params) -> set[str]:
    clients, form = filter_clients(user, params, TODAY)
    assert form.is_valid(), form.errors
    return set(names(clients))


def test_filter_by_municipality(world, spread):
    assert filtered(world.owner, gemeinde=str(spread["south"].pk)) == {"Sued"}


def test_filter_by_manager(world, spread):
    assert filtered(world.owner, zustaendig=str(spread["second_manager"].pk)) == {"Sued"}


def test_filter_by_team_region(world, spread):
    assert filtered(world.owner, team=str(spread["team_south"].pk)) == {"Sued"}
    assert "Sued" not in filtered(world.owner, team=str(world.team.pk))


def test_filter_by_window_status(world, spread):
    assert filtered(world.owner, zeitraum=WindowStatus.ENDS_SOON) == {"Endetbald"}


def test_filter_by_residence_status(world, spread):
    assert filtered(world.owner, aufenthalt=ResidenceStatus.DULDUNG) == {"Duldung"}


def test_filter_by_case_status(world, spread):
    assert filtered(world.owner, fallstatus=Client.Status.CLOSED) == {"Zu"}
    assert "Zu" not in filtered(world.owner, fallstatus=Client.Status.OPEN)


def test_filters_combine(world, spread):
    assert filtered(world.owner, gemeinde=str(world.town.pk), aufenthalt="duldung") == {"Duldung"}


def test_sorting_by_window_end_descending(world, spread):
    clients, _ = filter_clients(world.owner, {"sortierung": "-beratungsende"}, TODAY)
    ends = [c.window_end for c in clients]
    assert ends == sorted(ends, reverse=True)


def test_unknown_sorting_is_refused_not_executed(world, spread):
    clients, form = filter_clients(world.owner, {"sortierung": "birth_date; DROP"}, TODAY)
    assert not form.is_valid()
    assert "sortierung" in form.errors
    assert list(clients) == []


def test_filter_choices_offer_only_the_users_scope(world, spread):
    _, form = filter_clients(world.owner, {}, TODAY)
    assert set(form.fields["gemeinde"].queryset) == {world.town, spread["south"]}
    assert world.outsider not in form.fields["zustaendig"].queryset
    assert world.owner in form.fields["zustaendig"].queryset
    assert world.colleague in form.fields["zustaendig"].queryset
    assert world.office not in form.fields["zustaendig"].queryset


# --- access --------------------------------------------------------------------------------


def test_outsiders_list_does_not_contain_the_foreign_client(world, client):
    client.force_login(world.outsider)
    content = client.get(reverse("clients:list")).content.decode()
    assert "Petrenko" in content
    assert "Haddad" not in content


def test_filter_for_a_foreign_municipality_leaks_nothing(world, client):
    client.force_login(world.owner)
    response = client.get(reverse("clients:list"), {"gemeinde": world.other_town.pk})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Bitte prüfen Sie die markierten Filter" in content
    assert "Petrenko" not in content
    assert "Haddad" not in content
    assert list(response.context["page"].object_list) == []


def test_search_for_a_foreign_aktenzeichen_finds_nothing(world, client):
    client.force_login(world.owner)
    response = client.get(reverse("clients:list"), {"suche": world.other_client.aktenzeichen})
    assert "Petrenko" not in response.content.decode()


@pytest.mark.parametrize("persona", ["office", "municipality_user", "rp_user", "admin"])
def test_client_list_is_404_for_roles_without_case_work(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("clients:list")).status_code == 404


@pytest.mark.parametrize("persona", ["owner", "colleague"])
def test_owner_and_team_lead_see_the_client_in_the_list(world, client, persona):
    client.force_login(getattr(world, persona))
    content = client.get(reverse("clients:list")).content.decode()
    assert "Haddad, Amina" in content
    assert world.client.aktenzeichen in content
    assert "Exportieren (XLSX)" in content


# --- page, links, query count ---------------------------------------------------------------


def test_page_links_and_export_link_keep_the_filters(world, client):
    ClientFactory.create_batch(55, municipality=world.town, manager=world.owner)
    client.force_login(world.owner)
    response = client.get(
        reverse("clients:list"), {"fallstatus": "open", "sortierung": "-name", "seite": "1"}
    )
    content = response.content.decode()
    assert "?fallstatus=open&amp;sortierung=-name&amp;seite=2" in content
    assert (
        reverse("exports:start", args=["client_list"]) + "?fallstatus=open&amp;sortierung=-name"
        in content
    )
    second = client.get(
        reverse("clients:list"), {"fallstatus": "open", "sortierung": "-name", "seite": "2"}
    )
    assert len(second.context["page"].object_list) == 6


def test_table_shows_manager_window_and_case_status(world, client):
    ClientFactory(
        municipality=world.town,
        manager=world.owner,
        last_name="Bald",
        assignment_date=assigned_for_window_end(timezone.localdate() + dt.timedelta(days=10)),
    )
    client.force_login(world.owner)
    content = client.get(reverse("clients:list"), {"suche": "Bald"}).content.decode()
    assert "Owner" in content
    assert WindowStatus.ENDS_SOON.label in content
    assert "offen" in content


def test_the_filter_choices_are_read_without_a_server_side_cursor(world, client):
    """Municipalities, colleagues and teams of the filter form: one plain query each, not
    DECLARE/FETCH/CLOSE per select (``imcase.web.forms.ScopedChoiceField``)."""
    client.force_login(world.owner)
    with CaptureQueriesContext(connection) as queries:
        content = client.get(reverse("clients:list")).content.decode()
    assert not [q["sql"] for q in queries if "DECLARE" in q["sql"]]
    # a team's label names its provider: read with the teams, not once per team
    assert not [q for q in queries if q["sql"].startswith('SELECT "organisation_provider"')]
    assert f'<option value="{world.town.pk}">{world.town.name}</option>' in content
    assert f">{world.owner.get_full_name() or world.owner.username}</option>" in content


def test_query_count_does_not_grow_with_the_page(world, client, django_assert_max_num_queries):
    client.force_login(world.owner)
    ClientFactory.create_batch(4, municipality=world.town, manager=world.owner)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("clients:list")).status_code == 200
    ClientFactory.create_batch(55, municipality=world.town, manager=world.owner)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("clients:list"))
    assert len(response.context["page"].object_list) == 50


# --- caseload ------------------------------------------------------------------------------


def section_names(response) -> dict[str, list[str]]:
    return {
        section.key: [row.client.last_name for row in section.rows]
        for section in response.context["sections"]
    }


@pytest.fixture
def due(world):
    today = timezone.localdate()

    def make(last_name, contact_days_ago=5, next_appointment_in=None, **kwargs):
        kwargs.setdefault("municipality", world.town)
        kwargs.setdefault("manager", world.owner)
        made = ClientFactory(last_name=last_name, **kwargs)
        if contact_days_ago is not None:
            appointment = None
            if next_appointment_in is not None:
                day = today + dt.timedelta(days=next_appointment_in)
                appointment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
            ConsultationFactory(
                provider=world.provider,
                client=made,
                date=today - dt.timedelta(days=contact_days_ago),
                recorded_by=world.owner,
                next_appointment=appointment,
            )
        return made

    def window_ending_in(days):
        return assigned_for_window_end(today + dt.timedelta(days=days))

    make("Endetbald", assignment_date=window_ending_in(20))
    make("Abgelaufen", assignment_date=window_ending_in(-3))
    closed = make("Ausgeleitet", assignment_date=window_ending_in(-3))
    Client.objects.filter(pk=closed.pk).update(status=Client.Status.CLOSED)
    request_extension(world.owner, make("Antrag"), "Begründung mit mehr als zwanzig Zeichen.")
    make("Termin", next_appointment_in=3)
    make("Spaeter", next_appointment_in=30)
    make("Altkontakt", contact_days_ago=120)
    make("Ohnekontakt", contact_days_ago=None)
    make("Fremdbetreut", manager=world.colleague, assignment_date=window_ending_in(40))
    # Haddad (the world's client) is in the middle of his window and has had no contact yet.
    world.client.assignment_date = today - dt.timedelta(days=365)
    refresh_window(world.client)
    world.client.save()
    return {c.last_name: c for c in Client.objects.all()}


def test_caseload_shows_each_reason_in_its_section(world, client, due):
    client.force_login(world.owner)
    response = client.get(reverse("clients:caseload"))
    assert response.status_code == 200
    sections = section_names(response)
    assert sections["endet"] == ["Endetbald"]
    assert sections["beendet"] == ["Abgelaufen"]
    assert sections["verlaengerung"] == ["Antrag"]
    assert sections["termine"] == ["Termin"]
    assert set(sections["ohne-kontakt"]) == {"Ohnekontakt", "Haddad", "Altkontakt"}
    assert sections["ohne-kontakt"][-1] == "Altkontakt"
    content = response.content.decode()
    assert "Termine in den nächsten 14 Tagen" in content
    assert reverse("clients:detail", args=[due["Termin"].code]) in content


def test_caseload_counts_match_the_rows(world, client, due):
    client.force_login(world.owner)
    for section in client.get(reverse("clients:caseload")).context["sections"]:
        assert section.count == len(section.rows)


def test_team_leads_caseload_covers_the_team_region(world, client, due):
    client.force_login(world.colleague)
    sections = section_names(client.get(reverse("clients:caseload")))
    assert sections["endet"] == ["Endetbald", "Fremdbetreut"]


def test_managers_caseload_leaves_out_colleagues_clients(world, client, due):
    client.force_login(world.owner)
    sections = section_names(client.get(reverse("clients:caseload")))
    assert sections["endet"] == ["Endetbald"]
    assert all("Fremdbetreut" not in rows for rows in sections.values())


def test_outsiders_caseload_does_not_show_foreign_clients(world, client, due):
    client.force_login(world.outsider)
    response = client.get(reverse("clients:caseload"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Haddad" not in content
    assert "Endetbald" not in content


@pytest.mark.parametrize("persona", ["office", "municipality_user", "rp_user", "admin"])
def test_caseload_is_404_for_roles_without_case_work(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("clients:caseload")).status_code == 404


def test_caseload_requires_login(world, client):
    response = client.get(reverse("clients:caseload"))
    assert response.status_code == 302


def test_navigation_offers_the_caseload_to_managers(world, client):
    client.force_login(world.owner)
    content = client.get(reverse("clients:list")).content.decode()
    assert f'href="{reverse("clients:caseload")}"' in content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
@pytest.mark.parametrize(
    "first_name,last_name",
    [
        ("Yusuf", "Al-Hassan"),
        ("Youssef", "Abdul Rahman"),
        ("Jussuf", "Çelik"),
        ("Muhammad", "Haydar"),
        ("Phillip", "Ökten"),
        ("Mariya", "Schewtschenko"),
    ],
)
def test_database_keeps_the_same_name_skeletons_as_python(world, first_name, last_name):
    client = ClientFactory(municipality=world.town, first_name=first_name, last_name=last_name)
    client.refresh_from_db()
    assert client.first_name_skeleton == name_skeleton(first_name)
    assert client.last_name_skeleton == name_skeleton(last_name)
    client.last_name = "Petrenko"
    client.save()
    client.refresh_from_db()
    assert client.last_name_skeleton == name_skeleton("Petrenko")
