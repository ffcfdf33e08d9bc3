"""``manage.py allocation --year Y --amount EUR [--period-start D --period-end D] --xlsx OUT``.

Computes the split of ``--amount`` over the municipalities of the Kreis from the current
(corrected) lists of funding year Y — municipalities without a list count from the client data
of the period — and writes the overview (sheet ``Verteilung``). Nothing is published or stored.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from funding.computation import make_plan, person_counts
from funding.exports.allocation import parameters_from_plan, rows_from_plan, write_overview_xlsx
from funding.formatting import euro
from funding.models import Allocation, FundingYear, default_period
from funding.split import SplitError
from imcase.counted import counted
from imcase.dates import german_date
from imcase.organisation.models import Landkreis

AMOUNT = re.compile(r"^\d+([.,]\d{1,2})?$")


def parse_amount(value: str) -> Decimal:
    """Euro without thousands separators: 1508000, 1508000.00 or 1508000,00."""
    text = value.strip()
    if not AMOUNT.match(text):
        raise CommandError(
            f"--amount '{value}' ist kein Betrag in Euro (z. B. 1508000 oder 1508000,00; "
            "ohne Tausenderpunkte, höchstens zwei Nachkommastellen)."
        )
    return Decimal(text.replace(",", ".")).quantize(Decimal("0.01"))


def parse_day(option: str, value: str) -> dt.date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"{option} '{value}' ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT).")


def find_kreis(year: int) -> tuple[Landkreis, FundingYear | None]:
    """The Kreis of the database: the one with funding year Y, else the only Kreis."""
    years = list(FundingYear.objects.filter(year=year).select_related("landkreis"))
    if len(years) == 1:
        return years[0].landkreis, years[0]
    if len(years) > 1:
        raise CommandError(
            f"Das Förderjahr {year} ist für mehrere Kreise angelegt; der Befehl rechnet für "
            "einen Kreis je Datenbank."
        )
    kreise = list(Landkreis.objects.filter(municipalities__isnull=False).distinct())
    if len(kreise) != 1:
        raise CommandError(
            f"Die Datenbank enthält {len(kreise)} Kreise mit Gemeinden und keinen mit dem "
            f"Förderjahr {year}: bitte legen Sie das Förderjahr in imcase an."
        )
    return kreise[0], None


class Command(BaseCommand):
    help = (
        "Berechnet die Verteilung eines Betrags auf die Gemeinden des Kreises nach den aktuellen "
        "(korrigierten) Personenlisten des Förderjahres – Gemeinden ohne Liste nach den "
        "Zuweisungsdaten des Betrachtungszeitraums – und schreibt die Übersicht als XLSX "
        "(Blatt „Verteilung“). Es wird nichts veröffentlicht."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Förderjahr, z. B. 2025")
        parser.add_argument(
            "--amount",
            required=True,
            metavar="EUR",
            help="zu verteilender Betrag in Euro (nach Vorwegabzügen), z. B. 1508000,00",
        )
        parser.add_argument(
            "--period-start",
            metavar="DATUM",
            help="Beginn des Betrachtungszeitraums (Standard: aus dem Förderjahr, sonst 01.01.J−5)",
        )
        parser.add_argument(
            "--period-end",
            metavar="DATUM",
            help="Ende des Betrachtungszeitraums (Standard: aus dem Förderjahr, sonst 31.12.J−3)",
        )
        parser.add_argument("--xlsx", required=True, metavar="OUT", help="Zieldatei (.xlsx)")

    def handle(self, *args, year: int, amount: str, xlsx: str, **options):
        distributable = parse_amount(amount)
        landkreis, funding_year = find_kreis(year)
        start, end = (
            (funding_year.period_start, funding_year.period_end)
            if funding_year
            else default_period(year)
        )
        if options["period_start"]:
            start = parse_day("--period-start", options["period_start"])
        if options["period_end"]:
            end = parse_day("--period-end", options["period_end"])
        if start > end:
            raise CommandError("Der Betrachtungszeitraum endet vor seinem Beginn.")
        counts = person_counts(landkreis, start, end, funding_year=funding_year)
        try:
            plan = make_plan(
                counts,
                kreis_amount=distributable,
                cost_per_vza=funding_year.cost_per_vza
                if funding_year
                else settings.FUNDING_COST_PER_VZA,
                eigenregie_min_vza=funding_year.eigenregie_min_vza
                if funding_year
                else settings.FUNDING_EIGENREGIE_MIN_VZA,
                period_start=start,
                period_end=end,
            )
        except SplitError as error:
            raise CommandError(str(error)) from error
        try:
            write_overview_xlsx(
                rows_from_plan(plan), parameters_from_plan(plan, year, landkreis.name), xlsx
            )
        except OSError as error:
            raise CommandError(
                f"Die Datei {xlsx} kann nicht geschrieben werden: {error.strerror}."
            ) from error
        from_data = sum(1 for c in counts if c.source == Allocation.Source.CLIENT_DATA)
        self.stdout.write(
            self.style.SUCCESS(
                f"Verteilung {year} für {landkreis.name}: {euro(plan.total_amount)} auf "
                f"{counted(len(counts), 'Gemeinde', 'Gemeinden')} "
                f"({counted(plan.total_persons, 'Person', 'Personen')}, Zeitraum "
                f"{german_date(start)}–{german_date(end)}) nach {xlsx} geschrieben."
            )
        )
        if from_data:
            self.stdout.write(
                ngettext(
                    "%(n)s Gemeinde ohne Liste zählt nach den Zuweisungsdaten.",
                    "%(n)s Gemeinden ohne Liste zählen nach den Zuweisungsdaten.",
                    from_data,
                )
                % {"n": from_data}
            )
