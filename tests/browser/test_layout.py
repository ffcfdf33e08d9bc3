"""Phone, tablet and laptop (issue 11, item 6): the daily pages fit the window they are shown
in, with households, open referrals and long names in the data, and a manager logs a contact
on a phone.

Width is checked as ``document.documentElement.scrollWidth`` against the viewport width the
test asked for (``window.innerWidth`` grows with the content under mobile emulation).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clients.models import Referral, RegularService, Topic
from clients.services import ConsultationInput, ReferralInput, log_consultation, refresh_window
from plans.defaults import ensure_default_fields
from tests.browser.conftest import assert_accessible, login, submit, visit
from tests.factories import ClientFactory, GoalFactory, HouseholdFactory, PlanFactory, StepFactory

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = [pytest.mark.browser, pytest.mark.today]

PHONE = (390, 844)
TABLET = (768, 1024)
LAPTOP = (1366, 768)

LONG_LAST_NAME = "Abdulrahmanmohammadzadeh-Schahabuddinrahimabadi"
LONG_NOTE = (
    "Wohnungssuche, Anmeldung zum Integrationskurs und Antrag beim Jobcenter besprochen; "
    "Unterlagen: Mietbescheinigungsformular-Zweitausfertigungsnachweis-Bestätigung. "
) * 3


@pytest.fixture
def sized(browser, live_server) -> Iterator:
    """Open pages in a context of a given size (phone and tablet with mobile emulation), with
    the same bookkeeping as the ``page`` fixture: every loaded page must be checked by axe."""
    contexts = []

    def open_page(width: int, height: int) -> Page:
        mobile = width < 1000
        context = browser.new_context(
            viewport={"width": width, "height": height},
            is_mobile=mobile,
            has_touch=mobile,
            locale="de-DE",
            timezone_id="Europe/Berlin",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page._imcase_loaded = []  # type: ignore[attr-defined]
        page._imcase_checked = set()  # type: ignore[attr-defined]
        page.on("load", lambda p: p._imcase_loaded.append(p.url))
        return page

    yield open_page
    unchecked = [
        url
        for context in contexts
        for page in context.pages
        for url in page._imcase_loaded
        if url not in page._imcase_checked
    ]
    for context in contexts:
        context.close()
    if unchecked:
        pytest.fail("Seiten ohne axe-Prüfung geladen: " + ", ".join(unchecked))


@pytest.fixture
def crowded(world):
    """Haddad with a long name, a household of four, 24 contacts with open referrals and long
    notes, a plan with steps; more clients with long names in the owner's caseload."""
    ensure_default_fields()
    for name in ("Wohnen", "Sprache", "Arbeit"):
        Topic.objects.get_or_create(name=name)
    jobcenter = RegularService.objects.get_or_create(name="Jobcenter")[0]
    school = RegularService.objects.get_or_create(name="Migrationsberatung für Erwachsene")[0]
    today = timezone.localdate()

    household = HouseholdFactory(landkreis=world.landkreis)
    person = world.client
    person.last_name = LONG_LAST_NAME
    person.first_name = "Amina-Fatemeh Zahra"
    person.native_name = "أمينة فاطمة زهراء عبد الرحمن"
    person.household = household
    person.manager = world.owner
    person.assignment_date = today - dt.timedelta(days=1040)
    refresh_window(person)
    person.save()
    members = [
        ClientFactory(
            household=household,
            municipality=world.town,
            manager=world.owner,
            last_name=LONG_LAST_NAME,
            first_name=first_name,
            household_role=role,
            assignment_date=person.assignment_date,
        )
        for first_name, role in [
            ("Karim-Mohammad", "partner"),
            ("Yasmin", "child"),
            ("Omar", "child"),
        ]
    ]
    topics = list(Topic.objects.all())
    for day in range(24):
        log_consultation(
            world.owner,
            ConsultationInput(
                clients=[person, members[0]] if day % 3 == 0 else [person],
                date=today - dt.timedelta(days=2 * day + 1),
                duration_minutes=45,
                topics=topics,
                note=LONG_NOTE,
                referrals=[
                    ReferralInput(service=jobcenter, note="Termin zur Antragstellung"),
                    ReferralInput(service=school, note="Sprachkursberatung"),
                ],
            ),
        )
    assert Referral.objects.filter(status=Referral.Status.REFERRED).count() == 48
    for n in range(12):
        ClientFactory(
            municipality=world.town,
            manager=world.owner,
            last_name=f"Mohammadzadehabdulrahmani-{n}",
            first_name="Schahabuddin-Mustafa",
            assignment_date=today - dt.timedelta(days=1060 + n),
        )
    plan = PlanFactory(client=person, created_by=world.owner, version__agreed_on=today)
    goal = GoalFactory(version=plan.versions.get(), text=LONG_NOTE, target_date=today)
    StepFactory(goal=goal, what=LONG_NOTE[:200], due_on=today)
    return person, plan


# Returns the document's scrollWidth, visible elements reaching past ``width`` and controls
# shrunk to nothing (clipped header rows of stacked tables and .visually-hidden do not count).
MEASURE = """(width) => {
  const shown = (e) => e.offsetParent !== null
    && !e.closest('.visually-hidden, .table-stack > thead');
  const label = (e) => e.tagName.toLowerCase() + '.' + e.className + ' "'
    + (e.innerText || e.value || '').slice(0, 30) + '"';
  const wide = [...document.querySelectorAll('main *, header *')].filter(shown)
    .filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > width + 1;
    });
  const controls = 'main input:not([type=hidden]), main select, main textarea, '
    + 'main button, main a.btn, header button, header a';
  const tiny = [...document.querySelectorAll(controls)].filter(shown).filter((e) => {
    const r = e.getBoundingClientRect();
    const least = ['checkbox', 'radio'].includes(e.type) ? 12 : 24;
    return r.width < least || r.height < 12;
  });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    wide: wide.slice(0, 5).map(label),
    tiny: tiny.slice(0, 5).map(label),
  };
}"""


