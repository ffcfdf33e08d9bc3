"""Two factors (TOTP app plus backup codes): who needs them, enrolment, reset.

A user's second factor is one confirmed django-otp ``TOTPDevice`` (the authenticator app) and
one ``StaticDevice`` holding his backup codes (*Notfallcodes*, each valid once). Enrolment and
reset write the audit log; reset is the administrators' job.
"""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.organisation.access import scope_for
from imcase.organisation.models import Role

# Roles that see personal data (or administer those who do) must use a second factor when
# REQUIRE_2FA is on. The Regierungspräsidium sees only aggregates: it may enrol, need not.
REQUIRED_ROLES = frozenset(
    {Role.MANAGER, Role.TEAM_LEAD, Role.OFFICE, Role.MUNICIPALITY, Role.VU, Role.ADMIN}
)
BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator-App"
BACKUP_DEVICE_NAME = "Notfallcodes"


def is_required_for(user) -> bool:
    """Whether ``user`` may use the site only after setting up a second factor."""
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_staff or scope_for(user).role in REQUIRED_ROLES


def has_second_factor(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def pending_device(user) -> TOTPDevice:
    """The unconfirmed app device of an enrolment in progress (the same one on every reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as the apps expect it for manual entry: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_enrolment(user, device: TOTPDevice) -> list[str]:
    """Mark the app device confirmed and issue fresh backup codes (returned, shown once)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _issue_backup_codes(user)
    record(
        user,
        AuditEntry.Action.CREATE,
        user,
        f"Zwei-Faktor-Anmeldung von {user.username} eingerichtet",
        kind="2fa_enrolled",
    )
    return codes


@transaction.atomic
def regenerate_backup_codes(user) -> list[str]:
    """Replace the backup codes (the old ones stop working at once)."""
    codes = _issue_backup_codes(user)
    record(
        user,
        AuditEntry.Action.CHANGE,
        user,
        f"Notfallcodes von {user.username} neu erzeugt",
        kind="2fa_backup_codes",
    )
    return codes


def _issue_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def device_for_token(user, token: str):
    """The device that must check ``token``: six digits are an app code, else a backup code."""
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    return next((d for d in devices_for_user(user) if isinstance(d, model)), None)


@transaction.atomic
def reset(actor, user) -> int:
    """Remove all of ``user``'s second factors (lost phone); returns how many were removed."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    if removed:
        record(
            actor,
            AuditEntry.Action.DELETE,
            user,
            f"Zwei-Faktor-Anmeldung von {user.username} zurückgesetzt",
            kind="2fa_reset",
        )
    return removed
