"""A manager writes an Integrationsplan with one goal in part A and one in part B, evaluates
the A goal as reached and downloads the PDF to sign."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.services import refresh_window
from plans.defaults import ensure_default_fields
from plans.models import Goal, GoalStatus
from tests.browser.conftest import follow, login, submit, visit
from tests.test_plans_pdf import contains_arabic, pdf_text

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = [pytest.mark.browser, pytest.mark.today]

ARABIC_NAME = "أمينة حداد"


@pytest.fixture
def client_with_window(world):
    # The browser tests' database flush removes the data migration's fields: create them.
    ensure_default_fields()
    world.client.native_name = ARABIC_NAME
    world.client.assignment_date = timezone.localdate() - dt.timedelta(days=400)
    refresh_window(world.client)
    world.client.save()
    return world.client


def test_manager_writes_evaluates_and_downloads_a_plan(
    page, live_server, world, client_with_window, tmp_path
):
    login(page, live_server, world.owner.username)
    visit(page, live_server, f"/klienten/{client_with_window.code}/")
    summary = page.locator("#integrationsplan")
    expect(summary).to_contain_text("noch keinen Integrationsplan")
    follow(page, summary.get_by_role("link", name="Integrationsplan anlegen"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("Integrationsplan anlegen")
    page.get_by_label("Sprache", exact=True).select_option(
        label="1 – braucht umfassende Unterstützung"
    )
    submit(page, page.get_by_role("button", name="Plan anlegen"))
    expect(page.locator("main")).to_contain_text("Der Integrationsplan wurde angelegt")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Integrationsplan: Haddad")
    expect(page.locator("main")).to_contain_text(ARABIC_NAME)

    part_a = page.locator("#ziel-hinzufuegen-a")
    part_a.get_by_label("Handlungsfeld").select_option(label="Sprache")
    part_a.get_by_role("textbox", name=re.compile(r"^Ziel\W*$")).fill("Deutschprüfung A2 bestehen")
    part_a.get_by_label("Zieldatum").fill(
        (timezone.localdate() + dt.timedelta(days=120)).isoformat()
    )
    submit(page, part_a.get_by_role("button", name="Ziel in Teil A speichern"))
    expect(page.locator("main")).to_contain_text("Das Ziel wurde in Teil A aufgenommen")

    part_b = page.locator("#ziel-hinzufuegen-b")
    part_b.get_by_label("Handlungsfeld").select_option(label="Arbeitsmarkt")
    part_b.get_by_role("textbox", name=re.compile(r"^Ziel\W*$")).fill(
        "Ausbildung als Pflegefachkraft beginnen"
    )
    submit(page, part_b.get_by_role("button", name="Ziel in Teil B speichern"))
    expect(page.locator("#teil-b")).to_contain_text("Ausbildung als Pflegefachkraft beginnen")

    goal = Goal.objects.get(part="A")
    card = page.locator(f"#ziel-{goal.code}")
    expect(card).to_contain_text("Deutschprüfung A2 bestehen")
    card.locator("summary", has_text="Ziel auswerten").click()
    card.get_by_label("Ergebnis").select_option(label="erreicht")
    card.get_by_label(re.compile("Selbständigkeit im Feld")).select_option(value="3")
    card.get_by_label("Notiz").fill("Zertifikat liegt vor")
    submit(page, card.get_by_role("button", name="Auswertung speichern"))
    expect(page.locator("main")).to_contain_text("das Ziel ist jetzt „erreicht“")
    card = page.locator(f"#ziel-{goal.code}")
    expect(card.locator(".badge")).to_have_text("erreicht")
    expect(page.locator("#selbstaendigkeit")).to_contain_text("+2 selbständiger")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.REACHED

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF herunterladen").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert "Deutschprüfung A2 bestehen" in text
    assert "Ausbildung als Pflegefachkraft beginnen" in text
    assert "erreicht" in text
    assert contains_arabic(text, ARABIC_NAME)

    # Back on the client page the summary shows both goals.
    visit(page, live_server, f"/klienten/{client_with_window.code}/")
    expect(page.locator("#integrationsplan")).to_contain_text("Deutschprüfung A2 bestehen")
    expect(page.locator("#integrationsplan")).to_contain_text("Ausbildung als Pflegefachkraft")
