"""Default topics and Regeldienste (administrators can extend them), and on PostgreSQL the
pg_trgm extension with trigram indexes for the spelling-tolerant name search."""

from django.db import migrations

TOPICS = [
    "Kinder und Familie",
    "Wohnen",
    "Sprache",
    "Arbeit und Beschäftigung",
    "Gesellschaftliche Teilhabe",
    "Schule und Bildung",
    "Ausbildung und Studium",
    "Anerkennung von Abschlüssen",
    "Gesundheit",
    "Aufenthalt",
    "Finanzen und Existenzsicherung",
    "Behörden und Post",
    "Sonstiges",
]

SERVICES = [
    "Jobcenter",
    "Agentur für Arbeit",
    "Migrationsberatung für Erwachsene (MBE)",
    "Jugendmigrationsdienst (JMD)",
    "Ausländerbehörde",
    "Schuldnerberatung",
    "Anerkennungsberatung",
    "Jugendamt",
    "Schule / Kita",
    "Sprachkursträger",
    "Ehrenamt / Vereine",
    "Gesundheitswesen",
    "Sonstiger Regeldienst",
]

TRIGRAM = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS clients_client_last_name_trgm
    ON clients_client USING gin (last_name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS clients_client_first_name_trgm
    ON clients_client USING gin (first_name gin_trgm_ops);
"""


def add_defaults(apps, schema_editor):
    Topic = apps.get_model("clients", "Topic")
    RegularService = apps.get_model("clients", "RegularService")
    for position, name in enumerate(TOPICS):
        Topic.objects.get_or_create(name=name, defaults={"position": position})
    for position, name in enumerate(SERVICES):
        RegularService.objects.get_or_create(name=name, defaults={"position": position})


def add_trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGRAM, params=None)


def drop_trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP INDEX IF EXISTS clients_client_last_name_trgm;"
            "DROP INDEX IF EXISTS clients_client_first_name_trgm;",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
        migrations.RunPython(add_trigram, drop_trigram),
    ]
