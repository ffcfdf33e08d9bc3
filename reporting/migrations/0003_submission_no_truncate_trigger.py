"""On PostgreSQL the database refuses TRUNCATE of the submissions too.

The row-level trigger of 0002 does not fire on TRUNCATE; a statement-level trigger closes that
gap, for every role, the owner included. It reuses 0002's function, which names the refused
operation.
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER reporting_submission_no_truncate
    BEFORE TRUNCATE ON reporting_submission
    FOR EACH STATEMENT EXECUTE FUNCTION reporting_submission_immutable();
"""

DROP = "DROP TRIGGER IF EXISTS reporting_submission_no_truncate ON reporting_submission;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_submission_immutable_trigger")]
    operations = [migrations.RunPython(forwards, backwards)]
