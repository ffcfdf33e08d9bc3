"""Login, lockout, password hashing, session expiry and security headers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_german(db, client):
    content = client.get(reverse("login")).content.decode()
    assert '<html lang="de">' in content
    assert "Benutzername" in content
    assert "Passwort" in content


def test_login_with_valid_password_reaches_home(world, client):
    response = login(client, "owner")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_a_german_error(world, client):
    response = login(client, "owner", "falsch")
    assert response.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in response.content.decode()


def test_passwords_are_hashed_with_argon2(world):
    assert world.owner.password.startswith("argon2")


def test_login_is_locked_after_repeated_failures(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "owner", "falsch")
    response = login(client, "owner")  # even the right password is refused now
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(world, client):
    client.force_login(world.owner)
    client.post(reverse("logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_in_german(world, client):
    client.force_login(world.owner)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Neues-Passwort-2027!",
            "new_password2": "Neues-Passwort-2027!",
        },
    )
    assert response.status_code == 302
    world.owner.refresh_from_db()
    assert world.owner.check_password("Neues-Passwort-2027!")
    refused = client.post(
        reverse("password_change"),
        {"old_password": "falsch", "new_password1": "x", "new_password2": "y"},
    )
    assert "Das alte Passwort war falsch" in refused.content.decode()


@pytest.mark.today
def test_session_ends_after_inactivity(world, client, settings):
    client.force_login(world.owner)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get()
    # Each request pushes the expiry forward by the idle time.
    expected = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((session.expire_date - expected).total_seconds()) < 60
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.today
def test_the_idle_timeout_is_refreshed_at_most_once_a_minute(world, client, settings):
    """No session write on every page (``SessionRefreshMiddleware``): within a minute of the
    last refresh a page leaves the session row alone; after it, the expiry moves on."""
    client.force_login(world.owner)
    client.get(reverse("home"))
    refreshed = Session.objects.get().expire_date

    with CaptureQueriesContext(connection) as soon:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in soon if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get().expire_date == refreshed

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        with CaptureQueriesContext(connection) as later:
            assert client.get(reverse("home")).status_code == 200
        expected = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert [q for q in later if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get().expire_date > refreshed
    assert abs((Session.objects.get().expire_date - expected).total_seconds()) < 5


@pytest.mark.parametrize("url_name", ["login", "home"])
def test_security_headers_are_sent(world, client, url_name):
    client.force_login(world.owner)
    response = client.get(reverse(url_name))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_contain_no_inline_script(world, client):
    client.force_login(world.owner)
    content = client.get(reverse("home")).content.decode()
    assert "<script>" not in content
    assert "<script src=" in content
    assert "onclick=" not in content


def test_no_page_loads_anything_from_another_host(world, client):
    client.force_login(world.owner)
    content = client.get(reverse("home")).content.decode()
    assert "https://" not in content
    assert "http://" not in content
