"""The funding procedure in the browser: the office draws and sends the lists, a municipality
user corrects his list (strikes a person with a reason, adds a child) and returns it, the office
publishes the split, and the municipality downloads its allocation sheet (PDF and XLSX)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from funding import services
from funding.models import AllocationRevision, ListEntry, PersonList
from imcase.celery import app as celery_app
from tests.browser.conftest import follow, login, submit
from tests.factories import ClientFactory
from tests.test_funding_support import make_funding

pytestmark = pytest.mark.browser


def logout(page) -> None:
    submit(page, page.get_by_role("button", name="Abmelden"))


def test_lists_are_corrected_then_the_office_publishes_and_the_municipality_downloads(
    page, live_server, world, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # as in the demo: no broker
    make_funding(world)
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm questions

    # Office: steps 1 and 2.
    login(page, live_server, world.office.username)
    follow(page, page.get_by_role("link", name="Förderung", exact=True))
    follow(page, page.get_by_role("link", name="2025", exact=True))
    submit(page, page.get_by_role("button", name="Listen aus den Zuweisungsdaten erstellen"))
    expect(page.locator("main")).to_contain_text("2 Listen erstellt")
    submit(page, page.get_by_role("button", name="Listen an die Gemeinden versenden"))
    expect(page.locator("main")).to_contain_text("2 Listen wurden versandt")
    logout(page)

    # Municipality: steps 3 and 4.
    login(page, live_server, world.municipality_user.username)
    follow(page, page.get_by_role("link", name="Förderung", exact=True))
    follow(page, page.get_by_role("link", name="Personenliste 2025"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Personenliste Altstadt")
    expect(page.locator("main")).to_contain_text("Es zählen 3 Personen")

    follow(page, page.get_by_role("link", name="Yusuf Haddad streichen"))
    submit(page, page.get_by_role("button", name="Streichen"))  # no reason: refused
    expect(page.locator("main")).to_contain_text("Bitte wählen Sie einen Grund")
    page.get_by_label("Grund der Streichung").select_option(label="weggezogen")
    page.get_by_label("Erläuterung").fill("nach Stuttgart, 10.11.2022")
    submit(page, page.get_by_role("button", name="Streichen"))
    expect(page.locator("main")).to_contain_text("Yusuf Haddad wurde gestrichen")
    expect(page.locator("main")).to_contain_text("gestrichen: weggezogen: nach Stuttgart")

    page.get_by_label("Elternteil auf der Liste").select_option(label="Osman, Abdi (30.01.1979)")
    page.get_by_label("Nachname des Kindes").fill("Osman")
    page.get_by_label("Vorname des Kindes").fill("Lina")
    page.get_by_label("Geburtsdatum").fill("2022-08-09")
    submit(page, page.get_by_role("button", name="Kind ergänzen"))
    expect(page.locator("main")).to_contain_text("Lina Osman wurde als nachgeborenes Kind")
    expect(page.locator("main")).to_contain_text("Kind von Abdi Osman")
    expect(page.locator("main")).to_contain_text("Es zählen 3 Personen (1 gestrichen, 1 nachgeb")

    submit(page, page.get_by_role("button", name="Liste zurückmelden"))
    expect(page.locator("main")).to_contain_text("an die Koordinierungsstelle zurückgemeldet")
    expect(page.get_by_role("button", name="Kind ergänzen")).to_have_count(0)
    logout(page)

    town_list = PersonList.objects.get(municipality=world.town)
    assert town_list.status == PersonList.Status.SUBMITTED
    assert town_list.entries.filter(kind=ListEntry.Kind.CHILD, first_name="Lina").exists()

    # Office: steps 5 and 6.
    login(page, live_server, world.office.username)
    follow(page, page.get_by_role("link", name="Förderung", exact=True))
    follow(page, page.get_by_role("link", name="2025", exact=True))
    expect(page.locator("main")).to_contain_text("1 zurückgemeldet")
    follow(page, page.get_by_role("link", name="Verteilung berechnen"))
    expect(page.locator("main")).to_contain_text("1 Liste noch nicht zurückgemeldet")
    expect(page.locator("main")).to_contain_text("904.800,00 €")  # 3 of 5 persons
    submit(page, page.get_by_role("button", name="Verteilung veröffentlichen"))
    expect(page.locator("main")).to_contain_text("als Revision 1 veröffentlicht")
    follow(page, page.get_by_role("link", name="Revision 1", exact=True))
    submit(page, page.get_by_role("button", name="Übersicht herunterladen (XLSX)"))
    with page.expect_download() as overview:
        page.get_by_role("link", name="Datei herunterladen").click()
    rows = list(
        load_workbook(io.BytesIO(_read(overview.value)), read_only=True)["Verteilung"].iter_rows(
            values_only=True
        )
    )
    assert rows[0] == ("AGS", "Gemeinde", "Personen", "Anteil", "Betrag (EUR)", "VZÄ")
    logout(page)
    assert AllocationRevision.objects.get().number == 1

    # Municipality: the allocation sheet.
    login(page, live_server, world.municipality_user.username)
    follow(page, page.get_by_role("link", name="Förderung", exact=True))
    follow(page, page.get_by_role("link", name="Zuteilungsblatt 2025"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zuteilung 2025 – Altstadt")
    expect(page.locator("main")).to_contain_text("904.800,00 €")
    expect(page.locator("main")).to_contain_text("12,93 VZÄ")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Zuteilungsblatt herunterladen (PDF)").click()
    assert _read(pdf.value).startswith(b"%PDF")
    assert pdf.value.suggested_filename == "zuteilung-2025-08999001-revision-1.pdf"
    submit(page, page.get_by_role("button", name="Zuteilungsblatt herunterladen (XLSX)"))
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Datei herunterladen").click()
    sheet = load_workbook(io.BytesIO(_read(xlsx.value)))["Zuteilung"]
    assert sheet["A1"].value == "Zuteilung Integrationsmanagement 2025 – Altstadt"


def _read(download) -> bytes:
    with open(download.path(), "rb") as handle:
        return handle.read()


def test_office_creates_a_year_adds_a_deduction_and_reopens_a_returned_list(
    page, live_server, world
):
    ClientFactory(municipality=world.town, last_name="Nasser", assignment_date=dt.date(2021, 5, 5))
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, world.office.username)
    follow(page, page.get_by_role("link", name="Förderung", exact=True))
    follow(page, page.get_by_role("link", name="Neues Förderjahr anlegen"))
    page.get_by_label("Förderjahr").fill("2025")
    page.get_by_label("Landesmittel insgesamt (EUR)").fill("40.000.000,00")
    submit(page, page.get_by_role("button", name="Speichern"))  # the quota is missing
    expect(page.locator("main")).to_contain_text("Zuteilungsquote")
    page.get_by_label("Zuteilungsquote des Kreises (%)").fill("3,77")
    submit(page, page.get_by_role("button", name="Speichern"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Förderjahr 2025")
    expect(page.locator("main")).to_contain_text("1.508.000,00 €")

    page.get_by_label("Bezeichnung").fill("Koordinierungsstelle")
    page.get_by_label("Betrag (EUR)").fill("40.000,00")
    submit(page, page.get_by_role("button", name="Abzug eintragen"))
    expect(page.locator("main")).to_contain_text("1.468.000,00 €")
    follow(page, page.get_by_role("link", name="Angaben bearbeiten"))
    page.get_by_label("Rückmeldefrist der Gemeinden").fill("2024-01-31")
    submit(page, page.get_by_role("button", name="Speichern"))
    expect(page.locator("main")).to_contain_text("31.01.2024")

    submit(page, page.get_by_role("button", name="Listen aus den Zuweisungsdaten erstellen"))
    submit(page, page.get_by_role("button", name="Listen an die Gemeinden versenden"))
    town_list = PersonList.objects.get(municipality=world.town)
    services.submit_list(world.municipality_user, town_list, town_list.version)
    follow(page, page.get_by_role("link", name="Altstadt"))
    expect(page.locator("main")).to_contain_text("Nasser, Amina")
    submit(page, page.get_by_role("button", name="Liste wieder öffnen"))
    expect(page.locator("main")).to_contain_text("wieder zur Korrektur geöffnet")
    town_list.refresh_from_db()
    assert town_list.status == PersonList.Status.SENT
