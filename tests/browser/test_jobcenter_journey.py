"""The Jobcenter hand-over in the browser: the manager records a Jobcenter consent by ticking
its categories, makes the Übermittlungsbogen and finds it listed on the client page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clients.models import JobcenterTransmission
from tests.browser.conftest import login, submit, visit
from tests.test_plans_pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.today]


def test_manager_records_a_jobcenter_consent_and_makes_the_sheet(
    page, live_server, world, tmp_path
):
    login(page, live_server, world.owner.username)
    visit(page, live_server, f"/klienten/{world.client.code}/")
    jobcenter = page.locator("#jobcenter")
    expect(jobcenter).to_contain_text("keine gültige Einwilligung")

    form = page.locator("#einwilligung-erfassen")
    form.locator("summary").click()
    form.get_by_label("Art", exact=True).select_option(
        label="Weitergabe von Daten an das Jobcenter"
    )
    submit(page, form.get_by_role("button", name="Einwilligung speichern"))
    expect(page.locator("main")).to_contain_text(
        "Bitte wählen Sie, welche Daten an das Jobcenter weitergegeben werden dürfen."
    )

    # Back on the page with the form open and the kind kept.
    form = page.locator("#einwilligung-erfassen")
    expect(form.get_by_label("Art", exact=True)).to_have_value("jobcenter")
    form.get_by_label("Sprachkenntnisse, Deutschkurse und Sprachzertifikate", exact=True).check()
    form.get_by_label("Arbeit und Ausbildung", exact=True).check()
    submit(page, form.get_by_role("button", name="Einwilligung speichern"))
    expect(page.locator("main")).to_contain_text("Die Einwilligung wurde erfasst.")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Übermittlungsbogen Jobcenter erstellen (PDF)").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = pdf_text(path.read_bytes(), tmp_path)
    assert "Übermittlungsbogen an das Jobcenter" in text
    assert "Arbeit und Ausbildung" in text
    assert JobcenterTransmission.objects.get().categories == ["sprache", "arbeit"]

    visit(page, live_server, f"/klienten/{world.client.code}/")
    expect(page.locator("#jobcenter")).to_contain_text("Bisherige Übermittlungen")
