"""A year's figures are fixed once the year is over: every state is read as it was on 31.12.

The hand-counted Kreis of ``test_kennzahlen_scenario`` is computed for 2025, then changed
through the services with changes dated after 31.12.2025 (a goal evaluated and another edited,
cases closed and reopened, a person moved, roles, VZÄ and qualification changed, a referral's
follow-up changed, an extension approved); computed again, every cell of the workbook is the
same.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F

from clients import services as client_services
from clients.models import Client, Referral, WindowExtension
from clients.models.client import ResidenceStatus
from imcase.organisation.models import Municipality, Role, StaffChange, StaffMember
from plans import services as plan_services
from plans.models import Goal, GoalField, GoalStatus, GoalStatusChange
from reporting.dashboard import Dashboard, Filters
from reporting.kennzahlen.table import compute_table
from reporting.scoping import figures_scope_or_404
from reporting.xlsx import COVER
from tests.factories import ClientFactory
from tests.test_kennzahlen import _workbook
from tests.test_kennzahlen_scenario import YEAR, _berlin, build_scenario

D = dt.date
TODAY = "2026-03-02"


def _cells(workbook) -> dict[str, list[tuple]]:
    """Every cell of every sheet but the cover (which holds the time of writing)."""
    return {
        sheet.title: list(sheet.iter_rows(values_only=True))
        for sheet in workbook.worksheets
        if sheet.title != COVER
    }


def _folder(tmp_path, name: str):
    path = tmp_path / name
    path.mkdir()
    return path


def _late_extension(world) -> Client:
    """Window ended 01.06.2025; the extension asked for in May is approved only in 2026."""
    client = ClientFactory(
        municipality=world.town,
        manager=world.owner,
        last_name="Spät",
        assignment_date=D(2022, 6, 1),
    )
    extension = WindowExtension.objects.create(
        client=client,
        reason="Begründeter Einzelfall: Sprachkurs und Ausbildung laufen noch.",
        requested_by=world.owner,
    )
    WindowExtension.objects.filter(pk=extension.pk).update(requested_at=_berlin(2025, 5, 1, 9))
    client_services.refresh_window(client)
    client.save()
    return client


def _goal(client: Client, text_field: str, status: str) -> Goal:
    return Goal.objects.get(
        version__plan__client=client,
        field__name=text_field,
        status=status,
        version__is_current=True,
    )


def _change_everything_after_the_year(world) -> None:
    owner, outsider, colleague = world.owner, world.outsider, world.colleague
    altstadt_client = world.client
    c7 = Client.objects.get(nationality="TUR", sex="m")
    c1 = Client.objects.get(birth_date=D(2007, 12, 31))
    c8 = Client.objects.get(nationality="TUR", sex="w")
    c11 = Client.objects.get(closed_on=D(2025, 12, 31))
    c10 = Client.objects.get(closed_on=D(2025, 12, 30))

    # goals: an evaluation in January, an edit of the status today
    goal = _goal(c7, "Sprache", GoalStatus.AGREED)
    plan_services.evaluate_goal(
        owner, goal, D(2026, 1, 5), GoalStatus.REACHED, goal.version.plan.lock_version
    )
    goal = _goal(c1, "Sprache", GoalStatus.NEW)
    plan = goal.version.plan
    plan.refresh_from_db()
    plan_services.update_goal(
        owner,
        goal,
        plan_services.GoalInput(
            part=goal.part, field=goal.field, text=goal.text, status=GoalStatus.DROPPED
        ),
        plan.lock_version,
    )
    goal = _goal(altstadt_client, "Wohnen", GoalStatus.AGREED)
    plan_services.evaluate_goal(
        owner, goal, D(2026, 2, 1), GoalStatus.MISSED, goal.version.plan.lock_version
    )

    # cases: one closed in January, two closed in December reopened in 2026
    client_services.close_case(outsider, c8, Client.ClosedReason.INDEPENDENT, D(2026, 1, 20))
    client_services.reopen_case(owner, c11, today=D(2026, 2, 1))
    client_services.reopen_case(owner, c10, today=D(2026, 2, 2))

    # a move after the year, to the other provider's municipality
    # the § 24 person without assignment gets another status: his stored window is cleared
    c3 = Client.objects.get(nationality="UKR")
    c3.residence_status = ResidenceStatus.PROTECTION
    client_services.save_client(owner, c3, c3.version)
    # c2 leaves the household she shares with c1
    c2 = Client.objects.get(birth_date=D(2008, 1, 1))
    c2.household = None
    client_services.save_client(owner, c2, c2.version)
    # c1's Duldung becomes a residence permit in February
    c1.refresh_from_db()
    c1.residence_status = ResidenceStatus.PROTECTION
    client_services.save_client(owner, c1, c1.version)
    client_services.record_move(owner, c1, world.other_town, D(2026, 2, 1))
    kleindorf = Municipality.objects.get(name="Kleindorf")
    client_services.record_move(owner, altstadt_client, kleindorf, D(2026, 2, 15))

    # the referral to the JMD, attended in 2025, turns out not attended in January
    referral = Referral.objects.get(service__name__startswith="Jugendmigrationsdienst")
    client_services.update_referral_status(
        owner, referral, Referral.Status.NOT_ATTENDED, D(2026, 1, 15)
    )

    # the extension asked for in May 2025 is approved today
    late = WindowExtension.objects.get(client__last_name="Spät")
    client_services.decide_extension(colleague, late, approve=True)

    # staff: the office becomes a manager, the owner goes half-time, a P2 manager moves to P1,
    # the team lead's qualification is entered
    office = StaffMember.objects.get(user=world.office)
    office.role = Role.MANAGER
    office.save()
    own = StaffMember.objects.get(user=owner)
    own.vza = Decimal("0.50")
    own.save()
    moved = StaffMember.objects.get(provider=world.other_provider, vza=Decimal("0.75"))
    moved.provider = world.provider
    moved.save()
    lead = StaffMember.objects.get(user=colleague)
    lead.qualification = StaffMember.Qualification.OTHER
    lead.save()


@pytest.mark.today(TODAY)
def test_every_cell_of_a_past_year_stays_when_later_dated_changes_come(world, tmp_path):
    build_scenario(world)
    _late_extension(world)
    before = _cells(_workbook(_folder(tmp_path, "before")))
    table_before = compute_table(world.landkreis, YEAR)

    _change_everything_after_the_year(world)

    after = _cells(_workbook(_folder(tmp_path, "after")))
    assert before.keys() == after.keys()
    for title, rows in before.items():
        assert len(rows) == len(after[title]), title
        for row_before, row_after in zip(rows, after[title], strict=True):
            assert row_before == row_after, f"{title}: {row_before} → {row_after}"
    table_after = compute_table(world.landkreis, YEAR)
    assert [line.values for line in table_before.lines()] == [
        line.values for line in table_after.lines()
    ]


def _year_charts(world) -> dict:
    """The dashboard's charts of 2025 ("im Jahr"), for the Kreis and for Altstadt."""
    found = {}
    for municipality in (None, world.town):
        board = Dashboard(
            figures_scope_or_404(world.office),
            Filters(year=YEAR, municipality=municipality),
            dt.date(2026, 3, 2),
        )
        fields = list(GoalField.objects.filter(active=True).order_by("position", "name"))
        for chart in (
            board.contacts_per_month(),
            board.goals_reached(fields),
            board.independence(fields),
        ):
            found[(municipality and municipality.name, chart.key)] = list(chart.rows)
    return found


