"""The annual report in a browser: the coordinating office checks the dashboard, looks at the
Kennzahlentabelle of last year and submits it; the Regierungspräsidium downloads it."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reporting.models import Submission
from tests.browser.conftest import follow, login, submit, visit
from tests.factories import ConsultationFactory

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = [pytest.mark.browser, pytest.mark.today]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_office_submits_last_years_table_and_the_rp_downloads_it(
    page, live_server, world, tmp_path
):
    year = timezone.localdate().year - 1
    for day in (dt.date(year, 3, 3), dt.date(year, 9, 9)):
        ConsultationFactory(client=world.client, provider=world.provider, date=day)

    login(page, live_server, world.office.username)
    follow(page, page.get_by_role("link", name="Übersicht", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Übersicht Landkreis Testkreis")
    expect(page.get_by_role("heading", name="Fälle je Integrationsmanager:in")).to_be_visible()
    page.get_by_label("Jahr").select_option(str(year))
    submit(page, page.get_by_role("button", name="Filtern"))
    expect(page.get_by_role("table", name=f"Geförderte Beratungskontakte im Jahr {year} je Monat"))
    expect(page.get_by_role("row", name=f"März {year} 1")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("Haddad")

    follow(page, page.get_by_role("link", name="Kennzahlen", exact=True))
    page.get_by_label("Berichtsjahr").select_option(str(year))
    submit(page, page.get_by_role("button", name="Anzeigen"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kennzahlentabelle {year}")
    contacts = page.get_by_role("row", name="K01 Beratungskontakte")
    expect(contacts.locator("td").last).to_have_text("2")

    page.get_by_label("Ich habe die Zahlen geprüft").check()
    submit(page, page.get_by_role("button", name="Endgültig abgeben"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Kennzahlentabelle {year} – Abgabe 1"
    )
    expect(page.locator(".alert-success")).to_contain_text("als Abgabe Nr. 1 gespeichert")
    submission = Submission.objects.get()
    submit(page, page.get_by_role("button", name="Abmelden"))

    login(page, live_server, world.rp_user.username)
    expect(
        page.get_by_role("table", name="Zuletzt eingegangene Abgaben der Kreise")
    ).to_contain_text("Landkreis Testkreis")
    follow(page, page.get_by_role("link", name="Abgabe 1"))
    expect(page.locator("main")).to_contain_text(submission.sha256)
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel-Datei herunterladen").click()
    download = info.value
    assert download.suggested_filename == f"kennzahlentabelle-{year}-abgabe-1.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    workbook = openpyxl.load_workbook(path)
    cover = {row[0].value: row[1].value for row in workbook["Deckblatt"].iter_rows(min_row=3)}
    assert cover["Kreis"] == "Landkreis Testkreis"
    assert cover["Berichtsjahr"] == year
    assert cover["Abgabe Nr."] == 1
    contacts = {r[0].value: r[-1].value for r in workbook["Kontakte und Vermittlungen"].iter_rows()}
    assert contacts["K01"] == 2


def test_the_rp_of_another_region_gets_404_on_the_submission(page, live_server, world):
    from tests.factories import RegierungspraesidiumFactory, StaffMemberFactory, UserFactory

    submission = _submit(world)
    stranger = UserFactory(username="rp_freiburg")
    StaffMemberFactory(
        user=stranger,
        role="rp",
        provider=None,
        vza=None,
        regierungspraesidium=RegierungspraesidiumFactory(name="Regierungspräsidium Freiburg"),
    )
    login(page, live_server, stranger.username)
    response = visit(page, live_server, f"/berichte/abgaben/{submission.code}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")


def _submit(world) -> Submission:
    from reporting.services import finalise

    year = timezone.localdate().year - 1
    return finalise(world.office, year, "", "http://testserver/")
