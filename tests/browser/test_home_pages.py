"""Each role lands on its own home page; login, logout and the 404 page work in a browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import follow, login, submit, visit

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("persona", "heading", "text"),
    [
        ("owner", "Meine Fälle", "Haddad, Amina"),
        ("colleague", "Team Nord", "Fallzahlen im Team"),
        ("office", "Koordinierungsstelle Landkreis Testkreis", "Personen in der AU"),
        ("municipality_user", "Altstadt", "Amtlicher Gemeindeschlüssel"),
        ("rp_user", "Kreise im Regierungsbezirk", "Landkreis Testkreis"),
        ("admin", "Administration", "Letzte Protokolleinträge"),
        ("vu_user", "Übergabe aus der vorläufigen Unterbringung", "Aktenzeichen und ihrem"),
    ],
    ids=["manager", "team_lead", "office", "municipality", "rp", "admin", "vu"],
)
def test_home_page_per_role(page, live_server, world, persona, heading, text):
    login(page, live_server, getattr(world, persona).username)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("main")).to_contain_text(text)


def test_login_page_is_accessible(page, live_server, db):
    response = visit(page, live_server, "/anmelden/")

    assert response.status == 200
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    expect(page.get_by_label("Benutzername")).to_be_visible()


def test_wrong_password_shows_german_error(page, live_server, world):
    visit(page, live_server, "/anmelden/")
    page.get_by_label("Benutzername").fill(world.owner.username)
    page.get_by_label("Passwort").fill("falsches-Passwort-123")
    submit(page, page.get_by_role("button", name="Anmelden"))

    assert page.url.startswith(live_server.url + "/anmelden/")
    expect(page.locator("main")).to_contain_text("Benutzername oder Passwort ist falsch")
    expect(page.get_by_role("button", name="Abmelden")).to_have_count(0)


def test_logout_then_home_redirects_to_login(page, live_server, world):
    login(page, live_server, world.owner.username)

    submit(page, page.get_by_role("button", name="Abmelden"))
    assert page.url.startswith(live_server.url + "/anmelden/")

    visit(page, live_server, "/")
    expect(page).to_have_url(re.compile(r"/anmelden/\?next=/$"))
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()


def test_manager_opens_client_from_list(page, live_server, world):
    login(page, live_server, world.owner.username)
    visit(page, live_server, "/klienten/")

    follow(page, page.get_by_role("link", name="Haddad, Amina"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Haddad, Amina")
    expect(page.locator("main")).to_contain_text(world.client.aktenzeichen)


def test_outsider_gets_german_404_for_foreign_client(page, live_server, world):
    login(page, live_server, world.outsider.username)

    response = visit(page, live_server, f"/klienten/{world.client.code}/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")
    expect(page.locator("main")).not_to_contain_text(world.client.last_name)
