"""The handover from the VU in a browser: the VU's social worker finds the arriving person by
Aktenzeichen and birth date, is refused health hints without consent, saves the note with the
consent stated; the manager then reads it on the client page (axe on every page)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import follow, login, submit, visit
from tests.factories import ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.today("2026-11-16")]


def test_vu_hands_a_person_over_and_the_manager_reads_the_note(page, live_server, world):
    arriving = ClientFactory(
        municipality=world.town,
        manager=world.owner,
        aktenzeichen="VU-2026-0042",
        last_name="Karimi",
        first_name="Fatima",
        birth_date=dt.date(1988, 2, 14),
        assignment_date=dt.date(2026, 11, 2),
        opened_on=dt.date(2026, 11, 2),
    )
    login(page, live_server, world.vu_user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Übergabe aus der vorläufigen Unterbringung"
    )
    follow(page, page.locator("main").get_by_role("link", name="Übergabe erfassen"))

    page.get_by_label("Aktenzeichen").fill("VU-2026-0042")
    page.get_by_label("Geburtsdatum").fill("1988-02-15")
    submit(page, page.get_by_role("button", name="Person suchen"))
    expect(page.get_by_role("alert")).to_contain_text("keine Person")

    page.get_by_label("Geburtsdatum").fill("1988-02-14")
    submit(page, page.get_by_role("button", name="Person suchen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Übergabenotiz für Fatima Karimi")
    page.get_by_label("Sprachen").fill("Dari: Muttersprache\nDeutsch: A1")
    page.get_by_label("Offene Verfahren").fill("Familiennachzug des Ehemanns beantragt")
    page.get_by_label("Pass oder Passersatz").check()
    page.get_by_label("Impfpass").check()
    page.get_by_label("Gesundheitliche Hinweise", exact=True).fill("Diabetes Typ 1")
    submit(page, page.get_by_role("button", name="Übergabenotiz speichern"))
    expect(page.locator("main")).to_contain_text("nur weitergegeben werden, wenn die Person")

    page.get_by_label("Die Person hat in die Weitergabe").check()
    page.get_by_label("Einwilligung erklärt von").select_option("person")
    page.get_by_label("Einwilligung erklärt am").fill("2026-11-12")
    submit(page, page.get_by_role("button", name="Übergabenotiz speichern"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Übergabenotizen")
    expect(page.locator("main")).to_contain_text("Karimi, Fatima (VU-2026-0042)")

    submit(page, page.get_by_role("button", name="Abmelden"))
    login(page, live_server, world.owner.username)
    visit(page, live_server, f"/klienten/{arriving.code}/")
    section = page.locator("#uebergabe")
    expect(section).to_contain_text(
        "Einwilligung zur Weitergabe gesundheitlicher Hinweise: ja, erklärt am 12.11.2026"
    )
    expect(section).to_contain_text("Diabetes Typ 1")
    expect(section).to_contain_text("Dari (Muttersprache), Deutsch (A1)")
