"""Backup and restore of one imcase installation: the PostgreSQL database and the file storage.

A backup is a folder ``imcase-backup-YYYYMMDD-HHMMSS`` with

* ``database.dump`` – ``pg_dump --format=custom`` of the whole database (tables, the
  append-only triggers, grants),
* ``media.tar`` – every file of the default storage (exports, submitted Kennzahlentabellen,
  import uploads), read through Django's storage API so that an object store works too,
* ``manifest.json`` – when, which database, and the SHA-256 and size of both files.

``restore`` checks the manifest first, then restores into the database the current settings
point to (it must be empty: a restore never mixes two installations) and writes the files back
through the storage (it must not hold any of them). Afterwards every registered integrity
check runs (``@restore_check``: the apps register theirs, e.g. the submissions verify each
file's SHA-256) and the result is printed; a failing check makes the command fail.

Both run as the database *owner* role (the one ``migrate`` uses), never as the app role.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why (German)."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


RestoreCheck = Callable[[], CheckResult]
_CHECKS: list[RestoreCheck] = []


def restore_check(func: RestoreCheck) -> RestoreCheck:
    """Register an integrity check that runs after a restore (and on ``restore --verify-only``)."""
    _CHECKS.append(func)
    return func


def restore_checks() -> list[RestoreCheck]:
    return list(_CHECKS)


def _require_postgresql() -> dict:
    if connection.vendor != "postgresql":
        raise BackupError(
            "Sicherung und Wiederherstellung gibt es nur mit PostgreSQL "
            "(die SQLite-Datei der Demo kopieren Sie einfach)."
        )
    return settings.DATABASES["default"]


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"Das Programm {name} fehlt (Debian-Paket postgresql-client); bitte installieren."
        )
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _storage_files(folder: str = "") -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _storage_files(f"{folder}/{sub}" if folder else sub)


def create_backup(output: Path, now: datetime | None = None) -> Path:
    """Write a backup folder below ``output`` and return its path."""
    db = _require_postgresql()
    now = timezone.localtime(now or timezone.now())
    target = Path(output) / f"imcase-backup-{now:%Y%m%d-%H%M%S}"
    if target.exists():
        raise BackupError(f"Der Ordner {target} besteht schon; bitte einen Moment warten.")
    target.mkdir(parents=True)
    dump = target / DATABASE_FILE
    result = subprocess.run(  # noqa: S603 - fixed program; arguments are our own paths
        [_tool("pg_dump"), "--format=custom", "--file", str(dump)],
        env=_pg_env(db),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        raise BackupError(f"pg_dump ist fehlgeschlagen: {result.stderr.strip()}")
    media = target / MEDIA_FILE
    count = 0
    with tarfile.open(media, "w") as archive:
        for name in _storage_files():
            with default_storage.open(name, "rb") as handle:
                data = handle.read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            count += 1
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "database": db.get("NAME"),
        "media_files": count,
        "files": {
            name: {"sha256": _sha256(target / name), "size": (target / name).stat().st_size}
            for name in (DATABASE_FILE, MEDIA_FILE)
        },
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return target


def read_manifest(folder: Path) -> dict:
    """The manifest of a backup folder, after checking both files against it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} ist keine imcase-Sicherung ({MANIFEST} fehlt).") from exc
    except json.JSONDecodeError as exc:
        raise BackupError(f"{MANIFEST} in {folder} ist beschädigt.") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unbekanntes Sicherungsformat {manifest.get('format')!r}.")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.exists():
            raise BackupError(f"Die Datei {name} fehlt in der Sicherung.")
        if _sha256(path) != expected["sha256"]:
            raise BackupError(
                f"Die Datei {name} stimmt nicht mit der Prüfsumme überein; "
                "die Sicherung ist beschädigt oder verändert."
            )
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        return cursor.fetchone()[0] == 0


def restore_backup(folder: Path) -> dict:
    """Restore database and files from ``folder`` into the configured, empty installation."""
    db = _require_postgresql()
    folder = Path(folder)
    manifest = read_manifest(folder)
    if not _database_is_empty():
        raise BackupError(
            f"Die Datenbank {db.get('NAME')} enthält schon Tabellen. Eine Wiederherstellung "
            "braucht eine leere Datenbank (createdb), damit sich keine zwei Stände mischen."
        )
    with tarfile.open(folder / MEDIA_FILE) as archive:
        members = [m for m in archive.getmembers() if m.isfile()]
        for member in members:
            if member.name.startswith("/") or ".." in Path(member.name).parts:
                raise BackupError(f"Ungültiger Dateiname in der Sicherung: {member.name}")
            if default_storage.exists(member.name):
                raise BackupError(
                    f"Die Datei {member.name} besteht schon im Speicher; "
                    "bitte in einen leeren Speicher wiederherstellen."
                )
        connection.close()
        result = subprocess.run(  # noqa: S603 - fixed program; arguments are our own paths
            [
                _tool("pg_restore"),
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                str(db.get("NAME")),
                str(folder / DATABASE_FILE),
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore ist fehlgeschlagen: {result.stderr.strip()}")
        for member in members:
            data = archive.extractfile(member).read()
            saved = default_storage.save(member.name, ContentFile(data))
            if saved != member.name:
                raise BackupError(f"Die Datei {member.name} wurde als {saved} gespeichert.")
    return manifest


def run_checks() -> list[CheckResult]:
    results = []
    for check in restore_checks():
        try:
            results.append(check())
        except Exception as exc:  # noqa: BLE001 - a crashing check is a failed check
            results.append(CheckResult(check.__name__, False, f"Fehler: {exc}"))
    return results