def assert_fits(page: Page, width: int, *, nothing_wider: bool = True) -> None:
    """The page is not wider than ``width``; with ``nothing_wider`` no visible element reaches
    past it either (a table scrolling inside its box counts as too wide), and no control is
    shrunk to nothing."""
    found = page.evaluate(MEASURE, width)
    assert found["scrollWidth"] <= width, f"{page.url} ist {found['scrollWidth']} px breit: {found}"
    if nothing_wider:
        assert not found["wide"], f"{page.url}: breiter als {width} px: {found['wide']}"
        assert not found["tiny"], f"{page.url}: zu kleine Bedienelemente: {found['tiny']}"


@pytest.mark.parametrize("size", [PHONE, TABLET, LAPTOP], ids=["390x844", "768x1024", "1366x768"])
def test_daily_pages_fit_phone_tablet_and_laptop(sized, live_server, world, crowded, size):
    person, plan = crowded
    width, height = size
    page = sized(width, height)
    login(page, live_server, world.owner.username)
    contact = person.participations.order_by("-consultation__date").first().consultation

    pages = [
        ("/klienten/", True),
        ("/klienten/?fallstatus=open", True),
        ("/klienten/faellig/", True),
        (f"/klienten/{person.code}/", True),
        (f"/klienten/{person.code}/?kontakte=2", True),
        (f"/klienten/{person.code}/?erfassen=1", True),
        (f"/klienten/kontakte/{contact.code}/?klient={person.code}", True),
        (f"/plaene/{plan.code}/", True),
        ("/", True),
        # The dashboard's tables may scroll in their box on a phone; the page itself may not.
        ("/berichte/", width == LAPTOP[0]),
    ]
    for path, strict in pages:
        visit(page, live_server, path)
        assert_fits(page, width, nothing_wider=strict)

    if width == LAPTOP[0]:
        # The list shows the Fallstatus column without scrolling; each bar is one line.
        visit(page, live_server, "/klienten/")
        header = page.get_by_role("columnheader", name="Fallstatus")
        expect(header).to_be_visible()
        assert header.bounding_box()["x"] + header.bounding_box()["width"] <= width
        for bar in ("Hauptnavigation", "Konto"):
            box = page.get_by_role("navigation", name=bar).bounding_box()
            assert box["height"] < 70, f"{bar} umbricht: {box}"
        expect(page.get_by_role("button", name="Menü ein- oder ausblenden")).to_be_hidden()
    else:
        # Tables are stacked cards: the header row is only for screen readers, each row a card.
        visit(page, live_server, "/klienten/")
        assert page.locator("table.table-stack > thead").first.bounding_box()["height"] <= 1
        row = page.locator("table.table-stack > tbody > tr").first
        assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
        expect(row.locator('td[data-label="Fallstatus"]')).to_be_visible()


def test_manager_logs_a_contact_on_a_phone(sized, live_server, world, crowded):
    person, _ = crowded
    page = sized(*PHONE)
    login(page, live_server, world.owner.username)
    visit(page, live_server, f"/klienten/{person.code}/")
    assert_fits(page, PHONE[0])

    # "Kontakt erfassen" is the first action under the name and opens the form in place.
    action = page.get_by_role("navigation", name="Aktionen zu dieser Person").get_by_role(
        "link", name="Kontakt erfassen"
    )
    expect(action).to_be_in_viewport()
    action.click()
    expect(page.locator("#kontakt-erfassen")).to_have_attribute("open", "")
    assert_accessible(page)
    assert_fits(page, PHONE[0])

    page.get_by_role("checkbox", name=re.compile("Karim-Mohammad")).check()
    page.get_by_role("checkbox", name="Wohnen", exact=True).check()
    page.get_by_label("Vermittlung 1: Regeldienst").select_option(label="Jobcenter")
    page.get_by_label("Vermittlung 1: Notiz").fill("Termin am Montag")
    page.get_by_label("Notiz", exact=True).fill("Am Telefon kurz besprochen, Unterlagen folgen")
    save = page.get_by_role("button", name="Kontakt speichern")
    assert save.bounding_box()["width"] > 100
    submit(page, save)

    expect(page.locator("main")).to_contain_text("wurde gespeichert")
    newest = page.locator("li[id^='kontakt-']").first
    expect(newest).to_contain_text("Am Telefon kurz besprochen")
    expect(newest).to_contain_text("Karim-Mohammad")
    assert_fits(page, PHONE[0])

    # The 25 contacts are in pages of 20: the older ones one link away, without a script.
    older = page.get_by_role("link", name="Ältere Kontakte anzeigen")
    expect(page.locator("li[id^='kontakt-']")).to_have_count(20)
    submit(page, older)
    expect(page.locator("li[id^='kontakt-']")).to_have_count(5)
    assert_fits(page, PHONE[0])


@pytest.mark.parametrize("persona", ["colleague", "office"])
def test_home_and_dashboard_of_team_lead_and_office_fit_every_size(
    sized, live_server, world, crowded, persona
):
    """The team lead has the longest navigation, the office the widest home table."""
    for width, height in (PHONE, TABLET, LAPTOP):
        page = sized(width, height)
        login(page, live_server, getattr(world, persona).username)
        assert_fits(page, width)
        visit(page, live_server, "/berichte/")
        assert_fits(page, width, nothing_wider=width == LAPTOP[0])
        if width == LAPTOP[0]:
            box = page.get_by_role("navigation", name="Hauptnavigation").bounding_box()
            assert box["height"] < 70, f"Hauptnavigation umbricht: {box}"
