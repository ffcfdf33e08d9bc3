"""``manage.py apply_retention [--today YYYY-MM-DD] [--dry-run]``: the nightly anonymisation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from imcase.alerts.retention import apply_retention
from imcase.counted import counted
from imcase.dates import german_date


class Command(BaseCommand):
    help = (
        "Anonymisiert die personenbezogenen Daten der Fälle, die vor mehr als RETENTION_DAYS "
        "Tagen abgeschlossen wurden (wie der nächtliche Lauf um 03:00 Uhr). Unwiderruflich."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Stichtag JJJJ-MM-TT (Standard: heute).")
        parser.add_argument("--dry-run", action="store_true", help="Nur zählen, nichts ändern.")

    def handle(self, *args, today: str | None = None, dry_run: bool = False, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today {today!r} ist kein Datum der Form JJJJ-MM-TT.") from exc
        result = apply_retention(day, dry_run=dry_run)
        cutoff = german_date(result.cutoff)
        if dry_run:
            self.stdout.write(
                f"Probelauf: {counted(result.clients, 'Fall', 'Fälle')}, abgeschlossen vor dem "
                f"{cutoff} (Aufbewahrungsfrist "
                f"{counted(settings.RETENTION_DAYS, 'Tag', 'Tage')}), würden anonymisiert."
            )
            return
        self.stdout.write(
            f"{counted(result.clients, 'Fall', 'Fälle')}, abgeschlossen vor dem {cutoff}, "
            "anonymisiert."
        )
        for key, count in sorted(result.changed.items()):
            self.stdout.write(f"  {key}: {count}")
