"""The application's database role: it reads and writes rows but owns nothing.

Migrations run as the owner role (the one that owns the tables); the web server and the worker
connect as an app role that may SELECT, INSERT, UPDATE and DELETE rows, and nothing else: no
TRUNCATE, no DROP or ALTER (only an owner may do that), and no UPDATE or DELETE on the
append-only tables (``imcase.audit.append_only``). A leaked application password or an SQL
injection then cannot empty the audit log or change a submitted Kennzahlentabelle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection, transaction

from imcase.audit.append_only import append_only_tables

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleSetupError(Exception):
    """The app role cannot be set up safely; the message says why (German)."""


@dataclass(frozen=True)
class RoleSetup:
    role: str
    created: bool
    tables: int
    append_only: list[str]


def setup_app_role(role: str, password: str | None = None) -> RoleSetup:
    """Create the app role if missing and give it exactly the rights above; safe to run again.

    Runs as the owner role, after ``migrate``: it grants on the tables that exist now and sets
    the owner's default privileges so that tables of later migrations get the same rights.
    """
    if connection.vendor != "postgresql":
        raise RoleSetupError("Datenbankrollen gibt es nur mit PostgreSQL.")
    if not _ROLE_NAME.match(role):
        raise RoleSetupError(
            f"Der Rollenname {role!r} ist ungültig (Kleinbuchstaben, Ziffern und _, "
            "höchstens 63 Zeichen, nicht mit einer Ziffer beginnend)."
        )
    name = connection.ops.quote_name(role)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        owner, database, schema = cursor.fetchone()
        if role == owner:
            raise RoleSetupError(
                f"Die App-Rolle {role} ist die Rolle dieser Verbindung (der Eigentümer). "
                "Führen Sie den Befehl als Eigentümer aus und geben Sie eine andere App-Rolle an."
            )
        cursor.execute("SELECT oid, rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        created = found is None
        if created:
            cursor.execute(
                f"CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                + (" PASSWORD %s" if password else ""),
                [password] if password else None,
            )
        else:
            _check_owns_nothing(cursor, role, owner, is_superuser=found[1])
            cursor.execute(
                f"ALTER ROLE {name} LOGIN" + (" PASSWORD %s" if password else ""),
                [password] if password else None,
            )
        owner_name = connection.ops.quote_name(owner)
        schema_name = connection.ops.quote_name(schema)
        cursor.execute(
            f"GRANT CONNECT, TEMPORARY ON DATABASE {connection.ops.quote_name(database)} TO {name}"
        )
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema_name} TO {name}")
        # A clean slate first, so a right granted by hand (TRUNCATE, TRIGGER, …) does not stay.
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema_name} FROM {name}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_name} TO {name}"
        )
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema_name} FROM {name}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_name} TO {name}")
        append_only = append_only_tables()
        if append_only:
            tables = ", ".join(connection.ops.quote_name(table) for table in append_only)
            cursor.execute(f"REVOKE UPDATE, DELETE ON {tables} FROM {name}")
        # Tables and sequences the owner creates later (next migrations) get the same rights;
        # a new append-only table is narrowed when this command runs after that migration.
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_name} IN SCHEMA {schema_name} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_name} IN SCHEMA {schema_name} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {name}"
        )
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema])
        (tables_count,) = cursor.fetchone()
    return RoleSetup(role=role, created=created, tables=tables_count, append_only=append_only)


def _check_owns_nothing(cursor, role: str, owner: str, *, is_superuser: bool) -> None:
    """An existing role must not be able to do more than its grants say."""
    if is_superuser:
        raise RoleSetupError(
            f"Die Rolle {role} ist Superuser; als App-Rolle darf sie keine Sonderrechte haben."
        )
    cursor.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
        "WHERE r.rolname = %s",
        [role],
    )
    (owned,) = cursor.fetchone()
    if owned:
        raise RoleSetupError(
            f"Die Rolle {role} besitzt {owned} Tabellen oder andere Objekte und könnte sie "
            f"ändern oder löschen. Übertragen Sie sie zuerst: REASSIGN OWNED BY {role} TO "
            f"{owner};"
        )
    cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
    (member,) = cursor.fetchone()
    if member:
        raise RoleSetupError(
            f"Die Rolle {role} ist Mitglied der Eigentümerrolle {owner} und hätte damit deren "
            "Rechte. Entfernen Sie die Mitgliedschaft (REVOKE)."
        )
