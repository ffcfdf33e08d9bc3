"""The municipality's person list on a phone (issue 14, item 3): a list of hundreds of persons
comes in pages of 50 with a search by name or Aktenzeichen, and fits 390 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from funding import services
from funding.models import ListEntry, PersonList
from tests.browser.conftest import follow, login, submit, visit
from tests.browser.test_layout import PHONE, assert_fits, sized  # noqa: F401 (fixture)
from tests.test_funding_support import make_funding

pytestmark = pytest.mark.browser

LONG_LAST_NAME = "Abdulrahmanmohammadzadeh-Schahabuddinrahimabadi"


def test_municipality_searches_its_long_list_on_a_phone(sized, live_server, world):  # noqa: F811
    funding = make_funding(world)
    services.generate_lists(world.office, funding.year)
    services.send_lists(world.office, funding.year, "https://imcase.example/")
    person_list = PersonList.objects.get(funding_year=funding.year, municipality=world.town)
    ListEntry.objects.bulk_create(
        ListEntry(
            person_list=person_list,
            last_name=f"{LONG_LAST_NAME}{number:03d}",
            first_name="Sami",
            birth_date=dt.date(1990, 1, 1),
            aktenzeichen=f"LANG-{number:03d}",
            assignment_date=dt.date(2021, 3, 1),
            arrival_kind="zuweisung",
        )
        for number in range(120)
    )
    page = sized(*PHONE)
    login(page, live_server, world.municipality_user.username)
    visit(page, live_server, reverse("funding:list", args=[person_list.code]))
    assert_fits(page, PHONE[0])
    expect(page.locator("main")).to_contain_text("123 Personen auf der Liste, angezeigt 1–50")
    assert page.locator("tbody > tr").count() == 50

    page.get_by_label("Name oder Aktenzeichen").fill("LANG-077")
    submit(page, page.get_by_role("button", name="Suchen"))
    assert_fits(page, PHONE[0])
    expect(page.locator("main")).to_contain_text("1 Treffer für „LANG-077“")
    expect(page.locator("tbody > tr")).to_have_count(1)
    follow(page, page.get_by_role("link", name=f"Sami {LONG_LAST_NAME}077 streichen"))
    page.get_by_label("Grund der Streichung").select_option(label="verstorben")
    submit(page, page.get_by_role("button", name="Streichen"))
    # Back at the search the strike started from.
    expect(page.locator("main")).to_contain_text("1 Treffer für „LANG-077“")
    expect(page.locator("tbody")).to_contain_text("gestrichen: verstorben")
