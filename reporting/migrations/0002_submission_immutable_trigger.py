"""On PostgreSQL the database itself refuses UPDATE and DELETE of a submission."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reporting_submission_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Abgaben der Kennzahlentabelle sind unveränderlich (% verweigert).', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reporting_submission_immutable
    BEFORE UPDATE OR DELETE ON reporting_submission
    FOR EACH ROW EXECUTE FUNCTION reporting_submission_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS reporting_submission_immutable ON reporting_submission;
DROP FUNCTION IF EXISTS reporting_submission_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
