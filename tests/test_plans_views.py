"""The plan pages: who may open them (404 for everyone outside the client's scope), writing
a plan through the forms, the stale-page refusal, the client page summary, the caseload
section and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import RegularService
from imcase.audit.models import AuditEntry
from plans import services
from plans.models import Goal, GoalStatus, Plan
from tests.factories import ClientFactory, GoalFactory, PlanFactory, StepFactory, goal_field

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = pytest.mark.today


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def plan(world) -> Plan:
    plan = PlanFactory(
        client=world.client,
        version__agreed_on=days_ago(30),
        version__next_review_on=days_ago(-150),
    )
    GoalFactory(
        version=plan.versions.get(), text="Deutschkurs B1 abschließen", target_date=days_ago(-100)
    )
    return plan


def goal_of(plan: Plan) -> Goal:
    return Goal.objects.filter(version__plan=plan).first()


def urls(plan: Plan) -> dict[str, str]:
    goal = goal_of(plan)
    return {
        "plan": reverse("plans:detail", args=[plan.code]),
        "goal": reverse("plans:goal", args=[goal.code]),
        "pdf": reverse("plans:pdf", args=[plan.code]),
        "version": reverse("plans:version", args=[plan.code, 1]),
    }


# --- scoping ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["plan", "goal", "pdf", "version"])
def test_outsider_gets_404_on_plan_goal_and_pdf(client, world, plan, page):
    response = as_user(client, world.outsider).get(urls(plan)[page])
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["office", "municipality_user", "rp_user", "admin"])
def test_roles_without_case_access_get_404_on_the_plan(client, world, plan, persona):
    as_user(client, getattr(world, persona))
    for url in (urls(plan)["plan"], urls(plan)["pdf"]):
        assert client.get(url).status_code == 404


def test_outsider_gets_404_when_writing_on_a_plan(client, world, plan):
    goal = goal_of(plan)
    step = StepFactory(goal=goal)
    as_user(client, world.outsider)
    assert client.get(reverse("plans:create", args=[world.client.code])).status_code == 404
    posts = [
        reverse("plans:step_done", args=[goal.code, step.pk]),
        reverse("plans:goal_add", args=[plan.code, "A"]),
        reverse("plans:evaluate", args=[goal.code]),
        reverse("plans:step_add", args=[goal.code]),
        reverse("plans:continue", args=[plan.code]),
        reverse("plans:dates", args=[plan.code]),
        reverse("plans:ratings", args=[plan.code]),
        reverse("plans:create", args=[world.client.code]),
    ]
    for url in posts:
        assert client.post(url, {"lock": plan.lock_version, "done": "on"}).status_code == 404, url
    assert goal_of(plan).status == GoalStatus.AGREED
    step.refresh_from_db()
    assert step.done_on is None


def test_team_lead_of_the_team_opens_the_plan_and_the_view_is_audited(client, world, plan):
    response = as_user(client, world.colleague).get(urls(plan)["plan"])
    assert response.status_code == 200
    assert "Deutschkurs B1 abschließen" in response.content.decode()
    assert AuditEntry.objects.filter(
        actor=world.colleague, object_id=str(world.client.code), detail__event="plan"
    ).exists()


# --- writing through the forms ------------------------------------------------------------


def test_manager_creates_a_plan_with_start_ratings(client, world):
    sprache = goal_field("Sprache")
    as_user(client, world.owner)
    url = reverse("plans:create", args=[world.client.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"agreed_on": days_ago(1).isoformat(), "next_review_on": "", f"rating_{sprache.pk}": "2"},
    )
    plan = Plan.objects.get(client=world.client)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.code])
    version = plan.versions.get()
    assert version.ratings.get().rating == 2


def test_manager_adds_a_goal_in_part_b_and_a_step(client, world, plan):
    arbeit = goal_field("Arbeitsmarkt")
    jobcenter = RegularService.objects.get_or_create(name="Jobcenter")[0]
    as_user(client, world.owner)
    response = client.post(
        reverse("plans:goal_add", args=[plan.code, "B"]),
        {
            "ziel-b-part": "B",
            "ziel-b-field": str(arbeit.pk),
            "ziel-b-text": "Ausbildung als Pflegefachkraft beginnen",
            "ziel-b-target_date": days_ago(-300).isoformat(),
            "ziel-b-status": "vereinbart",
            "ziel-b-lock": str(plan.lock_version),
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(part="B")
    assert (goal.field, goal.text) == (arbeit, "Ausbildung als Pflegefachkraft beginnen")
    plan.refresh_from_db()
    response = client.post(
        reverse("plans:step_add", args=[goal.code]),
        {
            f"schritt-{goal.pk}-what": "Beratungstermin bei der Berufsberatung",
            f"schritt-{goal.pk}-who": "regeldienst",
            f"schritt-{goal.pk}-service": str(jobcenter.pk),
            f"schritt-{goal.pk}-due_on": days_ago(-14).isoformat(),
            f"schritt-{goal.pk}-lock": str(plan.lock_version),
        },
    )
    assert response.status_code == 302
    assert goal.steps.get().service == jobcenter


def test_manager_evaluates_a_goal_as_reached(client, world, plan):
    goal = goal_of(plan)
    as_user(client, world.owner)
    response = client.post(
        reverse("plans:evaluate", args=[goal.code]),
        {
            f"auswertung-{goal.pk}-evaluated_on": days_ago(0).isoformat(),
            f"auswertung-{goal.pk}-result": "erreicht",
            f"auswertung-{goal.pk}-note": "Zertifikat liegt vor",
            f"auswertung-{goal.pk}-rating": "4",
            f"auswertung-{goal.pk}-lock": str(plan.lock_version),
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.REACHED
    page = client.get(reverse("plans:detail", args=[plan.code])).content.decode()
    assert "Zertifikat liegt vor" in page


def test_stale_page_is_refused_with_a_german_message_and_keeps_the_input(client, world, plan):
    goal = goal_of(plan)
    stale = plan.lock_version
    services.evaluate_goal(world.colleague, goal, days_ago(1), GoalStatus.IN_PROGRESS, stale)
    as_user(client, world.owner)
    response = client.post(
        reverse("plans:evaluate", args=[goal.code]),
        {
            f"auswertung-{goal.pk}-evaluated_on": days_ago(0).isoformat(),
            f"auswertung-{goal.pk}-result": "verfehlt",
            f"auswertung-{goal.pk}-note": "Meine Notiz zur Auswertung",
            f"auswertung-{goal.pk}-rating": "",
            f"auswertung-{goal.pk}-lock": str(stale),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "inzwischen von jemand anderem geändert" in page
    assert "Meine Notiz zur Auswertung" in page
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS
    assert goal.evaluations.count() == 1


def test_continuing_through_the_page_leaves_a_read_only_earlier_version(client, world, plan):
    as_user(client, world.owner)
    response = client.post(
        reverse("plans:continue", args=[plan.code]),
        {
            "fortschreibung-agreed_on": days_ago(0).isoformat(),
            "fortschreibung-next_review_on": "",
            "fortschreibung-lock": str(plan.lock_version),
        },
    )
    assert response.status_code == 302
    assert plan.versions.get(is_current=True).number == 2
    old = client.get(reverse("plans:version", args=[plan.code, 1])).content.decode()
    assert "kann nicht mehr geändert werden" in old
    assert "Ziel auswerten" not in old
    assert "Deutschkurs B1 abschließen" in old


def test_manager_edits_a_goal_on_its_page(client, world, plan):
    goal = goal_of(plan)
    as_user(client, world.owner)
    url = reverse("plans:goal", args=[goal.code])
    assert "Ziel bearbeiten" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "part": "B",
            "field": str(goal_field("Wohnen").pk),
            "text": "Eigene Wohnung in Altstadt finden",
            "target_date": "",
            "status": "angehalten",
            "lock": str(plan.lock_version),
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.part, goal.field.name, goal.status) == ("B", "Wohnen", "angehalten")
    assert goal.target_date is None


def test_manager_marks_a_step_done_and_reopens_it(client, world, plan):
    step = StepFactory(goal=goal_of(plan))
    as_user(client, world.owner)
    url = reverse("plans:step_done", args=[step.goal.code, step.pk])
    client.post(url, {"lock": plan.lock_version, "done": "on"})
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()
    plan.refresh_from_db()
    client.post(url, {"lock": plan.lock_version})
    step.refresh_from_db()
    assert step.done_on is None


def test_dates_and_ratings_are_saved_from_the_plan_page(client, world, plan):
    sprache = goal_field("Sprache")
    as_user(client, world.owner)
    response = client.post(
        reverse("plans:dates", args=[plan.code]),
        {
            "daten-agreed_on": days_ago(40).isoformat(),
            "daten-next_review_on": days_ago(-60).isoformat(),
            "daten-lock": str(plan.lock_version),
        },
    )
    assert response.status_code == 302
    version = plan.versions.get()
    assert (version.agreed_on, version.next_review_on) == (days_ago(40), days_ago(-60))
    plan.refresh_from_db()
    response = client.post(
        reverse("plans:ratings", args=[plan.code]),
        {
            "selbstaendigkeit-rated_on": days_ago(0).isoformat(),
            f"selbstaendigkeit-rating_{sprache.pk}": "3",
            "selbstaendigkeit-lock": str(plan.lock_version),
        },
    )
    assert response.status_code == 302
    assert version.ratings.get().rating == 3


def test_wrong_dates_keep_the_input_and_show_why(client, world, plan):
    as_user(client, world.owner)
    response = client.post(
        reverse("plans:dates", args=[plan.code]),
        {
            "daten-agreed_on": days_ago(10).isoformat(),
            "daten-next_review_on": days_ago(20).isoformat(),
            "daten-lock": str(plan.lock_version),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "nach dem Datum der Vereinbarung" in page
    assert days_ago(20).isoformat() in page
    assert plan.versions.get().agreed_on == days_ago(30)


# --- client page, caseload ----------------------------------------------------------------


def test_client_page_shows_the_plan_summary_with_an_overdue_warning(client, world):
    plan = PlanFactory(
        client=world.client,
        version__agreed_on=days_ago(200),
        version__next_review_on=days_ago(3),
    )
    GoalFactory(version=plan.versions.get(), part="B", text="Eigene Wohnung finden")
    page = as_user(client, world.owner).get(reverse("clients:detail", args=[world.client.code]))
    text = page.content.decode()
    assert "Planüberprüfung überfällig" in text
    assert "Eigene Wohnung finden" in text
    assert reverse("plans:detail", args=[plan.code]) in text


def test_client_page_offers_to_create_a_plan(client, world):
    page = as_user(client, world.owner).get(reverse("clients:detail", args=[world.client.code]))
    assert reverse("plans:create", args=[world.client.code]) in page.content.decode()


def test_caseload_lists_overdue_reviews(client, world):
    PlanFactory(
        client=world.client,
        version__agreed_on=days_ago(200),
        version__next_review_on=days_ago(3),
    )
    response = as_user(client, world.owner).get(reverse("clients:caseload"))
    section = next(s for s in response.context["sections"] if s.key == "planueberpruefung")
    assert [row.client for row in section.rows] == [world.client]
    assert "Planüberprüfung überfällig" in response.content.decode()

    outsider_view = as_user(client, world.outsider).get(reverse("clients:caseload"))
    section = next(s for s in outsider_view.context["sections"] if s.key == "planueberpruefung")
    assert section.rows == []


def test_caseload_does_not_list_a_review_due_today(client, world):
    PlanFactory(
        client=world.client,
        version__agreed_on=days_ago(200),
        version__next_review_on=days_ago(0),
    )
    response = as_user(client, world.owner).get(reverse("clients:caseload"))
    section = next(s for s in response.context["sections"] if s.key == "planueberpruefung")
    assert section.count == 0


# --- query counts -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _fill(plan: Plan, goals: int) -> None:
    version = plan.versions.get()
    for n in range(goals):
        goal = GoalFactory(version=version, part="AB"[n % 2])
        StepFactory(goal=goal)
        services.evaluate_goal(
            plan.client.manager,
            goal,
            days_ago(1),
            GoalStatus.IN_PROGRESS,
            Plan.objects.get(pk=plan.pk).lock_version,
            rating=2,
        )


def test_plan_page_queries_do_not_grow_with_the_goals(client, world):
    small = PlanFactory(client=world.client, version__agreed_on=days_ago(30))
    _fill(small, 1)
    second = ClientFactory(municipality=world.town, manager=world.owner)
    large = PlanFactory(client=second, version__agreed_on=days_ago(30))
    _fill(large, 10)
    as_user(client, world.owner)
    for name in ("plans:detail", "plans:pdf"):
        one = _queries(client, reverse(name, args=[small.code]))
        ten = _queries(client, reverse(name, args=[large.code]))
        assert one == ten, name
    page_one = _queries(client, reverse("clients:detail", args=[world.client.code]))
    page_ten = _queries(client, reverse("clients:detail", args=[second.code]))
    assert page_one == page_ten
