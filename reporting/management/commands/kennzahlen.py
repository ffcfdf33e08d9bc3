"""``manage.py kennzahlen --year Y [--provider ID] --xlsx OUT``: write the Kennzahlentabelle."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from imcase.counted import counted
from imcase.organisation.models import Landkreis, Provider
from reporting.kennzahlen.registry import NoDefinitionError
from reporting.kennzahlen.table import compute_table
from reporting.xlsx import Origin, write_workbook


class Command(BaseCommand):
    help = (
        "Schreibt die Kennzahlentabelle eines Berichtsjahres als Excel-Datei: für den Kreis "
        "(je Träger und insgesamt) oder mit --provider für einen Träger. Ein Verwaltungswerkzeug "
        "ohne Benutzerbereich; die Abgabe an das Regierungspräsidium erfolgt im Browser."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Berichtsjahr, z. B. 2025.")
        parser.add_argument(
            "--provider", type=int, default=None, help="ID eines Trägers: nur dessen Zahlen."
        )
        parser.add_argument("--xlsx", required=True, metavar="OUT", help="Zieldatei (.xlsx).")
        parser.add_argument(
            "--kreis",
            default=None,
            help="Name oder ID des Kreises; nur nötig, wenn die Datenbank mehrere Kreise hat.",
        )

    def handle(self, *args, year: int, provider: int | None, xlsx: str, kreis, **options):
        chosen = self._provider(provider)
        landkreis = chosen.landkreis if chosen else self._landkreis(kreis)
        if kreis and chosen and self._landkreis(kreis) != landkreis:
            raise CommandError(f"Der Träger {provider} gehört nicht zum Kreis „{kreis}“.")
        try:
            table = compute_table(landkreis, year, chosen)
        except NoDefinitionError as error:
            raise CommandError(str(error)) from None
        origin = Origin(generated_at=timezone.now(), generated_by="Kommandozeile (manage.py)")
        try:
            write_workbook(table, origin, xlsx)
        except OSError as error:
            raise CommandError(f"Die Datei {xlsx} kann nicht geschrieben werden: {error}") from None
        who = (
            chosen.name
            if chosen
            else counted(len(table.columns) - 1, "Spalte", "Spalten") + " je Träger"
        )
        self.stdout.write(
            f"Kennzahlentabelle {year} ({table.definition.version}) für {landkreis.name}, "
            f"{who}: {counted(len(table.lines()), 'Zeile', 'Zeilen')} nach {xlsx} geschrieben."
        )

    def _provider(self, provider_id: int | None) -> Provider | None:
        if provider_id is None:
            return None
        found = Provider.objects.select_related("landkreis").filter(pk=provider_id).first()
        if found is None:
            raise CommandError(f"Es gibt keinen Träger mit der ID {provider_id}.")
        return found

    def _landkreis(self, kreis: str | None) -> Landkreis:
        kreise = Landkreis.objects.select_related("regierungspraesidium")
        if kreis:
            found = kreise.filter(pk=int(kreis)) if kreis.isdigit() else kreise.filter(name=kreis)
            if not found:
                raise CommandError(f"Es gibt keinen Kreis „{kreis}“.")
            return found.get()
        count = kreise.count()
        if count == 1:
            return kreise.get()
        if count == 0:
            raise CommandError("In der Datenbank ist noch kein Kreis angelegt.")
        raise CommandError(
            f"Die Datenbank enthält {count} Kreise; bitte mit --kreis NAME oder ID wählen."
        )
