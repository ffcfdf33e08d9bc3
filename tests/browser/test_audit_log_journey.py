"""The office finds an entry in the audit log by user and date; the admin's breadcrumbs and the
import page with its templates pass axe."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from tests.browser.conftest import follow, login, submit, visit

pytestmark = pytest.mark.browser


def _at(day: str, actor, obj, label: str) -> AuditEntry:
    with time_machine.travel(dt.datetime.fromisoformat(f"{day}T10:00:00+01:00"), tick=False):
        return record(actor, AuditEntry.Action.VIEW, obj, label=label, read="Klientenseite")


def test_office_finds_an_entry_by_user_and_date(page, live_server, world):
    _at("2026-11-03", world.owner, world.client, world.client.aktenzeichen)
    _at("2026-11-10", world.owner, world.other_client, "AZ-GESUCHT")
    _at("2026-11-10", world.colleague, world.client, "AZ-KOLLEGIN")

    login(page, live_server, world.office.username)
    follow(page, page.get_by_role("link", name="Protokoll", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Protokoll der Zugriffe")

    page.get_by_label("Benutzer:in").select_option(value=str(world.owner.pk))
    page.get_by_label("von (Datum)").fill("2026-11-09")
    page.get_by_label("bis (Datum)").fill("2026-11-11")
    submit(page, page.get_by_role("button", name="Suchen"))

    table = page.get_by_role("table", name="Protokolleinträge")
    expect(table).to_contain_text("AZ-GESUCHT")
    expect(table).to_contain_text("Klient:in")
    expect(table).to_contain_text("10.11.2026")
    expect(table).not_to_contain_text("AZ-KOLLEGIN")
    expect(table).not_to_contain_text(world.client.aktenzeichen)
    expect(page.get_by_role("status").filter(has_text="Eintrag")).to_have_text("1 Eintrag")


def test_admin_breadcrumbs_pass_axe(page, live_server, world):
    login(page, live_server, world.admin.username)
    visit(page, live_server, "/verwaltung/organisation/")
    expect(page.locator("div.breadcrumbs a").first).to_have_css("text-decoration-line", "underline")


def test_import_page_offers_both_templates(page, live_server, world):
    login(page, live_server, world.office.username)
    visit(page, live_server, "/klienten/import/")
    expect(page.get_by_role("link", name="Vorlage als CSV")).to_be_visible()
    expect(page.get_by_role("link", name="Vorlage als Excel-Arbeitsmappe (XLSX)")).to_be_visible()
