"""Login with the Landratsamt's directory, against a real OpenLDAP server.

The ``directory`` fixture starts Debian's ``slapd`` (installed by scripts/install-test-deps.sh)
on a free loopback port with a throw-away configuration in a temporary directory: an mdb
database loaded with ``slapadd`` before the start, a service account for the user search, four
people and three groups. It is stopped when the module's tests are done.

A directory user is *disabled* for imcase when he is in none of the mapped groups (the usual
way: removed from the IM groups); LDAP_USER_FILTER can also exclude a disabled-flag attribute
(in Active Directory the ``userAccountControl`` bit; a disabled AD account also cannot bind).
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from imcase.audit.models import AuditEntry
from imcase.directory.config import DIRECTORY_ROLES, ldap_settings, parse_group_roles
from imcase.organisation.models import Role, StaffMember
from tests.factories import PASSWORD

SLAPD = "/usr/sbin/slapd"
LDAPMODIFY = "/usr/bin/ldapmodify"
LDAPWHOAMI = "/usr/bin/ldapwhoami"
BASE = "dc=landratsamt,dc=test"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "Wurzel-Passwort-2026"
SERVICE_DN = f"cn=imcase,ou=dienste,{BASE}"
SERVICE_PASSWORD = "Dienst-Passwort-2026"
IM_GROUP = f"cn=integrationsmanagement,ou=gruppen,{BASE}"
TL_GROUP = f"cn=teamleitung,ou=gruppen,{BASE}"
OTHER_GROUP = f"cn=kfz-zulassung,ou=gruppen,{BASE}"
DIRECTORY_PASSWORD = "Verzeichnis-Passwort-1"


def _ssha(password: str) -> str:
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324 (slapd's {SSHA})
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def _person(uid: str, given: str, surname: str, extra: str = "") -> str:
    return f"""dn: uid={uid},ou=personen,{BASE}
objectClass: inetOrgPerson
uid: {uid}
cn: {given} {surname}
givenName: {given}
sn: {surname}
mail: {uid}@landratsamt.test
userPassword: {_ssha(DIRECTORY_PASSWORD)}
{extra}
"""


def _group(dn: str, *members: str) -> str:
    cn = dn.split(",")[0].removeprefix("cn=")
    lines = "".join(f"member: uid={m},ou=personen,{BASE}\n" for m in members)
    return f"dn: {dn}\nobjectClass: groupOfNames\ncn: {cn}\n{lines}\n"


DIRECTORY_LDIF = (
    f"""dn: {BASE}
objectClass: dcObject
objectClass: organization
dc: landratsamt
o: Landratsamt Testkreis

