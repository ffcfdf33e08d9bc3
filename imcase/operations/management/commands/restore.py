from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imcase.operations.backup import BackupError, read_manifest, restore_backup, run_checks


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung (Ordner von `backup`) in die leere Datenbank und den leeren "
        "Dateispeicher der aktuellen Einstellungen wieder her und prüft danach die Integrität "
        "(Prüfsummen der Abgaben, Schutz der Nur-Anfügen-Tabellen). Als Eigentümer-Rolle."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Ordner der Sicherung (mit manifest.json).")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Nichts wiederherstellen: nur Sicherung und aktuelle Installation prüfen.",
        )

    def handle(self, *args, folder, verify_only, **options):
        try:
            path = Path(folder)
            manifest = read_manifest(path) if verify_only else restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        verb = "geprüft" if verify_only else "wiederhergestellt"
        self.stdout.write(
            f"Sicherung vom {manifest['created_at']} {verb} "
            f"({manifest['media_files']} Dateien im Speicher)."
        )
        failed = 0
        for result in run_checks():
            mark = "ok" if result.ok else "FEHLER"
            self.stdout.write(f"  [{mark}] {result.name}: {result.detail}")
            failed += not result.ok
        if failed:
            raise CommandError(f"{failed} Prüfung(en) fehlgeschlagen.")
