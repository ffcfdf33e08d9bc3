"""The login lockout behind a reverse proxy: per user name and real client address."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from imcase.web.client_ip import client_ip
from tests.factories import PASSWORD


def _login(client, forwarded_for: str, password: str = PASSWORD, username: str = "owner"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.2",  # the proxy
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _lock_out(client, settings, forwarded_for: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, forwarded_for, password="falsch")
    assert _login(client, forwarded_for).status_code == 429


def test_behind_one_proxy_two_client_addresses_are_locked_separately(world, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _lock_out(client, settings, "198.51.100.7")

    response = _login(client, "203.0.113.9")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_behind_one_proxy_a_forged_left_entry_does_not_escape_the_lockout(world, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _lock_out(client, settings, "198.51.100.7")

    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    response = _login(client, "203.0.113.9, 198.51.100.7")

    assert response.status_code == 429


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_lockout(
    world, client, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    _lock_out(client, settings, "198.51.100.7")

    response = _login(client, "203.0.113.9")

    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()


def test_the_lockout_is_per_user_name(world, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _lock_out(client, settings, "198.51.100.7")

    response = _login(client, "198.51.100.7", username="colleague")

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        (2, "203.0.113.9, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.2"),  # shorter than the proxy chain: not via the proxies
        (1, "", "10.0.0.2"),
        (1, "kein-rechner", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_is_taken_from_the_trusted_end_of_the_header(
    settings, count, header, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header)

    assert client_ip(request) == expected
