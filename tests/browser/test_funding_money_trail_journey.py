"""Issue 12 in the browser: a municipality passes IM to a welfare organisation and the office
confirms it; the office reports the Landratsamt's own IM and the use of the coordinating
position for the Gesamtverwendungsnachweis; a Böblingen-style programme with the Landkreis as
applicant and a reported position. Refusals show German errors and keep what was typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funding.models import Decision, Deduction
from funding.services import population as population_services
from tests.browser.conftest import follow, login, submit, visit
from tests.factories import TODAY, FundingYearFactory
from tests.test_funding_decisions import publish_amounts

pytestmark = [pytest.mark.browser, pytest.mark.today]


def logout(page) -> None:
    submit(page, page.get_by_role("button", name="Abmelden"))


def test_a_welfare_organisation_takes_over_from_1_january(page, live_server, world):
    year = TODAY.year + 1
    FundingYearFactory(landkreis=world.landkreis, year=year)
    login(page, live_server, world.municipality_user.username)
    visit(page, live_server, f"/foerderung/jahre/{year}/entscheidung/")
    page.get_by_label("durch einen Träger der freien Wohlfahrtspflege (Nr. 3.2)").check()
    page.get_by_label("Bemerkung").fill("Gemeinderat 12.05.")
    submit(page, page.get_by_role("button", name="Entscheidung melden"))
    expect(page.locator("main")).to_contain_text("Bitte geben Sie den Träger der freien")
    expect(page.get_by_label("Bemerkung")).to_have_value("Gemeinderat 12.05.")
    page.get_by_role("textbox", name="Träger der freien Wohlfahrtspflege").fill(
        "Caritasverband Testkreis e. V."
    )
    page.get_by_label("die Gemeinde").check()
    submit(page, page.get_by_role("button", name="Entscheidung melden"))
    expect(page.locator("main")).to_contain_text("an die Koordinierungsstelle gemeldet")
    decision = Decision.objects.get()
    logout(page)

    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, world.office.username)
    visit(page, live_server, f"/foerderung/entscheidungen/{decision.code}/")
    submit(page, page.get_by_role("button", name="Entscheidung bestätigen"))
    expect(page.locator("main")).to_contain_text(
        f"Träger ab 1. Januar {year}: Caritasverband Testkreis e. V."
    )


def test_the_office_completes_the_money_trail(page, live_server, world):
    year = FundingYearFactory(landkreis=world.landkreis)
    Deduction.objects.create(
        funding_year=year, name="Koordinierungsstelle", amount=Decimal("40000.00")
    )
    revision = publish_amounts(
        world, year, {world.town: Decimal("904800.00"), world.other_town: Decimal("603200.00")}
    )
    revision.kreis_amount = Decimal("1548000.00")
    revision.save()
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, live_server, world.office.username)
    visit(page, live_server, "/foerderung/jahre/2025/verwendungsnachweise/")
    expect(page.locator("main")).to_contain_text("1.548.000,00 €")
    page.get_by_label("Ausgaben (EUR)").fill("viel")
    page.get_by_label("Verwendung").fill("Koordinierende Stelle 0,5 VZÄ")
    submit(page, page.get_by_role("button", name="Speichern"))
    expect(page.locator("main")).to_contain_text("Bitte geben Sie einen Betrag in Euro an")
    expect(page.get_by_label("Verwendung")).to_have_value("Koordinierende Stelle 0,5 VZÄ")
    page.get_by_label("Ausgaben (EUR)").fill("39.870,12")
    page.get_by_label("VZÄ").fill("0,5")
    submit(page, page.get_by_role("button", name="Speichern"))
    expect(page.locator("main")).to_contain_text("wurde gespeichert")

    submit(
        page,
        page.get_by_role("button", name="Verwendungsnachweis Landratsamt Testkreis erfassen"),
    )
    page.get_by_label("Personalkosten (EUR)").fill("820.000,00")
    page.get_by_label("Sonstige Kosten (EUR)").fill("61.250,00")
    page.get_by_label("Beschäftigte VZÄ").fill("11,5")
    page.get_by_label("Sachbericht").fill("Drei Regionalteams berieten 630 Personen.")
    submit(page, page.get_by_role("button", name="Speichern"))
    submit(page, page.get_by_role("button", name="Verwendungsnachweis einreichen"))
    expect(page.locator("main")).to_contain_text("eingereicht")
    visit(page, live_server, "/foerderung/jahre/2025/verwendungsnachweise/")
    expect(page.locator("main")).to_contain_text("881.250,00 €")


def test_a_programme_with_the_landkreis_as_applicant_and_its_position(page, live_server, world):
    world.town.population = 50_000
    world.town.save()
    world.other_town.population = 9_000
    world.other_town.save()
    programme = population_services.create_programme(
        world.office,
        world.landkreis,
        {
            "name": "Soforthilfe Ukraine",
            "year": 2024,
            "amount": Decimal("282709.99"),
            "min_vza": Decimal("0.50"),
            "cost_per_vza": Decimal("70000.00"),
        },
    )
    population_services.add_applicant(world.office, programme, world.other_town, 1)

    login(page, live_server, world.office.username)
    visit(page, live_server, f"/foerderung/einwohnerschluessel/{programme.code}/")
    page.get_by_label("der Landkreis").check()
    submit(page, page.get_by_role("button", name="Eintragen").last)
    expect(page.locator("main")).to_contain_text("Bitte wählen Sie die Gemeinden")
    page.get_by_label("der Landkreis").check()
    page.get_by_label("Altstadt").check()
    submit(page, page.get_by_role("button", name="Eintragen").last)
    expect(page.locator("main")).to_contain_text("Landkreis Testkreis ist als Antragsteller")

    follow(page, page.get_by_role("link", name="Stelle von Landkreis Testkreis eintragen"))
    page.get_by_label("Geschaffene Stelle (VZÄ)").fill("1,5")
    page.get_by_label("Bemerkung").fill("zwei Teilzeitstellen")
    submit(page, page.get_by_role("button", name="Stelle eintragen"))
    expect(page.locator("main")).to_contain_text("ab wann die Stelle besetzt ist")
    expect(page.get_by_label("Bemerkung")).to_have_value("zwei Teilzeitstellen")
    page.get_by_label("Besetzt ab").fill("2024-03-01")
    submit(page, page.get_by_role("button", name="Stelle eintragen"))
    expect(page.locator("main")).to_contain_text("1,50 VZÄ ab 01.03.2024")


def test_the_landkreis_passes_its_task_and_a_town_reports_its_position(page, live_server, world):
    year = TODAY.year + 1
    FundingYearFactory(landkreis=world.landkreis, year=year)
    world.town.population = 50_000
    world.town.save()
    programme = population_services.create_programme(
        world.office,
        world.landkreis,
        {
            "name": "Soforthilfe Ukraine",
            "year": 2024,
            "amount": Decimal("282709.99"),
            "min_vza": Decimal("0.50"),
            "cost_per_vza": Decimal("70000.00"),
        },
    )
    population_services.add_applicant(world.office, programme, world.town, 1)

    login(page, live_server, world.office.username)
    visit(page, live_server, f"/foerderung/jahre/{year}/entscheidungen/")
    follow(page, page.get_by_role("link", name="Aufgabe für Altstadt an freien Träger übertragen"))
    page.get_by_label("Bemerkung").fill("Kreistag 14.03.")
    submit(page, page.get_by_role("button", name="Übertragung eintragen"))
    expect(page.locator("main")).to_contain_text("Bitte geben Sie den Träger der freien")
    expect(page.get_by_label("Bemerkung")).to_have_value("Kreistag 14.03.")
    page.get_by_label("Träger der freien Wohlfahrtspflege").fill("AWO Testkreis")
    submit(page, page.get_by_role("button", name="Übertragung eintragen"))
    expect(page.locator("main")).to_contain_text("übertragen durch den Landkreis")
    logout(page)

    login(page, live_server, world.municipality_user.username)
    follow(page, page.get_by_role("link", name="Förderung", exact=True))
    follow(page, page.get_by_role("link", name="Anträge nach Einwohnerzahl"))
    follow(page, page.get_by_role("link", name="Stelle für Soforthilfe Ukraine 2024 melden"))
    page.get_by_label("Geschaffene Stelle (VZÄ)").fill("0,5")
    page.get_by_label("Besetzt ab").fill("2024-04-01")
    page.get_by_label("Mit Eigenmitteln aufgestockt").check()
    submit(page, page.get_by_role("button", name="Stelle eintragen"))
    expect(page.locator("main")).to_contain_text("0,50 VZÄ ab 01.04.2024, mit Eigenmitteln")
