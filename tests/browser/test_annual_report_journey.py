"""The Jahresbericht in a browser: the office writes the text blocks, opens the report and
downloads its PDF and DOCX; the RP looks at its Kreise and downloads the consolidated table."""

from __future__ import annotations

import datetime as dt
import io

import docx
import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from imcase.celery import app as celery_app
from reporting import services
from tests.browser.conftest import follow, login, submit, visit
from tests.factories import ConsultationFactory

# Dates are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = [pytest.mark.browser, pytest.mark.today]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_office_writes_the_texts_and_opens_the_annual_report(
    page, live_server, world, tmp_path, monkeypatch
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # no broker in the test
    year = timezone.localdate().year - 1
    for day in (dt.date(year, 3, 3), dt.date(year, 9, 9)):
        ConsultationFactory(client=world.client, provider=world.provider, date=day)

    login(page, live_server, world.office.username)
    follow(page, page.get_by_role("navigation").get_by_role("link", name="Jahresbericht"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Jahresbericht Integrationsmanagement {year}"
    )
    follow(page, page.get_by_role("link", name="Texte bearbeiten"))
    page.get_by_label("Einleitung").fill("Das Integrationsmanagement im Landkreis Testkreis.")
    page.get_by_label("Sachbericht").fill("Erster Absatz.\n\nZweiter Absatz.")
    page.get_by_label("Ausblick").fill("Im nächsten Jahr: Sprechstunden in allen Gemeinden.")
    submit(page, page.get_by_role("button", name="Speichern"))
    expect(page.locator(".alert-success")).to_contain_text(
        f"Die Texte des Jahresberichts {year} wurden gespeichert."
    )
    main = page.locator("main")
    expect(main).to_contain_text("Das Integrationsmanagement im Landkreis Testkreis.")
    expect(main).to_contain_text("Zweiter Absatz.")
    expect(page.get_by_role("row", name="K01 Beratungskontakte")).to_contain_text("2")
    expect(
        page.get_by_role(
            "table", name=f"Geförderte Beratungskontakte im Jahr {year} je Monat (K01)"
        )
    ).to_be_visible()
    expect(main).not_to_contain_text("Haddad")

    submit(page, page.get_by_role("button", name="Als Word-Datei (DOCX) herunterladen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Jahresbericht (DOCX)")
    with page.expect_download() as info:
        page.get_by_role("link", name="Datei herunterladen").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == f"jahresbericht-{year}.docx"
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Zweiter Absatz." in text
    assert len(document.inline_shapes) >= 1

    visit(page, live_server, f"/berichte/jahresbericht/?jahr={year}")
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert info.value.suggested_filename == f"jahresbericht-{year}.pdf"


def test_rp_sees_its_kreise_and_downloads_the_consolidated_table(
    page, live_server, world, tmp_path
):
    year = timezone.localdate().year - 1
    ConsultationFactory(client=world.client, provider=world.provider, date=dt.date(year, 3, 3))
    submission = services.finalise(
        world.office, year, "", "http://testserver/", today=timezone.localdate()
    )

    login(page, live_server, world.rp_user.username)
    follow(page, page.get_by_role("navigation").get_by_role("link", name="Kreise je Jahr"))
    page.get_by_label("Berichtsjahr").select_option(str(year))
    submit(page, page.get_by_role("button", name="Anzeigen"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Kennzahlentabellen {year} der Kreise"
    )
    row = page.get_by_role("row", name="Landkreis Testkreis")
    expect(row).to_contain_text("Abgabe 1")
    follow(page, page.get_by_role("link", name="Landkreis Testkreis"))
    expect(page.locator("main")).to_contain_text("Korrekturen: 0")
    visit(page, live_server, f"/berichte/kreise/?jahr={year}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Alle Kreise als Excel herunterladen").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active.values)
    ours = dict(zip(rows[0], rows[1], strict=True))
    assert ours["Kreis"] == "Landkreis Testkreis"
    assert ours["SHA-256 der Datei"] == submission.sha256
    assert ours["K01 Beratungskontakte"] == 1
