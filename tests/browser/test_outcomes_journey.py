"""A manager records a B1 certificate (Integrationskurs) and the start of an employment
subject to social insurance from the client page, on a phone, and sees both under
"Wirkungen"; axe checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from clients.outcome_kinds import ensure_default_kinds
from tests.browser.conftest import follow, login, submit, visit

# The dates below fit the clock's day, tests.factories.TODAY (16.11.2026).
pytestmark = [pytest.mark.browser, pytest.mark.today]

PHONE = (390, 844)


def assert_fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"{page.url} ist {width} px breit"


def record_outcome_link(page: Page):
    return page.get_by_role("navigation", name="Aktionen zu dieser Person").get_by_role(
        "link", name="Wirkung erfassen"
    )


def test_manager_records_a_b1_certificate_and_an_employment_start(page, live_server, world):
    # The browser tests' database flush removes the data migration's vocabulary.
    ensure_default_kinds()
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    login(page, live_server, world.owner.username)
    visit(page, live_server, f"/klienten/{world.client.code}/")
    expect(page.locator("#wirkungen")).to_contain_text("Noch keine Wirkung erfasst")
    assert_fits_the_phone(page)

    # The B1 certificate of the Integrationskurs.
    follow(page, record_outcome_link(page))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wirkung erfassen")
    expect(page.get_by_label("Beginn / Datum")).to_have_value("2026-11-16")
    expect(page.get_by_label("Nachweis gesehen")).to_be_checked()
    assert_fits_the_phone(page)
    page.get_by_label("Art der Wirkung").select_option(label="Integrationskurs")
    page.get_by_label("Beginn / Datum").fill("2025-09-01")
    page.get_by_label("Ende", exact=True).fill("2026-06-20")
    page.get_by_label("Zertifikat (Niveau)").select_option("B1")
    page.get_by_label("Zertifikat vom").fill("2026-06-30")
    submit(page, page.get_by_role("button", name="Wirkung speichern"))

    expect(page.locator("main")).to_contain_text("wurde gespeichert")
    section = page.locator("#wirkungen")
    expect(section).to_contain_text("Integrationskurs")
    expect(section).to_contain_text("Zertifikat B1 vom 30.06.2026")

    # The employment: details that do not fit the kind are refused next to the field.
    follow(page, record_outcome_link(page))
    page.get_by_label("Art der Wirkung").select_option(
        label="sozialversicherungspflichtige Beschäftigung"
    )
    page.get_by_label("Beginn / Datum").fill("2026-10-01")
    page.get_by_label("Zertifikat (Niveau)").select_option("B1")
    page.get_by_label("Stundenumfang").select_option(label="30 Stunden/Woche und mehr")
    page.get_by_label("Mitteilung Jobcenter").check()
    submit(page, page.get_by_role("button", name="Wirkung speichern"))
    expect(page.locator("main")).to_contain_text("hat kein Zertifikat")
    assert_fits_the_phone(page)
    page.get_by_label("Zertifikat (Niveau)").select_option(label="kein Zertifikat")
    submit(page, page.get_by_role("button", name="Wirkung speichern"))

    expect(page.locator("main")).to_contain_text("wurde gespeichert")
    section = page.locator("#wirkungen")
    expect(section.locator("li")).to_have_count(2)
    expect(section).to_contain_text("sozialversicherungspflichtige Beschäftigung ab 01.10.2026")
    expect(section).to_contain_text("30 Stunden/Woche und mehr")
    expect(section).to_contain_text("Mitteilung Jobcenter")
    expect(section).to_contain_text("Zertifikat B1 vom 30.06.2026")
    expect(page.get_by_role("heading", name="Wirkungen")).to_contain_text("2")
    assert_fits_the_phone(page)

    # The outcome's own page: correction form and history.
    follow(page, section.get_by_role("link", name=re.compile(r"^korrigieren\W+Integrationskurs")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wirkung korrigieren")
    expect(page.get_by_role("table")).to_contain_text("erfasst")
    assert_fits_the_phone(page)
