"""An index on UPPER(aktenzeichen): the name search ORs "Aktenzeichen equals the text"
(``aktenzeichen__iexact``) with the trigram conditions; PostgreSQL can combine the branches of
an OR by index (BitmapOr) only if every branch has one, otherwise it reads the whole table."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS clients_client_aktenzeichen_upper "
            "ON clients_client (UPPER(aktenzeichen::text))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS clients_client_aktenzeichen_upper")


class Migration(migrations.Migration):
    dependencies = [("clients", "0007_consultation_withdrawal")]

    operations = [migrations.RunPython(forwards, backwards)]
