"""On PostgreSQL the database refuses TRUNCATE of the audit log too.

The row-level trigger of 0002 does not fire on TRUNCATE, which empties a table without touching
its rows one by one; a statement-level trigger closes that gap, for every role, the owner
included. It reuses 0002's function, which names the refused operation.
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER audit_auditentry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditentry_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(forwards, backwards)]
