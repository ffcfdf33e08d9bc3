"""Running imcase: liveness/readiness endpoints and a backup restored into a fresh database.

The restore test is end to end with the real tools: ``manage.py backup`` (pg_dump and the file
storage) from the test database, then ``manage.py restore`` in a separate process against a
new, empty PostgreSQL database and an empty media folder; afterwards the restored submission
still verifies against its SHA-256 and the restored audit log still refuses changes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from reporting import services

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 1, 20)
BASE = "https://imcase.example.org/"


def test_healthz_answers_without_login_and_without_the_database(client):
    # No database fixture: any query would raise "Database access not allowed".
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_redis_and_storage(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
    }
    assert not any((tmp_path / "media" / "readyz").iterdir()), "probe file left behind"


def test_readyz_names_the_failing_part_with_503(client, db, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"  # cannot be created below a plain file
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "Fehler",
        "checks": {"database": "ok", "redis": "Fehler", "storage": "Fehler"},
    }


def _admin_connection(dbname: str) -> psycopg.Connection:
    db = django_settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture
def fresh_database():
    name = f"imcase_restore_{uuid.uuid4().hex[:10]}"
    with _admin_connection("postgres") as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _admin_connection("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restore(folder: Path, database: str, media: Path, *extra: str) -> subprocess.CompletedProcess:
    db = django_settings.DATABASES["default"]
    user = db["USER"] or "postgres"
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{database}"
    env["MEDIA_ROOT"] = str(media)
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "manage.py", "restore", str(folder), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backup_restores_into_a_fresh_database_with_files_and_protection(
    transactional_db, world, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    submission = services.finalise(world.office, 2025, "", BASE, today=TODAY)
    record(world.office, AuditEntry.Action.VIEW, world.client, "Personenseite")
    audit_count = AuditEntry.objects.count()

    call_command("backup", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["media_files"] == 1
    assert set(manifest["files"]) == {"database.dump", "media.tar"}

    restored_media = tmp_path / "restored-media"
    result = _restore(folder, fresh_database, restored_media)
    assert result.returncode == 0, result.stderr
    assert "[ok] Abgaben der Kennzahlentabelle: 1 Datei stimmt mit ihrer Prüfsumme überein" in (
        result.stdout
    )
    assert "[ok] Nur-Anfügen-Tabellen" in result.stdout
    assert (restored_media / submission.file.name).read_bytes() == submission.file.read()

    with _admin_connection(fresh_database) as conn:
        count = conn.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0]
        assert count == audit_count
        sha = conn.execute(
            "SELECT sha256 FROM reporting_submission WHERE code = %s", [submission.code]
        ).fetchone()[0]
        assert sha == submission.sha256
        for statement in (
            "UPDATE audit_auditentry SET object_label = 'x'",
            "DELETE FROM audit_auditentry",
            "TRUNCATE reporting_submission CASCADE",
        ):
            with pytest.raises(psycopg.Error):
                conn.execute(statement)

    # A restore never mixes two installations: the now filled database is refused.
    again = _restore(folder, fresh_database, tmp_path / "other-media")
    assert again.returncode != 0
    assert "enthält schon Tabellen" in again.stderr


def test_a_changed_backup_is_refused_before_anything_is_restored(
    transactional_db, world, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    services.finalise(world.office, 2025, "", BASE, today=TODAY)
    call_command("backup", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    tar = folder / "media.tar"
    data = bytearray(tar.read_bytes())
    data[600] ^= 0xFF
    tar.write_bytes(bytes(data))

    result = _restore(folder, fresh_database, tmp_path / "restored-media")
    assert result.returncode != 0
    assert "media.tar stimmt nicht mit der Prüfsumme überein" in result.stderr
    with _admin_connection(fresh_database) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    assert tables == 0
    assert not (tmp_path / "restored-media").exists()


def test_backup_refuses_sqlite_with_a_german_message(db, monkeypatch, tmp_path):
    from django.db import connection

    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="nur mit PostgreSQL"):
        call_command("backup", output=str(tmp_path))


def test_postgresql_connections_run_without_jit(db):
    """imcase's connections leave PostgreSQL's JIT compiler off (``DATABASES`` in the
    settings): it compiled the Kennzahlen's aggregates and the nightly checks' subqueries over
    all clients for longer than they ran. A ``?options=`` in DATABASE_URL would replace it."""
    from django.db import connection

    assert django_settings.DATABASES["default"]["OPTIONS"]["options"] == "-c jit=off"
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
