"""Person management and the responsible manager in the browser: a manager creates a person,
edits master data and adds a household member; a team lead assigns three unassigned imported
cases at once (every page checked with axe)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from clients.importer import HEADER, import_assignments
from clients.models import Client
from imcase.alerts.models import Alert
from tests.browser.conftest import follow, login, submit, visit
from tests.factories import TODAY, ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.today]


def test_manager_creates_a_person_edits_master_data_and_adds_a_household_member(
    page, live_server, world
):
    daughter = ClientFactory(
        municipality=world.town,
        manager=world.owner,
        last_name="Rahimi",
        first_name="Mina",
        birth_date=TODAY.replace(year=2015),
        aktenzeichen="AZ-MINA",
    )
    login(page, live_server, world.owner.username)

    # "Neue Person" on the home page.
    follow(page, page.get_by_role("link", name="Neue Person", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Neue Person anlegen")
    page.get_by_label("Aktenzeichen").fill("AZ-RAHIMI-1")
    page.get_by_label("Nachname").fill("Rahimi")
    page.get_by_label("Vorname").fill("Farid")
    page.get_by_label("Geburtsdatum").fill("1988-02-10")
    page.get_by_label("Geschlecht").select_option("m")
    page.get_by_label("Staatsangehörigkeit", exact=True).select_option("AFG")
    page.get_by_label("Sprachen").fill("Dari, Paschtu")
    page.get_by_label("neuer Haushalt").check()
    page.get_by_label("Haushaltsschlüssel").fill("HH-RAHIMI")
    page.get_by_label("Wohngemeinde").select_option(label="Altstadt")
    page.get_by_label("Zuweisung in die AU").fill("2024-03-01")
    submit(page, page.get_by_role("button", name="Person anlegen"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Rahimi, Farid")
    expect(page.get_by_text("Farid Rahimi wurde angelegt.")).to_be_visible()
    farid = Client.objects.get(aktenzeichen="AZ-RAHIMI-1")
    assert farid.manager == world.owner
    assert farid.household_role == Client.HouseholdRole.HEAD

    # "Stammdaten bearbeiten": a changed assignment date recomputes the window as of today.
    follow(page, page.get_by_role("link", name="Stammdaten bearbeiten"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rahimi, Farid bearbeiten")
    page.get_by_label("Vorname").fill("Farid Ahmad")
    page.get_by_label("Zuweisung in die AU").fill("2024-06-01")
    submit(page, page.get_by_role("button", name="Änderungen speichern"))
    expect(
        page.get_by_text(re.compile("Beratungszeitraum wurde neu berechnet: 01.06.2024"))
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rahimi, Farid Ahmad")

    # Household: add the daughter (a child, so her role by age is "Kind").
    follow(page, page.get_by_role("link", name="Haushalt verwalten"))
    page.get_by_label("Aktenzeichen der Person").fill(daughter.aktenzeichen)
    submit(page, page.get_by_role("button", name="Bestehende Person hinzufügen"))
    expect(page.get_by_text("Mina Rahimi gehört jetzt zum Haushalt (Kind).")).to_be_visible()
    expect(page.get_by_role("link", name="Rahimi, Mina")).to_be_visible()

    # A child is never Bezugsperson: the page says so and changes nothing.
    page.get_by_label("Rolle von Mina Rahimi").select_option("bezugsperson")
    submit(page, page.get_by_role("button", name="Rollen speichern"))
    expect(page.get_by_role("alert")).to_contain_text("kann nicht Bezugsperson sein")
    daughter.refresh_from_db()
    assert daughter.household_role == Client.HouseholdRole.CHILD
    assert daughter.household == Client.objects.get(pk=farid.pk).household

    # A new member: the new-person form opens with the household filled in.
    follow(page, page.get_by_role("link", name="Neue Person in diesem Haushalt anlegen"))
    expect(page.get_by_label("Haushaltsschlüssel")).to_have_value("HH-RAHIMI")
    expect(page.get_by_label("bestehender Haushalt")).to_be_checked()


def _import_three_unassigned(world) -> None:
    lines = [";".join(HEADER)]
    for number, (last, first) in enumerate(
        [("Ahmadi", "Reza"), ("Berisha", "Arben"), ("Celik", "Ayse")], start=1
    ):
        lines.append(
            f"IMP-{number};{last};{first};01.02.1990;m;SYR;{world.town.ags};01.03.2026;"
            "Zuweisung;Schutzstatus;"
        )
    result = import_assignments(
        "\n".join(lines).encode(), landkreis=world.landkreis, actor=world.office, today=TODAY
    )
    assert result.created == 3


def test_team_lead_assigns_three_unassigned_imported_cases_at_once(page, live_server, world):
    _import_three_unassigned(world)
    login(page, live_server, world.colleague.username)

    # The team lead's home: how many are unassigned, and each member's load per VZÄ.
    expect(page.locator("main")).to_contain_text("Nicht zugeordnete offene Fälle: 3")
    expect(page.get_by_role("table", name=re.compile("je VZÄ"))).to_be_visible()
    follow(page, page.get_by_role("link", name="Nicht zugeordnete Fälle zuweisen"))

    expect(page.get_by_role("status")).to_contain_text("3")
    for name in ("Ahmadi, Reza", "Berisha, Arben", "Celik, Ayse"):
        page.get_by_role("checkbox", name=f"{name} auswählen").check()
    owner_name = world.owner.get_full_name()
    page.get_by_label("Ausgewählte Fälle zuweisen an").select_option(label=owner_name)
    submit(page, page.get_by_role("button", name="Zuweisen", exact=True))

    expect(page.get_by_text(f"3 Fälle wurden {owner_name} zugewiesen.")).to_be_visible()
    expect(page.get_by_text("Keine Klient:innen.")).to_be_visible()  # the filter stays
    assert set(
        Client.objects.filter(aktenzeichen__startswith="IMP-").values_list("manager", flat=True)
    ) == {world.owner.pk}
    assert Alert.objects.filter(recipient=world.owner, kind="case_assigned").count() == 3

    visit(page, live_server, "/")
    expect(page.locator("main")).to_contain_text("Nicht zugeordnete offene Fälle: 0")


def test_manager_takes_over_an_unassigned_case_from_the_client_page(page, live_server, world):
    person = ClientFactory(municipality=world.town, manager=None, last_name="Ahmadi")
    login(page, live_server, world.owner.username)
    follow(page, page.get_by_role("link", name=re.compile("Nicht zugeordnete Fälle ansehen")))
    follow(page, page.get_by_role("link", name=f"Ahmadi, {person.first_name}"))
    submit(page, page.get_by_role("button", name="Fall übernehmen"))
    expect(page.get_by_text(f"Sie sind jetzt für {person.full_name} zuständig.")).to_be_visible()
    expect(page.get_by_role("button", name="Fall übernehmen")).to_have_count(0)
