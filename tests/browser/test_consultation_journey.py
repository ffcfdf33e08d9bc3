"""A manager finds a client, logs a household contact on the client page and follows it up."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import RegularService, Topic
from clients.services import refresh_window
from tests.browser.conftest import follow, login, submit, visit
from tests.factories import ClientFactory, HouseholdFactory

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = [pytest.mark.browser, pytest.mark.today]


@pytest.fixture
def household(world):
    """Haddad (assigned 400 days ago, so the window runs today) and her partner Karim."""
    # The browser tests' database flush removes the data migration's rows: create what we use.
    for name in ("Wohnen", "Sprache"):
        Topic.objects.get_or_create(name=name)
    RegularService.objects.get_or_create(name="Jobcenter")
    household = HouseholdFactory(landkreis=world.landkreis)
    world.client.household = household
    world.client.assignment_date = timezone.localdate() - dt.timedelta(days=400)
    refresh_window(world.client)
    world.client.save()
    ClientFactory(
        household=household,
        municipality=world.town,
        last_name="Haddad",
        first_name="Karim",
        household_role="partner",
        assignment_date=world.client.assignment_date,
    )
    return household


def test_manager_logs_household_contact_and_sees_it_in_the_timeline(
    page, live_server, world, household
):
    login(page, live_server, world.owner.username)

    # Spelling-tolerant search: "Amina Hadad" finds "Haddad, Amina" and not the others.
    ClientFactory(municipality=world.town, last_name="Petrović", first_name="Milan")
    visit(page, live_server, "/klienten/")
    expect(page.get_by_role("link", name="Petrović, Milan")).to_be_visible()
    page.get_by_label("Name oder Aktenzeichen").fill("Amina Hadad")
    submit(page, page.get_by_role("button", name=re.compile("Suchen|Anzeigen|Filtern")))
    expect(page.get_by_role("link", name="Petrović, Milan")).to_have_count(0)
    follow(page, page.get_by_role("link", name="Haddad, Amina", exact=True))

    expect(page.get_by_role("heading", level=1)).to_have_text("Haddad, Amina")
    expect(page.locator("main")).to_contain_text("Beratungszeitraum")
    expect(page.get_by_role("link", name="Haddad, Karim")).to_be_visible()

    page.locator("#kontakt-erfassen > summary").click()
    expect(page.get_by_role("checkbox", name=re.compile(r"Haddad, Amina"))).to_be_checked()
    page.get_by_role("checkbox", name=re.compile(r"Haddad, Karim")).check()
    page.get_by_role("checkbox", name="Wohnen", exact=True).check()
    page.get_by_role("checkbox", name="Sprache", exact=True).check()
    page.get_by_label("Vermittlung 1: Regeldienst").select_option(label="Jobcenter")
    page.get_by_label("Vermittlung 1: Notiz").fill("Termin zur Antragstellung")
    page.get_by_label("Notiz", exact=True).fill("Wohnungssuche und Sprachkurs besprochen")
    submit(page, page.get_by_role("button", name="Kontakt speichern"))

    expect(page.locator("main")).to_contain_text("wurde gespeichert")
    contact = page.locator("li[id^='kontakt-']").first
    expect(contact).to_contain_text("Amina Haddad")
    expect(contact).to_contain_text("Karim Haddad")
    expect(contact).to_contain_text("Wohnen")
    expect(contact).to_contain_text("Sprache")
    expect(contact).to_contain_text("Jobcenter")
    expect(contact).to_contain_text("vermittelt")

    # Follow-up: the client went to the Jobcenter.
    contact.get_by_label("Stand der Vermittlung an Jobcenter").select_option(label="wahrgenommen")
    submit(page, contact.get_by_role("button", name=re.compile("Speichern")))
    expect(page.locator("main")).to_contain_text("Der Stand der Vermittlung an Jobcenter")
    expect(page.locator("li[id^='kontakt-']").first.locator("td").nth(2)).to_contain_text(
        "wahrgenommen"
    )

    # The partner's page shows the same contact.
    follow(page, page.get_by_role("link", name="Haddad, Karim"))
    expect(page.locator("li[id^='kontakt-']").first).to_contain_text("Wohnen")


def test_manager_edits_a_contact_and_sees_its_history(page, live_server, world, household):
    login(page, live_server, world.owner.username)
    visit(page, live_server, f"/klienten/{world.client.code}/")
    page.locator("#kontakt-erfassen > summary").click()
    submit(page, page.get_by_role("button", name="Kontakt speichern"))

    follow(page, page.get_by_role("link", name=re.compile("Bearbeiten")).first)
    expect(page.get_by_role("heading", level=1)).to_contain_text("bearbeiten")
    page.get_by_label("Dauer (Minuten)").fill("60")
    submit(page, page.get_by_role("button", name="Änderungen speichern"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Haddad, Amina")
    expect(page.locator("li[id^='kontakt-']").first).to_contain_text("60 Min.")
    follow(page, page.get_by_role("link", name=re.compile("Bearbeiten")).first)
    expect(page.locator("main")).to_contain_text("Dauer (Minuten): 45 → 60")


def test_manager_changes_participants_and_a_referral_and_withdraws_a_wrong_contact(
    page, live_server, world, household
):
    RegularService.objects.get_or_create(name="MBE")
    login(page, live_server, world.owner.username)
    visit(page, live_server, f"/klienten/{world.client.code}/")

    # Logged for Amina alone, with a referral to the Jobcenter.
    page.locator("#kontakt-erfassen > summary").click()
    page.get_by_role("checkbox", name="Wohnen", exact=True).check()
    page.get_by_label("Vermittlung 1: Regeldienst").select_option(label="Jobcenter")
    submit(page, page.get_by_role("button", name="Kontakt speichern"))
    expect(page.locator("main")).to_contain_text("wurde gespeichert")

    # Karim took part too, and the referral was to the MBE; one more topic.
    follow(page, page.get_by_role("link", name=re.compile("Bearbeiten")).first)
    page.get_by_role("checkbox", name=re.compile(r"Haddad, Karim")).check()
    page.get_by_label("Vermittlung 1: Regeldienst").select_option(label="MBE")
    page.get_by_label("Vermittlung 1: Notiz").fill("Beratung zur Anerkennung")
    page.get_by_role("checkbox", name="Sprache", exact=True).check()
    submit(page, page.get_by_role("button", name="Änderungen speichern"))

    expect(page.locator("main")).to_contain_text("Die Änderungen am Kontakt wurden gespeichert")
    contact = page.locator("li[id^='kontakt-']").first
    expect(contact).to_contain_text("Karim Haddad")
    expect(contact).to_contain_text("MBE")
    expect(contact).not_to_contain_text("Jobcenter")

    follow(page, contact.get_by_role("link", name=re.compile("Bearbeiten")))
    history = page.get_by_role("table", name=re.compile("Frühere Fassungen"))
    expect(history).to_contain_text("Teilnehmende: Amina Haddad → Amina Haddad, Karim Haddad")
    expect(history).to_contain_text("Vermittlungen: Jobcenter → MBE")
    expect(history).to_contain_text("Themen: Wohnen → Sprache, Wohnen")

    # A second contact was entered by mistake: it is withdrawn with a reason.
    visit(page, live_server, f"/klienten/{world.client.code}/")
    page.locator("#kontakt-erfassen > summary").click()
    page.get_by_label("Notiz", exact=True).fill("versehentlich doppelt")
    submit(page, page.get_by_role("button", name="Kontakt speichern"))
    follow(page, page.get_by_role("link", name=re.compile("Bearbeiten")).first)
    page.get_by_text("Stornieren …").click()
    # The reason is required (the browser asks for it first; the server refuses without).
    expect(page.get_by_label("Grund der Stornierung")).to_have_attribute("required", "")
    page.get_by_label("Grund der Stornierung").fill("doppelt erfasst")
    submit(page, page.get_by_role("button", name="Kontakt stornieren"))

    expect(page.locator("main")).to_contain_text("wurde storniert")
    withdrawn = page.locator("li.contact-withdrawn")
    expect(withdrawn).to_have_count(1)
    expect(withdrawn).to_contain_text("storniert")
    expect(withdrawn).to_contain_text("doppelt erfasst")
    expect(withdrawn.locator("del")).to_have_count(1)
    follow(page, withdrawn.get_by_role("link", name=re.compile("Ansehen")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("storniert")
    expect(page.get_by_role("button", name="Änderungen speichern")).to_have_count(0)
    expect(page.get_by_role("table", name=re.compile("Frühere Fassungen"))).to_contain_text(
        "Grund der Stornierung: – → doppelt erfasst"
    )
