"""The core's own checks after a restore: the append-only tables still refuse changes."""

from __future__ import annotations

from django.db import connection

from imcase.audit.append_only import append_only_tables
from imcase.operations.backup import CheckResult, restore_check


@restore_check
def append_only_triggers() -> CheckResult:
    """Every append-only table has its UPDATE/DELETE and TRUNCATE triggers back."""
    missing = []
    with connection.cursor() as cursor:
        for table in append_only_tables():
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = %s AND NOT t.tgisinternal AND t.tgenabled <> 'D'",
                [table],
            )
            if cursor.fetchone()[0] < 2:
                missing.append(table)
    if missing:
        return CheckResult(
            "Nur-Anfügen-Tabellen", False, "Trigger fehlen bei: " + ", ".join(missing)
        )
    return CheckResult(
        "Nur-Anfügen-Tabellen",
        True,
        f"{len(append_only_tables())} Tabellen verweigern Änderungen und Löschen",
    )
