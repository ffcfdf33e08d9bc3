"""Nothing a signed-in user receives may be cached; the Django admin is a 404 to non-admins."""

from __future__ import annotations

import pytest
from django.urls import reverse


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.mark.parametrize(
    "url",
    [
        lambda world: reverse("home"),
        lambda world: reverse("clients:detail", args=[world.client.code]),
        lambda world: reverse("clients:export"),
        lambda world: reverse("audit_log"),
    ],
    ids=["home", "client_page", "xlsx_download", "page_of_another_role"],
)
def test_every_response_to_a_signed_in_user_forbids_caching(world, client, url):
    client.force_login(world.owner)

    response = client.get(url(world))

    assert _no_store(response), response.get("Cache-Control")


def test_a_download_keeps_its_content_type_and_forbids_caching(world, client):
    client.force_login(world.owner)

    response = client.get(reverse("clients:export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _no_store(response)


def test_static_files_stay_cacheable_for_a_signed_in_user(world, client, settings):
    # Serve straight from the static folders, as in the demo run, so the test needs no
    # collectstatic; the middleware is built at the client's first request.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(world.owner)

    response = client.get("/static/vendor/bootstrap/bootstrap.min.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "persona", ["owner", "colleague", "office", "municipality_user", "rp_user"]
)
@pytest.mark.parametrize(
    "url",
    [
        "admin:index",
        "admin:organisation_municipality_changelist",
        "admin:audit_auditentry_changelist",
    ],
)
def test_django_admin_is_a_404_for_signed_in_non_administrators(world, client, persona, url):
    client.force_login(getattr(world, persona))

    assert client.get(reverse(url)).status_code == 404


def test_django_admin_login_page_is_a_404_for_signed_in_non_administrators(world, client):
    client.force_login(world.owner)

    assert client.get(reverse("admin:login")).status_code == 404


def test_anonymous_visitors_are_sent_to_the_admin_login(db, client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_administrator_still_uses_the_django_admin(world, client):
    client.force_login(world.admin)

    response = client.get(reverse("admin:organisation_municipality_changelist"))

    assert response.status_code == 200
    assert _no_store(response)
