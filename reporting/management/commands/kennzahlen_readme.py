"""``manage.py kennzahlen_readme [--check]``: write the README's Kennzahlen definitions from
the registry (or, with ``--check``, only say whether they differ)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.kennzahlen.docs import MarkersMissing, with_section
from reporting.kennzahlen.registry import all_definitions


class Command(BaseCommand):
    help = (
        "Schreibt den Abschnitt „Kennzahlen-Definitionen“ der README.md aus dem Register der "
        "Kennzahlen; mit --check wird nur geprüft, ob er übereinstimmt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Nur prüfen (Fehler, wenn er abweicht)."
        )
        parser.add_argument(
            "--readme", default=str(settings.BASE_DIR / "README.md"), help="Pfad der README."
        )

    def handle(self, *args, check: bool, readme: str, **options):
        with open(readme, encoding="utf-8") as file:
            text = file.read()
        try:
            wanted = with_section(text, all_definitions())
        except MarkersMissing as error:
            raise CommandError(str(error)) from error
        if wanted == text:
            self.stdout.write("Die Kennzahlen-Definitionen der README sind aktuell.")
            return
        if check:
            raise CommandError(
                "Die Kennzahlen-Definitionen der README weichen vom Register ab: "
                "python manage.py kennzahlen_readme"
            )
        with open(readme, "w", encoding="utf-8") as file:
            file.write(wanted)
        self.stdout.write("Die Kennzahlen-Definitionen der README wurden neu geschrieben.")
