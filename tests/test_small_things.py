"""Small things a user trips over: favicon, "Meine Exporte" in every exporting role's menu,
the personal-data warning only on exports with names, the admin's breadcrumb stylesheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from imcase.exports.models import GeneratedFile
from imcase.exports.registry import EXPORTS


def test_every_page_links_the_vendored_favicon(world, client):
    client.force_login(world.owner)
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in html
    assert "/static/img/favicon.ico" in html
    for name in ("img/favicon.svg", "img/favicon.ico", "img/favicon-32.png"):
        assert finders.find(name), name


def test_favicon_ico_at_the_root_leads_to_the_vendored_file(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.ico"


def test_login_page_has_the_favicon_too(client):
    assert "/static/img/favicon.svg" in client.get("/anmelden/").content.decode()


@pytest.mark.parametrize("persona", ["owner", "colleague", "office", "municipality_user"])
def test_every_role_that_can_export_has_meine_exporte_in_its_menu(world, client, persona):
    user = getattr(world, persona)
    assert any(export.allowed(user) for export in EXPORTS.values())
    client.force_login(user)
    html = client.get("/").content.decode()
    assert f'href="{reverse("exports:list")}">Meine Exporte</a>' in html


def _file(user, export: str) -> GeneratedFile:
    return GeneratedFile.objects.create(
        owner=user,
        export=export,
        status=GeneratedFile.Status.PENDING,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )


def test_personal_data_warning_only_on_exports_with_names(world, client):
    client.force_login(world.office)
    aggregate = _file(world.office, "kennzahlentabelle")
    html = client.get(reverse("exports:detail", args=[aggregate.code])).content.decode()
    assert "personenbezogene Daten" not in html
    client.force_login(world.owner)
    names = _file(world.owner, "client_list")
    html = client.get(reverse("exports:detail", args=[names.code])).content.decode()
    assert "personenbezogene Daten" in html


def test_only_the_client_list_declares_personal_data():
    assert {key for key, export in EXPORTS.items() if export.personal_data} == {"client_list"}


def test_admin_pages_load_the_breadcrumb_stylesheet(world, client):
    client.force_login(world.admin)
    html = client.get("/verwaltung/").content.decode()
    assert "/static/css/admin.css" in html
    css = Path(finders.find("css/admin.css")).read_text(encoding="utf-8")
    assert "div.breadcrumbs a" in css and "underline" in css
