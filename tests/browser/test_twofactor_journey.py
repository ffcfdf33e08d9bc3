"""Two factors in the browser: a manager enrols with the QR page, then signs in with a code.

The codes are computed here with pyotp from the key the set-up page shows, exactly as an
authenticator app would; the live server checks them against the same (real) clock.
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import follow, submit, visit
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True
    # Keep the accepted window fixed (no drift learnt from the first code), so that the second
    # login's code for the next 30-second step is accepted whenever the test reaches it.
    settings.OTP_TOTP_SYNC = False
    # No pause after a wrong code here (tests/test_twofactor.py covers the throttling).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _password_login(page, live_server, username: str) -> None:
    visit(page, live_server, "/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Anmelden"))


def _fits_phone_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_manager_enrols_and_signs_in_with_app_code(page, live_server, world, required):
    page.set_viewport_size(PHONE)

    # Password first: the manager has no second factor yet and lands on the set-up page.
    _password_login(page, live_server, world.owner.username)
    assert page.url == live_server.url + "/zwei-faktor/einrichten/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Zwei-Faktor-Anmeldung einrichten")
    qr = page.get_by_role("img", name="QR-Code zum Einrichten der Authenticator-App")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.evaluate("img => img.naturalWidth") > 0, "QR-Code nicht darstellbar"
    assert _fits_phone_width(page)
    totp = pyotp.TOTP(page.locator("#totp-schluessel").inner_text().replace(" ", ""))

    # Nothing else opens before the set-up is finished.
    visit(page, live_server, "/klienten/")
    assert page.url.startswith(live_server.url + "/zwei-faktor/einrichten/")

    page.get_by_label("Bestätigungscode").fill(totp.now())
    submit(page, page.get_by_role("button", name="Einrichtung abschließen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Notfallcodes")
    expect(page.get_by_role("list", name="Notfallcodes").get_by_role("listitem")).to_have_count(10)
    assert _fits_phone_width(page)

    follow(page, page.get_by_role("link", name="Weiter"))
    assert page.url == live_server.url + "/klienten/"
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # Log out (the menu is collapsed at phone width) and sign in again: now a code is asked.
    # Wait until Bootstrap's collapse has finished opening ("show", no longer "collapsing"):
    # a click on the moving button can land beside it on a loaded machine.
    page.get_by_role("button", name="Menü ein- oder ausblenden").click()
    expect(page.locator("#hauptmenue")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    logout = page.get_by_role("button", name="Abmelden")
    expect(logout).to_be_visible()
    submit(page, logout)
    _password_login(page, live_server, world.owner.username)
    assert page.url.startswith(live_server.url + "/zwei-faktor/bestaetigen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bestätigungscode")
    assert _fits_phone_width(page)

    page.get_by_label("Bestätigungscode").fill("000000" if totp.now() != "000000" else "111111")
    submit(page, page.get_by_role("button", name="Bestätigen"))
    expect(page.locator("main")).to_contain_text("Der Code ist nicht gültig")

    # The code just used for the set-up is spent; the app's next code is accepted.
    page.get_by_label("Bestätigungscode").fill(totp.at(time.time() + 30))
    submit(page, page.get_by_role("button", name="Bestätigen"))
    assert page.url == live_server.url + "/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Fälle")


def test_rp_user_signs_in_without_second_factor(page, live_server, world, required):
    _password_login(page, live_server, world.rp_user.username)

    assert page.url == live_server.url + "/"
    follow(page, page.get_by_role("link", name="Zwei-Faktor-Anmeldung"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zwei-Faktor-Anmeldung")
    expect(page.get_by_role("link", name="Zwei-Faktor-Anmeldung einrichten")).to_be_visible()
