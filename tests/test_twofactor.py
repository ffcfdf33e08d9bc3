"""Two factors: who must enrol, the code after the password, backup codes, the admin reset."""

from __future__ import annotations

import datetime as dt
import re
import time
from base64 import b32encode, b64decode

import pyotp
import pytest
import time_machine
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from imcase.audit.models import AuditEntry
from imcase.twofactor import services
from tests.factories import PASSWORD

# A fixed instant on a 30-second boundary: app codes are computed for it, never for "now".
NOON = dt.datetime(2026, 11, 2, 12, 0, 0, tzinfo=dt.UTC)
SETUP = "/zwei-faktor/einrichten/"
VERIFY = "/zwei-faktor/bestaetigen/"


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for ``device`` (at the frozen time)."""
    secret = b32encode(device.bin_key).decode()
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = services.pending_device(user)
    return device, services.confirm_enrolment(user, device)


def sign_in_with_code(client, user, code: str):
    client.force_login(user)
    return client.post(VERIFY, {"token": code})


# --- Who must set up a second factor -----------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["owner", "colleague", "office", "municipality_user", "vu_user", "admin"]
)
def test_required_role_without_device_is_sent_to_setup(client, world, required, persona):
    client.force_login(getattr(world, persona))

    assert client.get("/").url == SETUP
    response = client.get("/klienten/")
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fklienten%2F"
    assert client.get("/verwaltung/").url.startswith(SETUP)
    assert client.get("/protokoll/").url.startswith(SETUP)


def test_rp_user_is_not_forced_but_may_enrol(client, world, required):
    client.force_login(world.rp_user)

    assert client.get("/").status_code == 200
    response = client.get(SETUP)
    assert response.status_code == 200
    assert "Zwei-Faktor-Anmeldung einrichten" in response.text
    assert "Ihr Zugang hat Zugriff auf personenbezogene Daten" not in response.text


def test_manager_signs_in_without_second_factor_when_not_required(client, world, settings):
    settings.REQUIRE_2FA = False
    client.force_login(world.owner)

    assert client.get("/").status_code == 200


def test_user_with_device_must_enter_code_even_when_not_required(client, world, settings):
    settings.REQUIRE_2FA = False
    enrol(world.rp_user)
    client.force_login(world.rp_user)

    assert client.get("/").url == VERIFY


def test_abandoned_setup_does_not_count_as_a_second_factor(client, world, required):
    services.pending_device(world.owner)  # QR code shown, never confirmed
    client.force_login(world.owner)

    assert client.get("/").url == SETUP


def test_logout_works_before_the_second_factor(client, world, required):
    client.force_login(world.owner)

    response = client.post("/abmelden/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_unverified_user_cannot_post_elsewhere(client, world, required):
    client.force_login(world.owner)

    response = client.post("/passwort/", {"old_password": PASSWORD})

    assert response.status_code == 302
    assert response.url == SETUP


# --- Enrolment -------------------------------------------------------------------------------


def test_setup_page_shows_server_rendered_qr_code_and_secret(client, world, required):
    client.force_login(world.owner)

    response = client.get(SETUP)

    assert response.status_code == 200
    html = response.text
    qr = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert qr, "QR-Code fehlt"
    svg = b64decode(qr.group(1)).decode()
    assert "<svg" in svg and "<path" in svg
    assert "<script" not in svg
    # Only external scripts: the CSP forbids inline ones and allows data: images.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "data:" in response.headers["Content-Security-Policy"].split("img-src")[1]
    device = TOTPDevice.objects.get(user=world.owner)
    assert not device.confirmed
    secret = re.search(r'id="totp-schluessel">([A-Z2-7 ]+)<', html).group(1)
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    assert "no-store" in response.headers["Cache-Control"]
    # A reload shows the same key (the app may already have scanned it).
    assert secret in client.get(SETUP).text


def test_enrolment_with_app_code_shows_ten_backup_codes_once(client, world, required, frozen):
    client.force_login(world.owner)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.owner)

    response = client.post(SETUP, {"token": app_code(device)})

    assert response.status_code == 200
    assert "Die Zwei-Faktor-Anmeldung ist eingerichtet." in response.text
    codes = StaticToken.objects.filter(device__user=world.owner).values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code in response.text for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    entry = AuditEntry.objects.get(detail__kind="2fa_enrolled")
    assert entry.actor == world.owner
    # The session counts as verified: the pages open.
    assert client.get("/").status_code == 200
    assert client.get(SETUP).url == "/zwei-faktor/"


def test_enrolment_with_wrong_code_is_refused(client, world, required, frozen):
    client.force_login(world.owner)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.owner)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(SETUP, {"token": wrong})

    assert response.status_code == 200
    assert "Der Code ist nicht gültig" in response.text
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").url == SETUP


# --- The code after the password ------------------------------------------------------------------


def test_password_then_app_code_opens_the_requested_page(client, world, required, frozen):
    device, _ = enrol(world.owner)

    response = client.post("/anmelden/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get("/klienten/")
    assert response.url == f"{VERIFY}?next=%2Fklienten%2F"
    page = client.get(response.url)
    assert "Bestätigungscode" in page.text

    response = client.post(VERIFY, {"token": app_code(device), "next": "/klienten/"})

    assert response.status_code == 302
    assert response.url == "/klienten/"
    assert client.get("/klienten/").status_code == 200


def test_wrong_code_is_refused_with_german_message(client, world, required, frozen):
    device, _ = enrol(world.owner)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    response = sign_in_with_code(client, world.owner, wrong)

    assert response.status_code == 200
    assert "Der Code ist nicht gültig" in response.text
    assert client.get("/").url == VERIFY


def test_repeated_wrong_codes_are_throttled(client, world, required, frozen):
    device, _ = enrol(world.owner)
    sign_in_with_code(client, world.owner, "000000" if app_code(device) != "000000" else "111111")

    response = client.post(VERIFY, {"token": app_code(device)})

    assert "Zu viele Fehlversuche" in response.text
    frozen.shift(dt.timedelta(seconds=2))
    assert client.post(VERIFY, {"token": app_code(device)}).status_code == 302


def test_an_app_code_is_accepted_only_once(client, world, required, frozen):
    device, _ = enrol(world.owner)
    code = app_code(device)
    assert sign_in_with_code(client, world.owner, code).status_code == 302
    client.logout()

    response = sign_in_with_code(client, world.owner, code)

    assert "Der Code ist nicht gültig" in response.text


def test_backup_code_works_once(client, world, required, frozen):
    _, codes = enrol(world.owner)

    response = sign_in_with_code(client, world.owner, codes[0].upper())
    assert response.status_code == 302
    home = client.get("/", follow=True)
    assert "Noch 9 Notfallcodes übrig" in home.text
    client.logout()
    frozen.shift(dt.timedelta(minutes=1))

    response = sign_in_with_code(client, world.owner, codes[0])

    assert response.status_code == 200
    assert "Der Code ist nicht gültig" in response.text
    assert services.backup_codes_left(world.owner) == 9


def test_new_backup_codes_replace_the_old_ones(client, world, required, frozen):
    device, old_codes = enrol(world.owner)
    sign_in_with_code(client, world.owner, app_code(device))

    response = client.post("/zwei-faktor/notfallcodes/")

    assert "Neue Notfallcodes sind erzeugt" in response.text
    new_codes = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new_codes) == 10
    assert not new_codes & set(old_codes)
    assert AuditEntry.objects.filter(detail__kind="2fa_backup_codes").count() == 1


# --- Reset by an administrator -----------------------------------------------------------------


def test_admin_reset_removes_second_factor_and_is_audited(client, world, required, frozen):
    enrol(world.owner)
    admin_device, _ = enrol(world.admin)
    sign_in_with_code(client, world.admin, app_code(admin_device))
    listing = client.get("/zwei-faktor/verwaltung/")
    assert listing.status_code == 200
    assert "owner" in listing.text

    response = client.post(f"/zwei-faktor/verwaltung/{world.owner.pk}/zuruecksetzen/")

    assert response.status_code == 302
    assert not services.has_second_factor(world.owner)
    assert StaticToken.objects.filter(device__user=world.owner).count() == 0
    entry = AuditEntry.objects.get(detail__kind="2fa_reset")
    assert entry.actor == world.admin
    assert entry.action == AuditEntry.Action.DELETE
    assert entry.object_id == str(world.owner.pk)
    assert "zurückgesetzt" in client.get(response.url).text
    # At his next login the manager sets up a new device.
    client.logout()
    client.force_login(world.owner)
    assert client.get("/").url == SETUP


@pytest.mark.parametrize("persona", ["owner", "office", "rp_user"])
def test_only_administrators_may_reset(client, world, persona):
    enrol(world.colleague)
    client.force_login(getattr(world, persona))

    assert client.get("/zwei-faktor/verwaltung/").status_code == 404
    response = client.post(f"/zwei-faktor/verwaltung/{world.colleague.pk}/zuruecksetzen/")

    assert response.status_code == 404
    assert services.has_second_factor(world.colleague)
    assert not AuditEntry.objects.filter(detail__kind="2fa_reset").exists()


def test_device_admin_pages_are_not_a_second_way_to_reset(admin_client):
    assert admin_client.get("/verwaltung/otp_totp/totpdevice/").status_code == 404
    assert admin_client.get("/verwaltung/otp_static/staticdevice/").status_code == 404


def test_changed_role_is_checked_again_within_the_session(client, world, required):
    client.force_login(world.rp_user)
    assert client.get("/").status_code == 200

    staff = world.rp_user.staff
    staff.role, staff.provider = "manager", world.provider
    staff.save()

    assert client.get("/").url == SETUP
