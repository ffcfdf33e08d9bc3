from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imcase.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Sichert Datenbank (pg_dump) und Dateispeicher in einen Ordner "
        "imcase-backup-JJJJMMTT-HHMMSS mit Prüfsummen (manifest.json). Als Eigentümer-Rolle."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            required=True,
            help="Zielordner; darin entsteht ein neuer Ordner je Sicherung.",
        )

    def handle(self, *args, output, **options):
        try:
            folder = create_backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Sicherung geschrieben: {folder}")
