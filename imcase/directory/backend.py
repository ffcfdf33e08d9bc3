"""django-auth-ldap backend that gives a directory user his StaffMember role from his groups.

Only loaded when LDAP_SERVER_URI is set (see ``config.py``), so python-ldap is imported only
where the ``ldap`` extra is installed.
"""

from __future__ import annotations

import logging

import ldap.dn
from django.conf import settings
from django_auth_ldap.backend import LDAPBackend

from imcase.directory.services import role_for_groups, sync_directory_role

logger = logging.getLogger(__name__)


def normalize_dn(dn: str) -> str:
    """Compare DNs as the directory does: case and spaces around separators do not matter."""
    try:
        return ldap.dn.dn2str(ldap.dn.str2dn(dn.lower()))
    except ldap.DECODING_ERROR:
        return dn.lower()


class DirectoryBackend(LDAPBackend):
    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        # A local account (it has its own password) is never taken over by a directory entry
        # of the same name: municipalities and the RP keep their local logins.
        if not built and user.has_usable_password():
            raise ldap_user.AuthenticationFailed(f"{username} ist ein lokaler Zugang")
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        groups = {normalize_dn(dn) for dn in ldap_user.group_dns}
        mapping = [(normalize_dn(dn), role) for dn, role in settings.LDAP_GROUP_ROLES]
        role = role_for_groups(groups, mapping)
        if role is None or not sync_directory_role(user, role, settings.LDAP_PROVIDER_ID):
            logger.warning("Verzeichnisanmeldung von %s abgelehnt: keine Rolle", user.username)
            return None
        return user
