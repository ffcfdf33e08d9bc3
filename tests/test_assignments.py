"""The responsible manager: the team lead assigns (many at once, scoped), a manager takes an
unassigned case; every change is dated, audited and alerts the new manager."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clients.assignments import CASE_ASSIGNED, assign_cases, staff_name, take_over
from clients.models import Client, ManagerAssignment, manager_on, with_manager_on
from clients.services import record_move
from imcase.alerts.models import Alert
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError, StaleVersionError
from imcase.organisation.models import Role
from tests.conftest import _staff
from tests.factories import TODAY, ClientFactory, MunicipalityFactory, ProviderAreaFactory

ASSIGN_URL = reverse("clients:assign")

pytestmark = pytest.mark.today


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def unassigned(world) -> list[Client]:
    return [
        ClientFactory(municipality=world.town, manager=None, last_name=name)
        for name in ("Ahmadi", "Berisha", "Celik")
    ]


def selection(clients) -> list[str]:
    return [f"{c.code}:{c.version}" for c in clients]


def test_team_lead_assigns_three_cases_at_once_dated_audited_and_alerted(world, client, unassigned):
    client.force_login(world.colleague)
    back = "/klienten/?zuordnung=keine"
    response = client.post(
        ASSIGN_URL,
        {"faelle": selection(unassigned), "manager": world.owner.pk, "zurueck": back},
    )

    assert response.status_code == 302
    assert response.url == back
    assert messages_of(response) == [f"3 Fälle wurden {staff_name(world.owner)} zugewiesen."]
    for person in unassigned:
        person.refresh_from_db()
        assert person.manager == world.owner
        assert person.version == 2
        row = person.manager_assignments.get()
        assert (row.manager, row.valid_from, row.assigned_by) == (
            world.owner,
            TODAY,
            world.colleague,
        )
        assert row.kind == ManagerAssignment.Kind.ASSIGNED
        assert AuditEntry.objects.filter(
            object_id=str(person.code), detail__event="manager_assigned"
        ).exists()
    alerts = Alert.objects.filter(recipient=world.owner, kind=CASE_ASSIGNED)
    assert alerts.count() == 3
    assert "hat Ihnen am 16.11.2026 den Fall" in alerts.first().message


def test_one_case_message_is_singular_and_an_unchanged_assignment_is_skipped(world, unassigned):
    changed = assign_cases(world.colleague, [(unassigned[0], None)], world.owner)
    assert len(changed) == 1
    assert assign_cases(world.colleague, [(unassigned[0], None)], world.owner) == []
    assert unassigned[0].manager_assignments.count() == 1


def test_reassignment_keeps_the_dated_history(world, unassigned):
    person = unassigned[0]
    assign_cases(world.colleague, [(person, None)], world.owner, today=dt.date(2026, 1, 5))
    assign_cases(world.colleague, [(person, None)], world.colleague, today=dt.date(2026, 6, 1))

    assert manager_on(person, dt.date(2025, 12, 31)) is None
    assert manager_on(person, dt.date(2026, 3, 1)) == world.owner
    assert manager_on(person, dt.date(2026, 12, 31)) == world.colleague
    # No alert when the team lead takes the case himself.
    assert not Alert.objects.filter(recipient=world.colleague, kind=CASE_ASSIGNED).exists()


def test_managers_as_of_a_day_in_one_query(world, unassigned, django_assert_num_queries):
    first, second, _ = unassigned
    assign_cases(world.colleague, [(first, None)], world.owner, today=dt.date(2026, 1, 5))
    assign_cases(world.colleague, [(second, None)], world.owner, today=dt.date(2027, 1, 5))
    with django_assert_num_queries(1):
        rows = dict(
            with_manager_on(Client.objects.all(), dt.date(2026, 12, 31)).values_list(
                "last_name", "manager_on_day"
            )
        )
    assert rows == {
        "Haddad": world.owner.pk,  # no history: the current manager
        "Petrenko": world.outsider.pk,
        "Ahmadi": world.owner.pk,
        "Berisha": None,  # assigned only in 2027
        "Celik": None,
    }


def test_a_case_without_history_counts_its_current_manager(world):
    assert manager_on(world.client, dt.date(2025, 12, 31)) == world.owner


def test_a_manager_cannot_assign(world, client, unassigned):
    client.force_login(world.owner)
    response = client.post(ASSIGN_URL, {"faelle": selection(unassigned), "manager": world.owner.pk})
    assert response.status_code == 404
    with pytest.raises(ServiceError, match="Teamleitung"):
        assign_cases(world.owner, [(unassigned[0], None)], world.owner)
    assert not Client.objects.filter(pk=unassigned[0].pk, manager__isnull=False).exists()


def test_assignee_must_be_staff_of_the_same_provider(world, client, unassigned):
    client.force_login(world.colleague)
    response = client.post(
        ASSIGN_URL, {"faelle": selection(unassigned), "manager": world.outsider.pk}
    )
    assert response.status_code == 302
    assert messages_of(response)  # the choice is refused
    assert not Client.objects.filter(pk__in=[c.pk for c in unassigned], manager__isnull=False)
    with pytest.raises(ServiceError, match="Trägers"):
        assign_cases(world.colleague, [(unassigned[0], None)], world.outsider)


def test_team_lead_cannot_assign_a_case_outside_his_team(world, client):
    # A client of the provider living in a municipality of another team: not the lead's scope.
    elsewhere = MunicipalityFactory(landkreis=world.landkreis, name="Weiler", ags="08999009")
    ProviderAreaFactory(provider=world.provider, municipality=elsewhere)
    person = ClientFactory(municipality=elsewhere, manager=None)
    client.force_login(world.colleague)
    response = client.post(ASSIGN_URL, {"faelle": selection([person]), "manager": world.owner.pk})
    assert "nicht in Ihrem Zuständigkeitsbereich" in " ".join(messages_of(response))
    person.refresh_from_db()
    assert person.manager is None


def test_another_providers_case_is_refused_like_a_missing_one(world, client, unassigned):
    client.force_login(world.colleague)
    response = client.post(
        ASSIGN_URL,
        {"faelle": selection([unassigned[0], world.other_client]), "manager": world.owner.pk},
    )
    assert "nicht in Ihrem Zuständigkeitsbereich" in " ".join(messages_of(response))
    unassigned[0].refresh_from_db()
    assert unassigned[0].manager is None  # all or nothing


def test_a_stale_selection_does_not_overwrite_a_newer_assignment(world, client, unassigned):
    person = unassigned[0]
    stale = selection([person])
    assign_cases(world.colleague, [(person, person.version)], world.owner)
    client.force_login(world.colleague)
    response = client.post(ASSIGN_URL, {"faelle": stale, "manager": world.colleague.pk})
    assert StaleVersionError.message_text in messages_of(response)
    person.refresh_from_db()
    assert person.manager == world.owner


def test_the_assignee_must_see_the_case(world, unassigned):
    other_team_manager = _staff("fern", role=Role.MANAGER, provider=world.provider)
    # A manager sees all municipalities of his provider: allowed.
    assign_cases(world.colleague, [(unassigned[0], None)], other_team_manager)
    assert Client.objects.get(pk=unassigned[0].pk).manager == other_team_manager


def test_a_closed_case_is_not_assigned(world, unassigned):
    person = unassigned[0]
    Client.objects.filter(pk=person.pk).update(status=Client.Status.CLOSED)
    with pytest.raises(ServiceError, match="abgeschlossen"):
        assign_cases(world.colleague, [(person, None)], world.owner)


def test_manager_takes_over_an_unassigned_case(world, client, unassigned):
    person = unassigned[0]
    client.force_login(world.owner)
    response = client.post(reverse("clients:take_over", args=[person.code]))

    assert response.status_code == 302
    assert messages_of(response) == [f"Sie sind jetzt für {person.full_name} zuständig."]
    person.refresh_from_db()
    assert person.manager == world.owner
    assert person.manager_assignments.get().kind == ManagerAssignment.Kind.TAKEN_OVER
    assert AuditEntry.objects.filter(
        object_id=str(person.code), detail__event="manager_taken_over"
    ).exists()
    assert not Alert.objects.filter(kind=CASE_ASSIGNED).exists()  # he did it himself


def test_an_assigned_case_cannot_be_taken_over(world, client, unassigned):
    person = unassigned[0]
    second = _staff("zweite", role=Role.MANAGER, provider=world.provider, team=world.team)
    take_over(second, person)
    client.force_login(world.owner)
    response = client.post(reverse("clients:take_over", args=[person.code]))
    assert f"inzwischen {staff_name(second)}" in " ".join(messages_of(response))
    person.refresh_from_db()
    assert person.manager == second


@pytest.mark.parametrize("persona", ["outsider", "office", "municipality_user", "rp_user"])
def test_outsiders_get_404_on_take_over_and_assign(world, client, unassigned, persona):
    client.force_login(getattr(world, persona))
    person = unassigned[0]
    assert client.post(reverse("clients:take_over", args=[person.code])).status_code == 404
    response = client.post(ASSIGN_URL, {"faelle": selection([person]), "manager": 1})
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.manager is None


def test_team_lead_takes_no_case_over_but_assigns_it(world, client, unassigned):
    client.force_login(world.colleague)
    response = client.post(reverse("clients:take_over", args=[unassigned[0].code]))
    assert response.status_code == 404


def test_filter_nicht_zugeordnet(world, client, unassigned):
    client.force_login(world.colleague)
    response = client.get(reverse("clients:list"), {"zuordnung": "keine"})
    names = {c.last_name for c in response.context["page"].object_list}
    assert names == {"Ahmadi", "Berisha", "Celik"}
    response = client.get(reverse("clients:list"), {"zuordnung": "zugeordnet"})
    assert {c.last_name for c in response.context["page"].object_list} == {"Haddad"}


def test_list_offers_checkboxes_and_assignee_choices_only_to_the_team_lead(
    world, client, unassigned
):
    client.force_login(world.colleague)
    content = client.get(reverse("clients:list")).content.decode()
    assert 'form="zuweisung"' in content
    assert "Ausgewählte Fälle zuweisen an" in content
    assert "Outsider" not in content
    client.force_login(world.owner)
    content = client.get(reverse("clients:list")).content.decode()
    assert 'form="zuweisung"' not in content
    assert reverse("clients:create") in content


def test_team_lead_home_shows_unassigned_count_and_open_cases_per_vza(world, client, unassigned):
    world.owner.staff.vza = Decimal("0.50")
    world.owner.staff.save()
    client.force_login(world.colleague)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert "Nicht zugeordnete offene Fälle" in content
    assert "?zuordnung=keine" in content
    # owner: one open case on 0.5 VZÄ = 2.0 per VZÄ
    assert (
        '<td data-label="VZÄ">0.50</td><td data-label="offene Fälle" class="text-end">1</td>'
        '<td data-label="Fälle je VZÄ" class="text-end">2.0</td>'
    ) in (content.replace("0,50", "0.50").replace("2,0", "2.0"))


def test_manager_home_shows_new_person_and_the_unassigned(world, client, unassigned):
    client.force_login(world.owner)
    content = client.get(reverse("home")).content.decode()
    assert "Neue Person" in content
    assert "Nicht zugeordnet (offen)" in content


def test_client_page_offers_assignment_to_the_team_lead_and_take_over_to_a_manager(
    world, client, unassigned
):
    person = unassigned[0]
    client.force_login(world.colleague)
    content = client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Zuweisen an" in content
    assert "Fall übernehmen" not in content
    client.force_login(world.owner)
    content = client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Fall übernehmen" in content
    assert "Stammdaten bearbeiten" in content
    assert "Zuweisen an" not in content


def test_a_team_lead_creating_a_person_for_a_manager_dates_it_and_alerts(world, client):
    from tests.test_client_edit import person

    client.force_login(world.colleague)
    response = client.post(reverse("clients:create"), person(world))
    assert response.status_code == 302
    created = Client.objects.get(aktenzeichen="AZ-NEU-1")
    assert created.manager == world.owner
    assert created.manager_assignments.get().kind == ManagerAssignment.Kind.CREATED
    assert Alert.objects.filter(recipient=world.owner, kind=CASE_ASSIGNED).exists()


def test_a_handover_by_a_move_dates_the_release(world):
    ProviderAreaFactory(provider=world.other_provider, municipality=world.other_town)
    record_move(world.owner, world.client, world.other_town, TODAY)
    row = world.client.manager_assignments.get()
    assert (row.manager, row.previous_manager, row.kind) == (
        None,
        world.owner,
        ManagerAssignment.Kind.RELEASED,
    )
    assert manager_on(world.client, TODAY) is None