@pytest.mark.today(TODAY)
def test_the_dashboards_charts_of_a_past_year_stay_too(world):
    build_scenario(world)
    _late_extension(world)
    before = _year_charts(world)
    # Altstadt's contacts of 2025: world.client's in January and March, c1's and c2's in
    # February (both move away in 2026)
    assert [n for _, n in before[("Altstadt", "kontakte")][:3]] == [1, 1, 1]

    _change_everything_after_the_year(world)

    assert _year_charts(world) == before


@pytest.mark.today(TODAY)
def test_the_changes_are_real_today_and_go_on_record(world, tmp_path):
    """The same changes do show today (the test above is not vacuous) and each left a dated
    history row."""
    build_scenario(world)
    late = _late_extension(world)
    _change_everything_after_the_year(world)

    late.refresh_from_db()
    assert late.window_end == D(2026, 6, 1)
    assert Client.objects.get(nationality="UKR").window_start is None
    c11 = Client.objects.get(status_changes__valid_from=D(2026, 2, 1))
    assert c11.status == Client.Status.OPEN
    assert list(c11.status_changes.values_list("valid_from", "status")) == [
        (D(2025, 12, 31), "closed"),
        (D(2026, 2, 1), "open"),
    ]
    assert GoalStatusChange.objects.filter(valid_from=D(2026, 1, 5), status="erreicht").exists()
    assert GoalStatusChange.objects.filter(valid_from=D(2026, 3, 2), status="entfallen").exists()
    office = StaffMember.objects.get(user=world.office)
    changes = office.changes.order_by(F("valid_from").asc(nulls_first=True))
    assert list(changes.values_list("valid_from", "role")) == [
        (None, Role.OFFICE),
        (D(2026, 3, 2), Role.MANAGER),
    ]
    assert StaffChange.objects.filter(valid_from=D(2026, 3, 2)).count() == 4
    assert compute_table(world.landkreis, YEAR).value("P01") == 7
    assert compute_table(world.landkreis, 2026).value("P01") == 9  # + the office, + 2026 start
