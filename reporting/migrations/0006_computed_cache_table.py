"""The database cache table of the "computed" cache (settings.CACHES): the dashboard's charts
keyed by the data fingerprint."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS imcase_computed_cache")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0005_stored_tables")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
