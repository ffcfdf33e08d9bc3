"""``manage.py run_deadline_checks [--today YYYY-MM-DD]``: the nightly deadline run by hand."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from imcase.alerts.registry import all_checks
from imcase.alerts.services import run_nightly
from imcase.counted import counted
from imcase.dates import german_date


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today {value!r} ist kein Datum der Form JJJJ-MM-TT.") from exc


class Command(BaseCommand):
    help = (
        "Führt die nächtliche Fristenprüfung aus (wie der Worker um 02:00 Uhr), legt neue "
        "Hinweise an und verschickt die E-Mail-Zusammenfassung. Ein zweiter Lauf für denselben "
        "Tag legt nichts doppelt an."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Stichtag JJJJ-MM-TT (Standard: heute). Zum Nachholen eines ausgefallenen Laufs.",
        )

    def handle(self, *args, today: str | None = None, **options):
        day = _date(today) if today else None
        result = run_nightly(day)
        if result.skipped:
            raise CommandError(
                "Eine andere Fristenprüfung läuft gerade; dieser Lauf hat nichts geändert."
            )
        self.stdout.write(f"Fristenprüfung für den {german_date(result.today)}:")
        for registered in all_checks():
            created = result.created.get(registered.kind, 0)
            line = f"  {registered.label}: {created} neu"
            unrouted = result.unrouted.get(registered.kind, 0)
            if unrouted:
                line += f" ({unrouted} ohne Empfänger:in)"
            self.stdout.write(line)
        obsolete = sum(result.obsolete.values())
        self.stdout.write(
            f"Insgesamt {counted(result.total_created, 'neuer Hinweis', 'neue Hinweise')}; "
            f"{obsolete} hinfällig geworden; "
            f"{counted(result.emails_sent, 'E-Mail', 'E-Mails')} versandt."
        )
        if sum(result.unrouted.values()):
            self.stdout.write(
                "Ohne Empfänger:in: keine zuständige Person gefunden (z. B. keine Teamleitung "
                "für die Gemeinde) – bitte Zuständigkeiten in der Verwaltung prüfen."
            )
