"""``manage.py import_assignments FILE [--dry-run]``: the Kreis's list of AU assignments."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clients.importer import EXPECTED_HEADER, import_assignments


class Command(BaseCommand):
    help = (
        "Importiert die Zuweisungsliste des Kreises (CSV in UTF-8 mit Semikolon oder XLSX, "
        f"Kopfzeile: {EXPECTED_HEADER}). Personen werden über das Aktenzeichen im Kreis "
        "abgeglichen: neue werden angelegt, bekannte aktualisiert. Alles oder nichts: enthält "
        "eine Zeile einen Fehler, wird nichts gespeichert und jede fehlerhafte Zeile gemeldet "
        "(Exit-Code 1). Der Kreis ist der einzige Kreis der Datenbank; gibt es mehrere, müssen "
        "alle AGS der Datei zu einem Kreis gehören."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV- oder XLSX-Datei")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="nur prüfen und zählen, was geschähe; nichts speichern",
        )

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        try:
            stream = path.open("rb")
        except OSError as error:
            raise CommandError(
                f"Die Datei {file} kann nicht gelesen werden: {error.strerror}."
            ) from error
        with stream:
            result = import_assignments(stream, filename=path.name, dry_run=dry_run)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.unlisted:
                self.stderr.write(f"… und {result.unlisted} weitere Fehler.")
            raise CommandError(result.summary)
        self.stdout.write(self.style.SUCCESS(result.summary))
