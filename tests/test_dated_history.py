"""The dated histories the Kennzahlen read "as on 31.12.": who writes them and what they say.

Goal status (``plans.GoalStatusChange``), case status (``clients.CaseStatusChange``) and staff
role/provider/VZÄ/qualification (``organisation.StaffChange``); rows recorded before the
history was kept get it reconstructed before their first change.
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.asof import case_status_on, municipality_on
from clients.models import Client
from imcase.errors import ServiceError
from imcase.organisation.models import Role, StaffChange, StaffMember
from plans import services as plan_services
from plans.models import Evaluation, GoalStatus, Plan, initial_status_history
from tests.factories import ClientFactory, GoalFactory, PlanFactory, goal_field

pytestmark = pytest.mark.today

D = dt.date


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _lock(plan: Plan) -> int:
    return Plan.objects.get(pk=plan.pk).lock_version


def _history(goal) -> list[tuple]:
    return list(
        goal.status_changes.order_by("valid_from", "pk").values_list("valid_from", "status")
    )


# --- goals ------------------------------------------------------------------------------------


def test_a_goal_keeps_each_status_with_the_day_it_began(world):
    plan = plan_services.create_plan(world.owner, world.client, _days_ago(100))
    version = plan.versions.get()
    goal = plan_services.add_goal(
        world.owner,
        version,
        plan_services.GoalInput(part="A", field=goal_field("Sprache"), text="B1 abschließen"),
        _lock(plan),
    )
    plan_services.evaluate_goal(
        world.owner, goal, _days_ago(10), GoalStatus.IN_PROGRESS, _lock(plan)
    )
    goal.refresh_from_db()
    plan_services.update_goal(
        world.owner,
        goal,
        plan_services.GoalInput(
            part="A", field=goal.field, text=goal.text, status=GoalStatus.PAUSED
        ),
        _lock(plan),
    )

    assert _history(goal) == [
        (_days_ago(100), GoalStatus.AGREED),
        (_days_ago(10), GoalStatus.IN_PROGRESS),
        (timezone.localdate(), GoalStatus.PAUSED),
    ]


def test_an_earlier_agreement_date_moves_the_first_status_along(world):
    plan = plan_services.create_plan(world.owner, world.client, _days_ago(100))
    version = plan.versions.get()
    goal = plan_services.add_goal(
        world.owner,
        version,
        plan_services.GoalInput(part="A", field=goal_field("Sprache"), text="B1 abschließen"),
        _lock(plan),
    )
    plan_services.update_dates(
        world.owner, plan, _days_ago(120), version.next_review_on, _lock(plan)
    )

    assert _history(goal) == [(_days_ago(120), GoalStatus.AGREED)]


def test_a_fortschreibung_carries_the_status_from_the_new_agreement(world):
    plan = plan_services.create_plan(world.owner, world.client, _days_ago(100))
    goal = plan_services.add_goal(
        world.owner,
        plan.versions.get(),
        plan_services.GoalInput(part="B", field=goal_field("Wohnen"), text="Eigene Wohnung"),
        _lock(plan),
    )
    new = plan_services.continue_plan(world.owner, plan, _days_ago(5), _lock(plan))

    copy = new.goals.get()
    assert copy.carried_from == goal
    assert _history(copy) == [(_days_ago(5), GoalStatus.AGREED)]


def test_an_old_goal_gets_its_history_reconstructed_before_its_first_change(world):
    plan = PlanFactory(client=world.client, version__agreed_on=_days_ago(200))
    goal = GoalFactory(version=plan.versions.get(), field=goal_field("Sprache"), status="erreicht")
    Evaluation.objects.create(
        goal=goal, evaluated_on=_days_ago(50), result="erreicht", recorded_by=world.owner
    )

    plan_services.evaluate_goal(world.owner, goal, _days_ago(3), GoalStatus.MISSED, _lock(plan))

    assert _history(goal) == [
        (_days_ago(200), GoalStatus.AGREED),
        (_days_ago(50), GoalStatus.REACHED),
        (_days_ago(3), GoalStatus.MISSED),
    ]


def test_the_reconstruction_follows_carried_goals_and_later_edits():
    version = SimpleNamespace(agreed_on=D(2025, 3, 1))
    goal = SimpleNamespace(version=version, status="angehalten")
    evaluation = SimpleNamespace(evaluated_on=D(2025, 5, 1), result="in_umsetzung", pk=1)

    assert initial_status_history(goal, [], None) == [(D(2025, 3, 1), "angehalten")]
    assert initial_status_history(goal, [], "in_umsetzung") == [
        (D(2025, 3, 1), "in_umsetzung"),
        (D(2025, 3, 1), "angehalten"),
    ]
    assert initial_status_history(goal, [evaluation], None) == [
        (D(2025, 3, 1), "vereinbart"),
        (D(2025, 5, 1), "in_umsetzung"),
        (D(2025, 5, 1), "angehalten"),
    ]


# --- cases ------------------------------------------------------------------------------------


def _status_on(client: Client, day: dt.date) -> str:
    return Client.objects.annotate(s=case_status_on(day)).get(pk=client.pk).s


def test_closing_and_reopening_are_dated_and_read_as_on_a_day(world):
    client = world.client
    client_services.close_case(world.owner, client, "independent", _days_ago(30))
    client_services.reopen_case(world.owner, client)

    assert list(client.status_changes.values_list("valid_from", "status", "reason")) == [
        (_days_ago(30), "closed", "independent"),
        (timezone.localdate(), "open", ""),
    ]
    assert _status_on(client, _days_ago(31)) == "open"
    assert _status_on(client, _days_ago(1)) == "closed"
    assert _status_on(client, timezone.localdate()) == "open"


def test_a_case_closed_before_the_history_keeps_its_closing_when_reopened(world):
    client = ClientFactory(
        municipality=world.town,
        manager=world.owner,
        assignment_date=_days_ago(400),
        status="closed",
        closed_on=_days_ago(20),
        closed_reason="declined",
    )
    assert _status_on(client, _days_ago(5)) == "closed"  # no history yet: today's values

    client_services.reopen_case(world.owner, client)

    assert _status_on(client, _days_ago(5)) == "closed"
    assert _status_on(client, _days_ago(21)) == "open"


def test_a_closing_before_the_last_reopening_is_refused(world):
    client = world.client
    client_services.close_case(world.owner, client, "independent", _days_ago(30))
    client_services.reopen_case(world.owner, client, today=_days_ago(10))

    with pytest.raises(ServiceError, match="Wiedereröffnung"):
        client_services.close_case(world.owner, client, "declined", _days_ago(15))
    client_services.close_case(world.owner, client, "declined", _days_ago(2))


def test_the_municipality_on_a_day_follows_the_moves(world):
    client = world.client
    client_services.record_move(world.owner, client, world.other_town, _days_ago(10))

    def lived_in(day):
        return Client.objects.annotate(m=municipality_on(day)).get(pk=client.pk).m

    assert lived_in(_days_ago(11)) == world.town.pk
    assert lived_in(_days_ago(10)) == world.other_town.pk
    assert lived_in(timezone.localdate()) == world.other_town.pk


# --- staff ------------------------------------------------------------------------------------


def test_every_change_of_role_provider_vza_or_qualification_is_dated(world):
    staff = StaffMember.objects.get(user=world.owner)
    staff.team = None
    staff.save()  # nothing tracked changed: no row
    staff.vza = Decimal("0.50")
    staff.role = Role.TEAM_LEAD
    staff.save()

    rows = staff.changes.order_by(F("valid_from").asc(nulls_first=True), "pk")
    assert list(rows.values_list("valid_from", "role", "vza")) == [
        (None, Role.MANAGER, Decimal("1.00")),
        (timezone.localdate(), Role.TEAM_LEAD, Decimal("0.50")),
    ]


def test_staff_without_history_get_their_earlier_state_recorded_first(world):
    staff = StaffMember.objects.get(user=world.colleague)
    staff.changes.all().delete()
    staff.provider = world.other_provider
    staff.team = None
    staff.save()

    rows = staff.changes.order_by(F("valid_from").asc(nulls_first=True), "pk")
    assert list(rows.values_list("valid_from", "provider_id")) == [
        (None, world.provider.pk),
        (timezone.localdate(), world.other_provider.pk),
    ]


def test_the_administrator_sees_a_staff_members_history_but_cannot_edit_it(world, client):
    staff = StaffMember.objects.get(user=world.owner)
    staff.vza = Decimal("0.75")
    staff.save()
    client.force_login(world.admin)

    response = client.get(reverse("admin:organisation_staffmember_change", args=[staff.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Verlauf (Rolle, Träger, VZÄ, Qualifikation)" in page
    assert 'name="changes-0-vza"' not in page  # read-only


# --- the data migrations seed the histories from today's values -------------------------------


def _migration(name: str):
    return importlib.import_module(name)


def test_the_migrations_seed_goals_cases_and_staff_from_todays_values(world):
    plan = PlanFactory(client=world.client, version__agreed_on=D(2025, 2, 1))
    goal = GoalFactory(version=plan.versions.get(), field=goal_field("Sprache"), status="erreicht")
    Evaluation.objects.create(
        goal=goal, evaluated_on=D(2025, 9, 1), result="erreicht", recorded_by=world.owner
    )
    closed = ClientFactory(
        municipality=world.town, status="closed", closed_on=D(2025, 7, 1), closed_reason="other"
    )
    StaffChange.objects.all().delete()

    _migration("plans.migrations.0003_goal_status_history").seed_goal_history(apps, None)
    _migration("clients.migrations.0011_case_status_history").seed_closings(apps, None)
    _migration("imcase.organisation.migrations.0002_staff_change_history").seed_staff_history(
        apps, None
    )

    assert _history(goal) == [(D(2025, 2, 1), "vereinbart"), (D(2025, 9, 1), "erreicht")]
    assert list(closed.status_changes.values_list("valid_from", "status", "reason")) == [
        (D(2025, 7, 1), "closed", "other")
    ]
    assert StaffChange.objects.count() == StaffMember.objects.count()
    assert not StaffChange.objects.exclude(valid_from=None).exists()
