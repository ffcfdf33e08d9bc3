"""The directory settings, read from the environment (strict: a bad value stops the start).

``ldap_settings()`` returns nothing while ``LDAP_SERVER_URI`` is empty, so a deployment without
a directory needs neither python-ldap nor any LDAP_* variable. Runs while settings load: it must
not import models (the organisation's roles are therefore spelled out as strings here).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from imcase.env import env_bool, env_int, env_str

# Directory users work at the Landratsamt; municipalities and the RP keep local accounts.
DIRECTORY_ROLES = ("manager", "team_lead", "office", "admin")
GROUP_TYPES = ("groupOfNames", "groupOfUniqueNames", "activeDirectory", "nestedActiveDirectory")


def parse_group_roles(value: str) -> list[tuple[str, str]]:
    """``"cn=im,ou=groups,dc=x:manager;cn=tl,...:team_lead"`` → ``[(dn, role), ...]`` in order.

    The order is the priority: a user in several mapped groups gets the first one's role.
    """
    pairs = []
    for entry in (part.strip() for part in value.split(";")):
        if not entry:
            continue
        dn, _, role = entry.rpartition(":")
        dn, role = dn.strip(), role.strip()
        if not dn or "=" not in dn or role not in DIRECTORY_ROLES:
            raise ImproperlyConfigured(
                f"LDAP_GROUP_ROLES: {entry!r} ist keine gültige Zuordnung "
                f"„Gruppen-DN:Rolle“ (Rollen: {', '.join(DIRECTORY_ROLES)})."
            )
        pairs.append((dn, role))
    if not pairs:
        raise ImproperlyConfigured(
            "LDAP_GROUP_ROLES muss mindestens eine Gruppe einer Rolle zuordnen."
        )
    return pairs


def _required(name: str) -> str:
    value = env_str(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} muss gesetzt sein, wenn LDAP_SERVER_URI gesetzt ist.")
    return value


def ldap_settings() -> dict[str, object]:
    """The ``AUTH_LDAP_*`` settings of django-auth-ldap plus imcase's own LDAP_* values."""
    uri = env_str("LDAP_SERVER_URI", "").strip()
    if not uri:
        return {}
    if not uri.startswith(("ldap://", "ldaps://")):
        raise ImproperlyConfigured("LDAP_SERVER_URI muss mit ldap:// oder ldaps:// beginnen.")
    try:
        import ldap
        from django_auth_ldap import config as ldap_config
    except ImportError as exc:
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI ist gesetzt, aber django-auth-ldap ist nicht installiert: "
            "pip install '.[ldap]' (braucht libldap2-dev und libsasl2-dev, siehe README)."
        ) from exc

    # Empty counts as unset (docker-compose passes unset variables on as empty strings).
    user_filter = env_str("LDAP_USER_FILTER", "").strip() or "(uid=%(user)s)"
    if "%(user)s" not in user_filter:
        raise ImproperlyConfigured(
            "LDAP_USER_FILTER muss %(user)s enthalten, z. B. (uid=%(user)s)."
        )
    group_type_name = env_str("LDAP_GROUP_TYPE", "").strip() or "groupOfNames"
    group_types = {
        "groupOfNames": (ldap_config.GroupOfNamesType, "(objectClass=groupOfNames)"),
        "groupOfUniqueNames": (
            ldap_config.GroupOfUniqueNamesType,
            "(objectClass=groupOfUniqueNames)",
        ),
        "activeDirectory": (ldap_config.ActiveDirectoryGroupType, "(objectClass=group)"),
        "nestedActiveDirectory": (
            ldap_config.NestedActiveDirectoryGroupType,
            "(objectClass=group)",
        ),
    }
    if group_type_name not in group_types:
        raise ImproperlyConfigured(
            f"LDAP_GROUP_TYPE={group_type_name!r} ist unbekannt "
            f"(erlaubt: {', '.join(GROUP_TYPES)})."
        )
    group_type, group_filter = group_types[group_type_name]
    group_roles = parse_group_roles(_required("LDAP_GROUP_ROLES"))
    provider_id = env_int("LDAP_PROVIDER_ID", 0)
    if provider_id <= 0:
        raise ImproperlyConfigured(
            "LDAP_PROVIDER_ID muss die Nummer (ID) des Trägers sein, zu dem die "
            "Verzeichnisbenutzer gehören."
        )
    timeout = env_int("LDAP_TIMEOUT_SECONDS", 5)

    require_group = None
    for dn, _ in group_roles:
        query = ldap_config.LDAPGroupQuery(dn)
        require_group = query if require_group is None else require_group | query

    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env_str("LDAP_BIND_DN", "").strip(),
        "AUTH_LDAP_BIND_PASSWORD": env_str("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env_bool("LDAP_START_TLS", False),
        "AUTH_LDAP_USER_SEARCH": ldap_config.LDAPSearch(
            _required("LDAP_USER_SEARCH_BASE"), ldap.SCOPE_SUBTREE, user_filter
        ),
        "AUTH_LDAP_GROUP_SEARCH": ldap_config.LDAPSearch(
            _required("LDAP_GROUP_SEARCH_BASE"), ldap.SCOPE_SUBTREE, group_filter
        ),
        "AUTH_LDAP_GROUP_TYPE": group_type(),
        # Not in any mapped group (e.g. left the IM team, or disabled by removal from the
        # groups) = no login, and no local account is created for him.
        "AUTH_LDAP_REQUIRE_GROUP": require_group,
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # No cached group lookups: a changed group counts at the next login.
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_REFERRALS: 0,
            ldap.OPT_NETWORK_TIMEOUT: timeout,
            ldap.OPT_TIMEOUT: timeout,
        },
        "LDAP_GROUP_ROLES": group_roles,
        "LDAP_PROVIDER_ID": provider_id,
    }