"""
    + "".join(
        f"dn: ou={ou},{BASE}\nobjectClass: organizationalUnit\nou: {ou}\n\n"
        for ou in ("personen", "gruppen", "dienste")
    )
    + f"""dn: {SERVICE_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: imcase
userPassword: {_ssha(SERVICE_PASSWORD)}

"""
    + _person("mmeier", "Maria", "Meier")
    + _person("tkrause", "Thomas", "Krause")
    + _person("wwechsel", "Wanda", "Wechsel")
    + _person("aalt", "Anton", "Alt", "employeeType: deaktiviert\n")
    + _person("kfz", "Karl", "Zulassung")
    + _person("gemeinde", "Gerd", "Namensvetter")
    + _group(IM_GROUP, "mmeier", "wwechsel", "aalt", "gemeinde")
    + _group(TL_GROUP, "tkrause")
    + _group(OTHER_GROUP, "kfz")
)

SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile {tmp}/slapd.pid
argsfile {tmp}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{base}"
rootdn "{root_dn}"
rootpw {root_pw}
directory {tmp}/data
# Passwords only for binding; everything else readable by bound accounts (the service user).
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
"""


@dataclass
class Directory:
    uri: str
    tmp: Path

    def modify(self, ldif: str) -> None:
        """Change the running directory as its administrator (ldapmodify from ldap-utils)."""
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [LDAPMODIFY, "-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
            input=ldif,
            text=True,
            check=True,
            capture_output=True,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Iterator[Directory]:
    if not all(os.path.exists(tool) for tool in (SLAPD, LDAPMODIFY, LDAPWHOAMI)):
        pytest.fail("slapd/ldap-utils fehlen: bash scripts/install-test-deps.sh installiert sie")
    tmp = tmp_path_factory.mktemp("slapd")
    (tmp / "data").mkdir()
    conf = tmp / "slapd.conf"
    conf.write_text(
        SLAPD_CONF.format(tmp=tmp, base=BASE, root_dn=ROOT_DN, root_pw=_ssha(ROOT_PASSWORD))
    )
    (tmp / "directory.ldif").write_text(DIRECTORY_LDIF)
    subprocess.run(  # noqa: S603 - fixed argv, no shell
        [SLAPD, "-T", "add", "-f", str(conf), "-l", str(tmp / "directory.ldif")],
        check=True,
        capture_output=True,
    )
    uri = f"ldap://127.0.0.1:{_free_port()}"
    log = (tmp / "slapd.log").open("w")
    # -d keeps slapd in the foreground, so the fixture owns (and stops) exactly this process.
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [SLAPD, "-f", str(conf), "-h", f"{uri}/", "-d", "0"], stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            probe = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [LDAPWHOAMI, "-x", "-H", uri, "-D", SERVICE_DN, "-w", SERVICE_PASSWORD],
                capture_output=True,
            )
            if probe.returncode == 0:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("slapd startet nicht: " + (tmp / "slapd.log").read_text()[-2000:])
            time.sleep(0.2)
        yield Directory(uri=uri, tmp=tmp)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _configure(monkeypatch, settings, directory: Directory, provider, **overrides) -> None:
    """Read the LDAP_* variables like a deployment does and switch the backend on."""
    env = {
        "LDAP_SERVER_URI": directory.uri,
        "LDAP_BIND_DN": SERVICE_DN,
        "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
        "LDAP_USER_SEARCH_BASE": f"ou=personen,{BASE}",
        "LDAP_USER_FILTER": "(uid=%(user)s)",
        "LDAP_GROUP_SEARCH_BASE": f"ou=gruppen,{BASE}",
        "LDAP_GROUP_ROLES": f"{TL_GROUP}:team_lead; {IM_GROUP}:manager",
        "LDAP_PROVIDER_ID": str(provider.pk),
        **overrides,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name, value in ldap_settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "imcase.directory.backend.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


@pytest.fixture
def ldap_login(monkeypatch, settings, directory, world):
    _configure(monkeypatch, settings, directory, world.provider)
    return directory


def _login(client, username: str, password: str = DIRECTORY_PASSWORD):
    return client.post("/anmelden/", {"username": username, "password": password})


# --- Logging in ----------------------------------------------------------------------------


def test_directory_manager_logs_in_and_gets_role_from_group(client, world, ldap_login):
    response = _login(client, "mmeier")

    assert response.status_code == 302
    user = get_user_model().objects.get(username="mmeier")
    assert (user.first_name, user.last_name, user.email) == (
        "Maria",
        "Meier",
        "mmeier@landratsamt.test",
    )
    assert not user.has_usable_password()
    staff = StaffMember.objects.get(user=user)
    assert staff.role == Role.MANAGER
    assert staff.provider == world.provider
    assert staff.landkreis == world.landkreis
    assert client.get("/klienten/").status_code == 200
    entry = AuditEntry.objects.get(detail__kind="directory_role")
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.detail["role"] == "manager"


def test_directory_team_lead_gets_team_lead_role(client, world, ldap_login):
    assert _login(client, "tkrause").status_code == 302

    assert StaffMember.objects.get(user__username="tkrause").role == Role.TEAM_LEAD


def test_role_follows_a_changed_group_at_next_login(client, world, ldap_login):
    assert _login(client, "wwechsel").status_code == 302
    assert StaffMember.objects.get(user__username="wwechsel").role == Role.MANAGER
    client.logout()
    member = f"member: uid=wwechsel,ou=personen,{BASE}"
    ldap_login.modify(f"dn: {TL_GROUP}\nchangetype: modify\nadd: member\n{member}\n")
    try:
        assert _login(client, "wwechsel").status_code == 302
    finally:
        ldap_login.modify(f"dn: {TL_GROUP}\nchangetype: modify\ndelete: member\n{member}\n")

    # In both groups: the first mapping (team lead) wins.
    assert StaffMember.objects.get(user__username="wwechsel").role == Role.TEAM_LEAD
    change = AuditEntry.objects.get(detail__kind="directory_role", action="change")
    assert change.detail["previous_role"] == "manager"


def test_user_in_no_mapped_group_cannot_log_in(client, world, ldap_login):
    response = _login(client, "kfz")

    assert response.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in response.text
    assert not get_user_model().objects.filter(username="kfz").exists()


def test_user_removed_from_groups_cannot_log_in_any_more(client, world, ldap_login):
    assert _login(client, "mmeier").status_code == 302
    client.logout()
    member = f"member: uid=mmeier,ou=personen,{BASE}"
    ldap_login.modify(f"dn: {IM_GROUP}\nchangetype: modify\ndelete: member\n{member}\n")
    try:
        response = _login(client, "mmeier")
    finally:
        ldap_login.modify(f"dn: {IM_GROUP}\nchangetype: modify\nadd: member\n{member}\n")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_user_flagged_disabled_is_excluded_by_the_filter(
    client, monkeypatch, settings, directory, world
):
    _configure(
        monkeypatch,
        settings,
        directory,
        world.provider,
        LDAP_USER_FILTER="(&(uid=%(user)s)(!(employeeType=deaktiviert)))",
    )

    assert _login(client, "aalt").status_code == 200
    assert _login(client, "mmeier").status_code == 302


def test_wrong_directory_password_is_refused(client, world, ldap_login):
    response = _login(client, "mmeier", "falsches-Passwort-1")

    assert response.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in response.text
    assert not get_user_model().objects.filter(username="mmeier").exists()


def test_local_account_is_not_taken_over_by_a_directory_entry(client, world, ldap_login):
    # "gemeinde" is the municipality's local account and, by chance, a directory name too.
    assert _login(client, "gemeinde", DIRECTORY_PASSWORD).status_code == 200
    assert StaffMember.objects.get(user=world.municipality_user).role == Role.MUNICIPALITY

    assert _login(client, "gemeinde", PASSWORD).status_code == 302


def test_local_accounts_still_log_in_with_directory_on(client, world, ldap_login):
    assert _login(client, world.rp_user.username, PASSWORD).status_code == 302


def test_unreachable_directory_refuses_directory_users_but_not_local_ones(
    client, monkeypatch, settings, directory, world
):
    _configure(
        monkeypatch,
        settings,
        directory,
        world.provider,
        LDAP_SERVER_URI=f"ldap://127.0.0.1:{_free_port()}",
        LDAP_TIMEOUT_SECONDS="2",
    )

    assert _login(client, "mmeier").status_code == 200
    assert _login(client, world.owner.username, PASSWORD).status_code == 302


# --- Configuration -------------------------------------------------------------------------


def test_directory_is_off_without_server_uri(monkeypatch):
    monkeypatch.delenv("LDAP_SERVER_URI", raising=False)

    assert ldap_settings() == {}


def test_group_roles_are_parsed_in_order():
    assert parse_group_roles("cn=a,dc=x:manager; cn=b,dc=x:office;") == [
        ("cn=a,dc=x", "manager"),
        ("cn=b,dc=x", "office"),
    ]


@pytest.mark.parametrize(
    "value",
    ["", "cn=a,dc=x", "cn=a,dc=x:municipality", "cn=a,dc=x:rp", ":manager", "cn=a,dc=x:chef"],
)
def test_bad_group_roles_stop_the_start(value):
    with pytest.raises(ImproperlyConfigured, match="LDAP_GROUP_ROLES"):
        parse_group_roles(value)


def test_directory_roles_are_organisation_roles_without_municipality_and_rp():
    # The VU's social worker is an external account too: local, never from the directory.
    assert set(DIRECTORY_ROLES) == set(Role.values) - {Role.MUNICIPALITY, Role.RP, Role.VU}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LDAP_PROVIDER_ID", "", "LDAP_PROVIDER_ID"),
        ("LDAP_USER_SEARCH_BASE", "", "LDAP_USER_SEARCH_BASE"),
        ("LDAP_USER_FILTER", "(uid=fix)", "%\\(user\\)s"),
        ("LDAP_GROUP_TYPE", "posix", "LDAP_GROUP_TYPE"),
        ("LDAP_SERVER_URI", "http://ad.example", "ldap://"),
    ],
)
def test_incomplete_directory_settings_stop_the_start(monkeypatch, name, value, message):
    env = {
        "LDAP_SERVER_URI": "ldaps://ad.landratsamt.test",
        "LDAP_USER_SEARCH_BASE": f"ou=personen,{BASE}",
        "LDAP_GROUP_SEARCH_BASE": f"ou=gruppen,{BASE}",
        "LDAP_GROUP_ROLES": f"{IM_GROUP}:manager",
        "LDAP_PROVIDER_ID": "7",
        name: value,
    }
    for key, val in env.items():
        monkeypatch.setenv(key, val)

    with pytest.raises(ImproperlyConfigured, match=message):
        ldap_settings()


def test_empty_optional_variables_take_the_defaults(monkeypatch):
    # docker-compose passes unset variables on as empty strings.
    env = {
        "LDAP_SERVER_URI": "ldap://127.0.0.1:3389",
        "LDAP_USER_SEARCH_BASE": f"ou=personen,{BASE}",
        "LDAP_USER_FILTER": "",
        "LDAP_GROUP_SEARCH_BASE": f"ou=gruppen,{BASE}",
        "LDAP_GROUP_TYPE": "",
        "LDAP_GROUP_ROLES": f"{IM_GROUP}:manager",
        "LDAP_PROVIDER_ID": "7",
        "LDAP_START_TLS": "",
    }
    for key, val in env.items():
        monkeypatch.setenv(key, val)

    configured = ldap_settings()

    assert configured["AUTH_LDAP_USER_SEARCH"].filterstr == "(uid=%(user)s)"
    assert type(configured["AUTH_LDAP_GROUP_TYPE"]).__name__ == "GroupOfNamesType"
    assert configured["AUTH_LDAP_START_TLS"] is False
    assert configured["LDAP_PROVIDER_ID"] == 7
