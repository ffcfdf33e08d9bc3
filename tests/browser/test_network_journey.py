"""A manager records Netzwerkarbeit on a phone (390 px), corrects it and withdraws it; the
list and the entry page fit the width, axe checks every page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import NetworkActivity, RegularService
from tests.browser.conftest import follow, login, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.today]

PHONE = (390, 844)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"{page.url} ist {width} px breit"


def test_manager_records_corrects_and_withdraws_network_work_on_a_phone(page, live_server, world):
    # The browser tests' database flush removes the data migration's rows.
    RegularService.objects.get_or_create(name="Jobcenter")
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    login(page, live_server, world.owner.username)

    page.get_by_role("button", name="Menü ein- oder ausblenden").click()
    follow(page, page.get_by_role("link", name="Netzwerkarbeit"))
    year = timezone.localdate().year
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Netzwerkarbeit {year}")
    _fits(page)

    page.locator("#id_kind").select_option(label="Runder Tisch")
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    page.locator("#id_duration_minutes").fill("120")
    page.locator("#id_participants").fill("14")
    page.locator("#id_topic").fill("Runder Tisch Asyl Altstadt")
    page.get_by_label("Jobcenter").check()
    page.locator("#id_other_partners").fill("Helferkreis Altstadt")
    submit(page, page.get_by_role("button", name="Erfassen"))
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        "wurde erfasst"
    )
    expect(page.locator("main")).to_contain_text("Jobcenter, Helferkreis Altstadt")
    _fits(page)

    activity = NetworkActivity.objects.get()
    follow(page, page.get_by_role("link", name=activity.date.strftime("%d.%m.%Y")))
    _fits(page)
    page.locator("#id_participants").fill("16")
    submit(page, page.get_by_role("button", name="Änderungen speichern"))
    activity.refresh_from_db()
    assert (activity.participants, activity.version) == (16, 2)

    follow(page, page.get_by_role("link", name=activity.date.strftime("%d.%m.%Y")))
    page.get_by_text("Zurücknehmen …").click()
    page.locator("#id_reason").fill("doppelt erfasst")
    submit(page, page.get_by_role("button", name="Eintrag zurücknehmen"))
    expect(page.locator("main")).to_contain_text("zurückgenommen")
    _fits(page)
    assert NetworkActivity.objects.get().is_withdrawn
    visit(page, live_server, f"/klienten/netzwerkarbeit/{activity.code}/")
    _fits(page)
