"""Directory users' place in the organisation: the role follows the directory group."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.organisation.models import Provider, Role, StaffMember

logger = logging.getLogger(__name__)


def role_for_groups(group_dns: set[str], mapping: Iterable[tuple[str, str]]) -> str | None:
    """The role of the first mapped group the user is in (the mapping's order is priority)."""
    return next((Role(role) for dn, role in mapping if dn in group_dns), None)


@transaction.atomic
def sync_directory_role(user, role: str, provider_id: int) -> bool:
    """Give ``user`` the role at the directory's provider; False when that provider is missing.

    Only role and provider come from the directory; team, VZÄ and qualification stay as an
    administrator entered them (a team of another provider is cleared).
    """
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        logger.error("LDAP_PROVIDER_ID=%s: diesen Träger gibt es nicht", provider_id)
        return False
    staff = StaffMember.objects.select_for_update().filter(user=user).first()
    if staff is None:
        staff = StaffMember.objects.create(user=user, role=role, provider=provider)
        action, before = AuditEntry.Action.CREATE, None
    elif staff.role == role and staff.provider_id == provider.pk:
        return True
    else:
        before = staff.role
        staff.role, staff.provider = role, provider
        if staff.team_id and staff.team.provider_id != provider.pk:
            staff.team = None
        staff.save()
        action = AuditEntry.Action.CHANGE
    record(
        None,
        action,
        staff,
        f"Rolle von {user.username} aus dem Verzeichnis: {Role(role).label}",
        kind="directory_role",
        role=role,
        previous_role=before,
    )
    return True
