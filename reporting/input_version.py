"""The data fingerprint of the stored Kennzahlentabellen: one number that moves whenever a table
the figures are computed from changes.

Every table of the apps the figures read (clients, plans, organisation, funding; not the
histories) gets a trigger that counts the number up on every INSERT, UPDATE and DELETE — also
for bulk updates and raw SQL, which model signals would miss. A stored table remembers the
number it was computed at; while the number is unchanged nothing it was computed from has
changed. The number is coarse (any Kreis's change moves it for all) and never misses a change.

On PostgreSQL the number is a sequence: ``nextval`` never waits for another transaction, so two
managers saving at once do not queue behind a counter row (a rolled-back change still counts,
which only marks a table as stale once too often). On SQLite (the demo) it is a one-row
counter table. The triggers are (re)installed after every ``migrate`` (post_migrate), so the
tables of later migrations are covered without a migration of their own.


Every name in the SQL below is a constant of this module or a table name from the models.
"""

# ruff: noqa: S608
from __future__ import annotations

from django.apps import apps
from django.db import connections

INPUT_APPS = ("clients", "plans", "organisation", "funding")
SEQUENCE = "reporting_input_version"
FUNCTION = "reporting_bump_input_version"
TRIGGER = "reporting_input_version"
SQLITE_COUNTER = "reporting_input_version_counter"


def input_tables() -> list[str]:
    tables = set()
    for label in INPUT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.managed and not model._meta.proxy and "historical" not in table:
                tables.add(table)
    return sorted(tables)


def install(using: str = "default") -> int:
    """Create the counter and a trigger on every input table; idempotent. Returns the number
    of tables covered."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    tables = [table for table in input_tables() if table in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$"
            )
            for table in tables:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRIGGER} "
                    f'AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                )
        elif connection.vendor == "sqlite":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {SQLITE_COUNTER} (n INTEGER NOT NULL)")
            cursor.execute(
                f"INSERT INTO {SQLITE_COUNTER} (n) SELECT 1 "
                f"WHERE NOT EXISTS (SELECT 1 FROM {SQLITE_COUNTER})"
            )
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f'CREATE TRIGGER IF NOT EXISTS "{TRIGGER}_{table}_{event.lower()}" '
                        f'AFTER {event} ON "{table}" '
                        f"BEGIN UPDATE {SQLITE_COUNTER} SET n = n + 1; END"
                    )
        else:  # pragma: no cover - settings allow only these two
            return 0
    return len(tables)


def current(using: str = "default") -> int:
    """The number now. Read it before computing: a change during the computation then makes
    the stored result stale rather than wrongly current."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM {SEQUENCE}"
            )
        else:
            cursor.execute(f"SELECT n FROM {SQLITE_COUNTER}")
        return int(cursor.fetchone()[0])


def install_after_migrate(sender, using: str = "default", **kwargs) -> None:
    install(using)
