"""The dashboard: every chart counted by hand on a fixed day, filters, scoping, no names and a
bounded number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import ConsultationParticipant, WindowExtension
from clients.models.client import ResidenceStatus
from clients.services import refresh_window
from funding.models import FundingYear, ListEntry, PersonList
from plans.models import Evaluation, IndependenceRating
from reporting.dashboard import Dashboard, Filters
from reporting.funding_status import funding_chart
from reporting.scoping import figures_scope_or_404
from tests.factories import (
    ClientFactory,
    ConsultationFactory,
    GoalFactory,
    MunicipalityFactory,
    PlanFactory,
    ProviderAreaFactory,
    goal_field,
)

TODAY = dt.date(2026, 1, 20)
# The page's default year and the years it offers are counted from the clock's today.
pytestmark = pytest.mark.today(TODAY)
D = dt.date


def _extend(world, client):
    WindowExtension.objects.create(
        client=client,
        reason="Begründeter Einzelfall: die Ausbildung endet erst im Sommer.",
        requested_by=world.owner,
        decision=WindowExtension.Decision.APPROVED,
        decided_by=world.colleague,
        decided_at=timezone.now(),
    )
    refresh_window(client)
    client.save()


def _contact(world, provider, day, client, user, funded=True):
    contact = ConsultationFactory(provider=provider, date=day, recorded_by=user)
    ConsultationParticipant.objects.create(consultation=contact, client=client, funded=funded)


@pytest.fixture
def board(world):
    """Open cases on 20.01.2026 (Altstadt/Landratsamt unless said otherwise):

    world.client (owner) in window, no plan, opened 2024 · other_client (Neustadt, outsider) in
    window, with plan · a (owner) ends 15.02.2026, with plan · b (owner) ended 01.12.2025, no
    plan · c (team lead) extended to 01.06.2026, no plan · d (owner) window from 01.03.2026,
    opened 10.01.2026 (not eight weeks yet) · e (nobody) not target group · f (owner) closed.
    """
    altstadt = world.town
    a = ClientFactory(
        municipality=altstadt,
        manager=world.owner,
        last_name="Amiri",
        assignment_date=D(2023, 2, 15),
    )
    b = ClientFactory(
        municipality=altstadt, manager=world.owner, last_name="Bakr", assignment_date=D(2022, 12, 1)
    )
    c = ClientFactory(
        municipality=altstadt,
        manager=world.colleague,
        last_name="Chalil",
        assignment_date=D(2022, 6, 1),
    )
    _extend(world, c)
    ClientFactory(
        municipality=altstadt,
        manager=world.owner,
        last_name="Darwish",
        assignment_date=D(2026, 3, 1),
        opened_on=D(2026, 1, 10),
    )
    ClientFactory(
        municipality=altstadt,
        manager=None,
        last_name="Ezzat",
        assignment_date=None,
        residence_status=ResidenceStatus.PROTECTION,
        opened_on=D(2025, 1, 1),
    )
    ClientFactory(
        municipality=altstadt,
        manager=world.owner,
        last_name="Fares",
        status="closed",
        closed_on=D(2025, 6, 1),
        closed_reason="other",
    )

    plan = PlanFactory(client=a, version__agreed_on=D(2025, 2, 1))
    version = plan.versions.get()
    language = GoalFactory(version=version, part="A", field=goal_field("Sprache"))
    Evaluation.objects.create(
        goal=language, evaluated_on=D(2025, 5, 5), result="erreicht", recorded_by=world.owner
    )
    for rating, day in ((1, D(2025, 2, 1)), (3, D(2025, 5, 5))):
        IndependenceRating.objects.create(
            version=version,
            field=goal_field("Sprache"),
            rating=rating,
            rated_on=day,
            kind="start",
            recorded_by=world.owner,
        )
    plan = PlanFactory(client=world.other_client, version__agreed_on=D(2025, 2, 1))
    housing = GoalFactory(version=plan.versions.get(), part="B", field=goal_field("Wohnen"))
    Evaluation.objects.create(
        goal=housing, evaluated_on=D(2025, 6, 6), result="erreicht", recorded_by=world.outsider
    )

    _contact(world, world.provider, D(2025, 1, 10), world.client, world.owner)
    _contact(world, world.provider, D(2025, 1, 20), a, world.owner)
    _contact(world, world.other_provider, D(2025, 3, 3), world.other_client, world.outsider)
    _contact(world, world.provider, D(2025, 3, 4), b, world.owner, funded=False)
    return SimpleNamespace(a=a)


def dashboard(user, **filters) -> Dashboard:
    return Dashboard(figures_scope_or_404(user), Filters(year=2025, **filters), TODAY)


def rows(chart) -> dict[str, object]:
    return dict(chart.rows)


def by_first_name(world, chart) -> dict[str, object]:
    names = {
        u.get_full_name(): u.first_name for u in (world.owner, world.colleague, world.outsider)
    }
    return {names[label]: value for label, value in chart.rows}


def test_caseload_per_manager_and_cases_without_plan_after_eight_weeks(world, board):
    caseload, without_plan = dashboard(world.office).caseload()
    assert by_first_name(world, caseload) == {"Owner": 4, "Colleague": 1, "Outsider": 1}
    per_vza = {row[0]: row[4] for row in caseload.table_rows}
    assert per_vza[world.owner.get_full_name()] == Decimal("4.0")
    assert by_first_name(world, without_plan) == {"Owner": 2, "Colleague": 1, "Outsider": 0}


def test_open_cases_by_window_status_today(world, board):
    assert rows(dashboard(world.office).window_status()) == {
        "im Beratungszeitraum": 2,
        "verlängert": 1,
        "endet in höchstens 90 Tagen": 1,
        "beendet – Ausleitung fällig": 1,
        "noch nicht begonnen": 1,
        "ohne Beratungszeitraum": 1,
    }


def test_window_ends_in_each_of_the_next_twelve_months(world, board):
    chart = dashboard(world.office).window_ends()
    assert [label for label, _ in chart.rows][0] == "Jan. 2026"
    assert [label for label, _ in chart.rows][-1] == "Dez. 2026"
    assert {k: v for k, v in chart.rows if v} == {"Feb. 2026": 1, "Juni 2026": 1}


def test_contacts_per_month_count_only_funded_contacts_and_follow_the_filters(world, board):
    def counted(**filters):
        return {k: v for k, v in dashboard(world.office, **filters).contacts_per_month().rows if v}

    assert counted() == {"Jan. 2025": 2, "März 2025": 1}
    assert counted(provider=world.provider) == {"Jan. 2025": 2}
    assert counted(team=world.team) == {"Jan. 2025": 2}
    assert counted(municipality=world.other_town) == {"März 2025": 1}


def test_goals_reached_and_independence_per_field(world, board):
    fields = [goal_field("Sprache"), goal_field("Wohnen")]
    office = dashboard(world.office)
    assert rows(office.goals_reached(fields)) == {"Sprache": 1, "Wohnen": 1}
    assert rows(office.independence(fields)) == {"Sprache": 1, "Wohnen": 0}
    mine = dashboard(world.office, provider=world.provider)
    assert rows(mine.goals_reached(fields)) == {"Sprache": 1, "Wohnen": 0}


def test_a_manager_sees_his_providers_figures_even_when_filtering_for_another(world, board):
    board = dashboard(world.owner, provider=world.other_provider)
    caseload, _ = board.caseload()
    assert by_first_name(world, caseload) == {"Owner": 4, "Colleague": 1}
    assert rows(board.window_status())["im Beratungszeitraum"] == 1
    fields = [goal_field("Wohnen")]
    assert rows(board.goals_reached(fields)) == {"Wohnen": 0}


def test_funding_status_per_municipality_for_the_current_funding_year(world, board):
    kleindorf = MunicipalityFactory(landkreis=world.landkreis, name="Kleindorf", ags="08999003")
    ProviderAreaFactory(provider=world.provider, municipality=kleindorf)
    common = {
        "landkreis": world.landkreis,
        "amount_entered": Decimal("100000.00"),
        "reference_date": D(2024, 12, 31),
    }
    FundingYear.objects.create(
        year=2025,
        period_start=D(2020, 1, 1),
        period_end=D(2022, 12, 31),
        list_deadline=D(2024, 1, 15),
        **common,
    )
    year = FundingYear.objects.create(
        year=2027,
        period_start=D(2022, 1, 1),
        period_end=D(2024, 12, 31),
        list_deadline=D(2026, 1, 15),
        **common,
    )
    now = timezone.now()
    done = PersonList.objects.create(
        funding_year=year,
        municipality=world.town,
        status="submitted",
        generated_at=now,
        sent_at=now,
        submitted_at=timezone.make_aware(dt.datetime(2026, 1, 10)),
    )
    for struck in (False, False, True):
        ListEntry.objects.create(
            person_list=done,
            last_name="Haddad",
            first_name="Amina",
            birth_date=D(1990, 1, 1),
            struck=struck,
            strike_reason="weggezogen" if struck else "",
        )
    PersonList.objects.create(
        funding_year=year,
        municipality=world.other_town,
        status="sent",
        generated_at=now,
        sent_at=now,
    )
    from imcase.organisation.models import Municipality

    chart = funding_chart(world.office, Municipality.objects.visible_to(world.office), TODAY)
    assert chart.title == "Förderjahr 2027: Personenlisten der Gemeinden"
    assert {k: v for k, v in chart.rows if v} == {
        "keine Liste erstellt": 1,
        "Frist überschritten": 1,
        "zurückgemeldet": 1,
    }
    assert chart.extra["rows"] == [
        ("Altstadt (08999001)", "zurückgemeldet", 2, "–"),
        ("Kleindorf (08999003)", "keine Liste erstellt", "–", "–"),
        ("Neustadt (08999002)", "Frist überschritten", 0, "–"),
    ]
    assert funding_chart(world.owner, Municipality.objects.none(), TODAY) is None


# --- the page -------------------------------------------------------------------------------


def test_the_page_draws_each_chart_with_a_table_and_names_no_client(world, board, client):
    client.force_login(world.office)
    response = client.get(reverse("reporting:dashboard") + "?jahr=2025", secure=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg viewBox") == 7 and body.count('class="bar-chart"') == 7
    assert body.count("<caption>") >= 7
    assert '<th scope="row">Jan. 2025</th>' in body
    for name in ("Haddad", "Petrenko", "Amiri", "Bakr", "Chalil", "Darwish", "Ezzat", "Fares"):
        assert name not in body


def test_a_manager_sees_neither_other_providers_staff_nor_client_names(world, board, client):
    client.force_login(world.owner)
    body = client.get(reverse("reporting:dashboard"), secure=True).content.decode()
    assert world.owner.get_full_name() in body
    assert world.outsider.get_full_name() not in body
    assert "Petrenko" not in body and "Haddad" not in body
    assert 'name="traeger"' not in body


def test_a_team_of_another_provider_is_refused_with_a_message(world, client):
    from tests.factories import TeamFactory

    elsewhere = TeamFactory(provider=world.other_provider, name="Team Süd")
    client.force_login(world.office)
    url = reverse("reporting:dashboard") + (
        f"?jahr=2025&traeger={world.provider.pk}&team={elsewhere.pk}"
    )
    response = client.get(url, secure=True)
    assert response.status_code == 400
    assert "Das Team gehört nicht zum gewählten Träger." in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_data(world, board, client):
    client.force_login(world.office)
    url = reverse("reporting:dashboard") + "?jahr=2025"
    client.get(url, secure=True)  # warm up
    caches["computed"].clear()  # measure the computation, not the stored result
    with CaptureQueriesContext(connection) as before:
        client.get(url, secure=True)
    for index in range(15):
        extra = ClientFactory(
            municipality=world.town, manager=world.owner, last_name=f"Mehr{index}"
        )
        _contact(world, world.provider, D(2025, 2, 2), extra, world.owner)
    with CaptureQueriesContext(connection) as after:
        client.get(url, secure=True)  # the data changed: computed again
    # 29 for the charts, three for the fingerprint and the stored result (read, count, write)
    assert len(after) == len(before) <= 32
