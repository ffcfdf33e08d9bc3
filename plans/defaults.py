"""The default Handlungsfelder (also written by migration 0002), for code that must not rely
on the data migration's rows: the demo data and tests whose database was flushed."""

from __future__ import annotations

from plans.models import GoalField

DEFAULT_FIELDS = [
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


def ensure_default_fields() -> dict[str, GoalField]:
    """The default fields by name, created if missing (one query when all exist)."""
    found = {f.name: f for f in GoalField.objects.filter(name__in=DEFAULT_FIELDS)}
    missing = [
        GoalField(name=name, position=position)
        for position, name in enumerate(DEFAULT_FIELDS)
        if name not in found
    ]
    if missing:
        GoalField.objects.bulk_create(missing, ignore_conflicts=True)
        found = {f.name: f for f in GoalField.objects.filter(name__in=DEFAULT_FIELDS)}
    return found
