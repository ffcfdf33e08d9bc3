"""In the browser (Chromium, axe-core on every page): the bell and the alert list, and an
export whose progress page polls until the download appears."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from imcase.alerts.services import run_deadline_checks
from imcase.celery import app as celery_app
from imcase.exports import services
from imcase.exports.models import GeneratedFile
from tests.browser.conftest import follow, login, submit, visit

pytestmark = pytest.mark.browser


def test_bell_leads_to_the_alerts_which_can_be_marked_done(page, live_server, world):
    run_deadline_checks(dt.date(2027, 3, 2))
    login(page, live_server, world.owner.username)

    bell = page.get_by_role("link", name="Hinweise 1 offen")
    follow(page, bell)

    expect(page.get_by_role("heading", level=1)).to_have_text("Hinweise")
    expect(page.locator("table")).to_contain_text("Haddad")
    submit(page, page.get_by_role("button", name="Erledigt"))
    expect(page.locator("main")).to_contain_text("Keine offenen Hinweise")
    expect(page.get_by_role("link", name="Hinweise", exact=True)).to_be_visible()


def test_export_page_polls_until_the_download_is_ready(
    page, live_server, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    generated = GeneratedFile.objects.create(
        owner=world.owner,
        export="client_list",
        params={"filters": {}, "day": "2026-06-15"},
        filename="klienten-2026-06-15.xlsx",
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    login(page, live_server, world.owner.username)
    visit(page, live_server, f"/exporte/{generated.code}/")
    download = page.get_by_role("link", name="Datei herunterladen")
    expect(download).to_be_hidden()

    services.generate(generated.pk)  # what the worker does meanwhile

    expect(download).to_be_visible(timeout=10_000)
    expect(page.get_by_role("status")).to_contain_text("Die Datei ist fertig.")
    assert page.locator("progress").get_attribute("value") == "100"
    follow(page, page.locator("main").get_by_role("link", name="Meine Exporte"))
    expect(page.locator("table")).to_contain_text("klienten-2026-06-15.xlsx")


def test_export_button_of_the_client_list_leads_to_the_progress_page(
    page, live_server, world, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the demo: no broker
    login(page, live_server, world.owner.username)
    visit(page, live_server, "/klienten/?fallstatus=open")

    submit(page, page.get_by_role("button", name="Exportieren (XLSX)"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Liste der Klient:innen (XLSX)")
    expect(page.get_by_role("link", name="Datei herunterladen")).to_be_visible()
