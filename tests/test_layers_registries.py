"""The registries through which the apps reach the core's pages and runs: home-page panels per
role, caseload sections, sections of the client's page, retention subjects and steps, the
client-list export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clients import client_page
from clients.caseload import caseload_sections
from clients.retention import ClosedCases
from imcase.alerts import retention
from imcase.exports.registry import get_export
from imcase.organisation.models import Role
from imcase.web import home


@pytest.fixture
def panels(monkeypatch):
    """A copy of the panel registry, so a test's panels do not outlive it."""
    monkeypatch.setattr(home, "PANELS", dict(home.PANELS))
    return home


def note(text: str):
    return lambda request, scope: ("home/heading.html", {"heading": text})


def test_a_panel_shows_on_its_roles_home_page_in_its_order(world, client, panels):
    panels.home_panel(Role.RP, order=10)(note("Zwischenruf des Tests"))
    client.force_login(world.rp_user)

    content = client.get(reverse("home")).content.decode()

    kreise = content.index("Kreise im Regierungsbezirk")
    added = content.index("Zwischenruf des Tests")
    submissions = content.index("Abgegebene Kennzahlentabellen")
    assert kreise < added < submissions


def test_a_panel_does_not_show_on_another_roles_home_page(world, client, panels):
    panels.home_panel(Role.RP, order=10)(note("Zwischenruf des Tests"))
    client.force_login(world.municipality_user)

    content = client.get(reverse("home")).content.decode()

    assert "Altstadt" in content
    assert "Zwischenruf des Tests" not in content


def test_a_panel_that_returns_nothing_leaves_no_trace(world, client, panels):
    panels.home_panel(Role.RP, order=10)(lambda request, scope: None)
    client.force_login(world.rp_user)

    assert client.get(reverse("home")).status_code == 200


def test_a_role_without_panels_gets_the_page_without_role(world, client, monkeypatch):
    monkeypatch.setattr(home, "PANELS", {})
    client.force_login(world.admin)

    content = client.get(reverse("home")).content.decode()

    assert "Noch keine Rolle zugewiesen" in content


def test_case_apps_register_their_home_panels():
    modules = {panel.function.__module__ for panel in home.PANELS.values()}
    assert {"imcase.web.panels", "clients.panels", "funding.panels", "reporting.panels"} <= modules


def test_caseload_shows_the_plans_section_after_the_clients_sections(world):
    keys = [section.key for section in caseload_sections(world.owner, dt.date(2026, 6, 1))]
    assert keys == [
        "endet",
        "beendet",
        "verlaengerung",
        "termine",
        "ohne-kontakt",
        "planueberpruefung",
    ]


def test_retention_knows_its_subjects_and_steps_from_the_apps():
    assert [type(subjects) for subjects in retention.SUBJECTS] == [ClosedCases]
    assert list(retention.ANONYMISERS) == ["clients", "handover_notes", "plans"]


def test_client_list_export_is_registered_from_the_clients_app():
    assert type(get_export("client_list")).__module__ == "clients.exports"


def test_a_client_page_section_shows_on_the_client_page_after_the_plan(world, client, monkeypatch):
    monkeypatch.setattr(client_page, "SECTIONS", dict(client_page.SECTIONS))
    client_page.client_page_section(order=20)(
        lambda user, shown, today: (
            "home/heading.html",
            {"heading": f"Zusatz zu {shown.last_name}"},
        )
    )
    client.force_login(world.owner)

    content = client.get(reverse("clients:detail", args=[world.client.code])).content.decode()

    assert content.index('id="plan-titel"') < content.index("Zusatz zu Haddad")


def test_plans_register_their_summary_on_the_client_page():
    modules = {section.function.__module__ for section in client_page.SECTIONS.values()}
    assert modules == {"plans.client_page", "clients.handover", "clients.outcome_page"}
