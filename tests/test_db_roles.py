"""Append-only in the database: TRUNCATE refused by trigger, and the app role owns nothing.

The app role is created inside the test (roles belong to the whole PostgreSQL cluster, so its
name is unique per run) and dropped again afterwards.
"""

from __future__ import annotations

import io
import secrets

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from reporting.models import Submission

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and triggers exist on PostgreSQL"
)


def _submission(world) -> Submission:
    return Submission.objects.create(
        landkreis=world.landkreis,
        year=2025,
        number=1,
        definition_version="2023.1",
        file="kennzahlen/1/2025/abgabe-1.xlsx",
        sha256="0" * 64,
        size=1,
        submitted_by=world.office,
        submitted_by_name="Koordination",
        submitted_at=timezone.now(),
    )


def _refused_truncate(table: str) -> None:
    with (
        pytest.raises(DatabaseError, match="TRUNCATE verweigert"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The rows were inserted in this test's transaction: check their deferred foreign
        # keys now, or PostgreSQL refuses the TRUNCATE for that reason before the trigger.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table}")


def test_truncate_of_the_audit_log_is_refused_even_for_the_owner(world):
    record(world.owner, AuditEntry.Action.VIEW, world.client, world.client.aktenzeichen)

    _refused_truncate("audit_auditentry")

    assert AuditEntry.objects.count() == 1


def test_truncate_of_the_submissions_is_refused_even_for_the_owner(world):
    _submission(world)

    _refused_truncate("reporting_submission")

    assert Submission.objects.count() == 1


# --- the app role -----------------------------------------------------------------------------


@pytest.fixture
def app_role(transactional_db):
    """A fresh app role set up by the command (committed, so a second connection sees it)."""
    name = f"imcase_test_app_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    out = io.StringIO()
    call_command("setup_db_roles", app_role=name, password=password, stdout=out)
    assert f"App-Rolle {name} angelegt" in out.getvalue()
    yield name, password
    with connection.cursor() as cursor:
        # Revokes its rights and the owner's default privileges for it, then removes it.
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


def _connect(role: str, password: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        password=password,
        autocommit=True,
    )


def _refused(conn: psycopg.Connection, statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def test_app_role_is_refused_truncate_update_and_delete_on_the_audit_log(world, app_role):
    record(world.owner, AuditEntry.Action.VIEW, world.client, world.client.aktenzeichen)
    _submission(world)

    with _connect(*app_role) as conn:
        for table in ("audit_auditentry", "reporting_submission"):
            _refused(conn, f"TRUNCATE {table}")
            _refused(conn, f"UPDATE {table} SET id = id")
            _refused(conn, f"DELETE FROM {table}")

    assert AuditEntry.objects.count() == 1
    assert Submission.objects.count() == 1


def test_app_role_may_not_truncate_drop_or_alter_any_table(world, app_role):
    with _connect(*app_role) as conn:
        _refused(conn, "TRUNCATE clients_client")
        _refused(conn, "TRUNCATE django_session")
        _refused(conn, "DROP TABLE clients_client")
        _refused(conn, "ALTER TABLE clients_client ADD COLUMN secret text")
        _refused(conn, "ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        _refused(conn, "CREATE TABLE own_table (id integer)")


def test_app_role_appends_to_the_audit_log_and_does_normal_work(world, app_role):
    with _connect(*app_role) as conn:
        (entry_id,) = conn.execute(
            "INSERT INTO audit_auditentry "
            "(at, actor_id, actor_name, action, object_type, object_id, object_label, detail) "
            "VALUES (now(), %s, 'owner', 'view', 'clients.client', %s, '', '{}') RETURNING id",
            [world.owner.pk, str(world.client.code)],
        ).fetchone()
        conn.execute(
            "UPDATE clients_client SET first_name = 'Omar' WHERE id = %s", [world.client.pk]
        )
        conn.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "VALUES ('probe', 'x', now())"
        )
        conn.execute("DELETE FROM django_session WHERE session_key = 'probe'")
        (visible,) = conn.execute("SELECT count(*) FROM clients_client").fetchone()

    assert AuditEntry.objects.get(pk=entry_id).actor == world.owner
    world.client.refresh_from_db()
    assert world.client.first_name == "Omar"
    assert visible == 2


def test_setup_is_idempotent_and_removes_rights_granted_by_hand(world, app_role):
    name, password = app_role
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE, UPDATE ON audit_auditentry TO {name}")

    out = io.StringIO()
    call_command("setup_db_roles", app_role=name, stdout=out)

    assert f"App-Rolle {name} aktualisiert" in out.getvalue()
    with _connect(name, password) as conn:
        _refused(conn, "TRUNCATE audit_auditentry")
        _refused(conn, "UPDATE audit_auditentry SET id = id")


def test_tables_of_later_migrations_get_the_same_rights(world, app_role):
    name, password = app_role
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_table (id integer PRIMARY KEY)")
    try:
        with _connect(name, password) as conn:
            conn.execute("INSERT INTO later_table VALUES (1)")
            conn.execute("DELETE FROM later_table")
            _refused(conn, "TRUNCATE later_table")
            _refused(conn, "DROP TABLE later_table")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE later_table")


def test_setup_refuses_the_owner_itself_as_app_role(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()

    with pytest.raises(CommandError, match="Rolle dieser Verbindung"):
        call_command("setup_db_roles", app_role=owner, stdout=io.StringIO())


def test_setup_refuses_an_invalid_role_name(db):
    with pytest.raises(CommandError, match="Rollenname"):
        call_command("setup_db_roles", app_role='x"; DROP TABLE y; --', stdout=io.StringIO())
