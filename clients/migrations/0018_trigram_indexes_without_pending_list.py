"""The name search's trigram GIN indexes without a pending list (``fastupdate = off``).

With PostgreSQL's default, new index entries of a GIN index first go to an unsorted pending
list (up to ``gin_pending_list_limit``, 4 MB), which every search reads from start to end
until VACUUM merges it into the index. After an import or any day of new cases the search
then scans thousands of pending entries per word: on the bench data set (50,000 clients
written in bulk) all 50,006 entries of the first-name skeleton index were pending and the
four index scans took 40–50 ms of the search's 80. Without the pending list every insert
goes into the index at once (a little more work per new client, which is rare next to the
searches), and the search costs the same on any day. The migration also merges what is
pending now.
"""

from django.db import migrations

INDEXES = (
    "clients_client_first_name_trgm",
    "clients_client_last_name_trgm",
    "clients_client_first_skeleton_trgm",
    "clients_client_last_skeleton_trgm",
)


def _set(schema_editor, fastupdate: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} SET (fastupdate = {fastupdate})")
        if fastupdate == "off":
            schema_editor.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def forwards(apps, schema_editor):
    _set(schema_editor, "off")


def backwards(apps, schema_editor):
    _set(schema_editor, "on")


class Migration(migrations.Migration):
    dependencies = [("clients", "0017_network_activities")]

    operations = [migrations.RunPython(forwards, backwards)]
