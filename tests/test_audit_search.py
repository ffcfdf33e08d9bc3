"""The audit log answers questions: search by user, Aktenzeichen, date range and action, German
names of object kinds, what changed; scoped (administrator: all, office: its Kreis's accounts)
and itself audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from clients.services import save_client
from imcase.audit.models import AuditEntry
from imcase.audit.search import describe, kind_name, visible_entries
from imcase.audit.services import record
from imcase.organisation.models import Role
from tests.factories import LandkreisFactory, ProviderFactory, StaffMemberFactory, UserFactory


def _at(day: str, actor, obj, action=AuditEntry.Action.VIEW, label="", **detail):
    with time_machine.travel(dt.datetime.fromisoformat(f"{day}T10:00:00+01:00"), tick=False):
        return record(actor, action, obj, label=label, **detail)


@pytest.fixture
def log(world):
    """Entries of the Kreis's owner and colleague on different days, one of a foreign Kreis."""
    foreign_kreis = LandkreisFactory(name="Fremdkreis")
    stranger = UserFactory(username="fremd")
    StaffMemberFactory(
        user=stranger, role=Role.MANAGER, provider=ProviderFactory(landkreis=foreign_kreis)
    )
    az = world.client.aktenzeichen
    return {
        "owner_early": _at("2026-11-02", world.owner, world.client, label=az, read="Klientenseite"),
        "owner_late": _at(
            "2026-11-10",
            world.owner,
            world.client,
            AuditEntry.Action.CHANGE,
            label=az,
            fields=["last_name", "municipality_id"],
        ),
        "colleague": _at("2026-11-05", world.colleague, world.client, label=az),
        "stranger": _at("2026-11-05", stranger, foreign_kreis, label="Fremdkreis"),
        "admin": _at("2026-11-05", world.admin, world.client, label=az),
    }


def _search(client, **params):
    response = client.get(reverse("audit_log"), params)
    assert response.status_code == 200
    return response


def _ids(response) -> set[int]:
    return {row.entry.pk for row in response.context["rows"]}


def test_office_sees_only_entries_of_its_kreis_accounts(world, client, log):
    client.force_login(world.office)
    shown = _ids(_search(client))
    assert {log["owner_early"].pk, log["owner_late"].pk, log["colleague"].pk} <= shown
    assert log["stranger"].pk not in shown
    assert log["admin"].pk not in shown
    assert set(visible_entries(world.office).values_list("pk", flat=True)) >= shown


def test_administrator_sees_every_entry(world, client, log):
    client.force_login(world.admin)
    assert {e.pk for e in log.values()} <= _ids(_search(client))


def test_search_by_user_and_date_range(world, client, log):
    client.force_login(world.office)
    response = _search(client, benutzer=world.owner.pk, von="2026-11-01", bis="2026-11-05")
    assert _ids(response) == {log["owner_early"].pk}
    assert "1 Eintrag" in response.content.decode()


def test_search_by_aktenzeichen_and_action(world, client, log):
    client.force_login(world.office)
    response = _search(client, objekt=world.client.aktenzeichen, aktion="change")
    assert _ids(response) == {log["owner_late"].pk}


def test_office_cannot_search_for_a_user_of_another_kreis(world, client, log):
    client.force_login(world.office)
    stranger = log["stranger"].actor
    response = _search(client, benutzer=stranger.pk)
    assert response.context["form"].errors["benutzer"]
    html = response.content.decode()
    assert f'value="{stranger.pk}"' not in html
    assert log["stranger"].pk not in _ids(response)


def test_an_end_before_the_start_is_refused(world, client, log):
    client.force_login(world.office)
    response = _search(client, von="2026-11-10", bis="2026-11-01")
    assert "Das Ende liegt vor dem Beginn." in response.content.decode()


def test_kinds_have_german_names_and_changes_say_what_changed(world, client, log):
    assert kind_name("clients.client") == "Klient:in"
    assert kind_name("funding.allocation") == "Zuteilung"
    assert kind_name("gone.model") == "gone.model"
    assert describe(log["owner_late"]) == "geändert: Nachname, Wohngemeinde"
    client.force_login(world.office)
    html = _search(client, aktion="change").content.decode()
    assert "<td>Klient:in</td>" in html
    assert "geändert: Nachname, Wohngemeinde" in html


def test_editing_a_client_records_the_changed_fields(world):
    world.client.last_name = "Neu"
    save_client(world.owner, world.client, world.client.version)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).latest("pk")
    assert entry.detail["fields"] == ["last_name"]
    assert describe(entry) == "geändert: Nachname"


def test_reading_the_log_is_itself_audited_with_the_search(world, client, log):
    client.force_login(world.office)
    _search(client, benutzer=world.owner.pk, aktion="view")
    entry = AuditEntry.objects.latest("pk")
    assert entry.actor == world.office
    assert entry.action == AuditEntry.Action.VIEW
    assert entry.object_type == "organisation.landkreis"
    assert entry.detail["event"] == "audit_search"
    assert entry.detail["filters"] == {"benutzer": "owner", "aktion": "view"}


@pytest.mark.parametrize(
    "persona", ["owner", "colleague", "outsider", "municipality_user", "rp_user"]
)
def test_the_log_is_hidden_from_other_roles_and_their_visit_is_not_recorded(world, client, persona):
    client.force_login(getattr(world, persona))
    before = AuditEntry.objects.count()
    assert client.get(reverse("audit_log")).status_code == 404
    assert AuditEntry.objects.count() == before


def test_office_menu_has_the_log(world, client):
    client.force_login(world.office)
    assert f'href="{reverse("audit_log")}">Protokoll</a>' in client.get("/").content.decode()


def test_events_and_counts_are_described_in_german(world):
    closed = record(world.owner, AuditEntry.Action.CHANGE, world.client, event="closed")
    assert describe(closed) == "Fall abgeschlossen"
    export = record(
        world.owner, AuditEntry.Action.EXPORT, world.landkreis, event="client_export", count=12
    )
    assert describe(export) == "Liste exportiert; Zeilen: 12"
    unknown = record(world.owner, AuditEntry.Action.CHANGE, world.client, event="neu_x")
    assert describe(unknown) == "neu_x"
