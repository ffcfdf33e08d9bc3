"""``manage.py export_clients --xlsx OUT [--on DATE]``: all clients of the Kreis as XLSX."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clients.exporter import HEADERS, write_clients_xlsx
from clients.models import Client
from imcase.counted import counted
from imcase.dates import german_date


def parse_day(value: str) -> dt.date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"--on '{value}' ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT).")


class Command(BaseCommand):
    help = (
        "Exportiert alle Klient:innen der Datenbank (des Kreises) als Excel-Datei, eine Zeile "
        "je Person (Blatt „Klienten“, Spalten " + ", ".join(HEADERS[:7]) + ", …). "
        "Ein Verwaltungswerkzeug: es gilt keine Benutzersicht, exportiert wird alles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--xlsx", required=True, metavar="OUT", help="Zieldatei (.xlsx)")
        parser.add_argument(
            "--on",
            metavar="DATUM",
            help="Stichtag für die Spalte Status (TT.MM.JJJJ oder JJJJ-MM-TT; Standard: heute)",
        )

    def handle(self, *args, xlsx: str, on: str | None, **options):
        day = parse_day(on) if on else timezone.localdate()
        try:
            count = write_clients_xlsx(Client.objects.order_by("aktenzeichen", "pk"), day, xlsx)
        except OSError as error:
            raise CommandError(
                f"Die Datei {xlsx} kann nicht geschrieben werden: {error.strerror}."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{counted(count, 'Klient:in', 'Klient:innen')} nach {xlsx} exportiert "
                f"(Stand {german_date(day)})."
            )
        )
