"""The twelve Handlungsfelder of the VwV IntM plan; administrators can extend the list."""

from django.db import migrations

FIELDS = [
    "Sprache",
    "Schulbildung",
    "Ausbildung/Studium",
    "Weiterqualifizierung",
    "Arbeitsmarkt",
    "Wohnen",
    "Gesundheit",
    "Familie/Kinder",
    "Finanzen/Existenzsicherung",
    "Aufenthalt",
    "Gesellschaftliche Teilhabe",
    "Sonstiges",
]


def add_fields(apps, schema_editor):
    GoalField = apps.get_model("plans", "GoalField")
    for position, name in enumerate(FIELDS):
        GoalField.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(add_fields, migrations.RunPython.noop)]
