"""XLSX of a programme split by Einwohnerzahl: one row per applicant with its amount and
whether it reaches the minimum position, a sum row, and the parameters on a second sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from funding.models import PopulationProgramme
from funding.models.population import PopulationLine
from imcase.exports import xlsx

SHEET = "Verteilung"
PARAMETER_SHEET = "Programm"
COLUMNS = (
    xlsx.Column("AGS", 11),
    xlsx.Column("Gemeinde", 30),
    xlsx.Column("Einwohner", 12, xlsx.GROUPED_INTEGER_FORMAT),
    xlsx.Column("Anteil", 11, xlsx.PERCENT_FORMAT),
    xlsx.Column("Betrag (EUR)", 15, xlsx.EURO_FORMAT),
    xlsx.Column("VZÄ", 8, xlsx.DECIMAL_FORMAT),
    xlsx.Column("Mindeststelle erreicht", 12),
)


def write_population_xlsx(
    programme: PopulationProgramme, lines: list[PopulationLine], out: IO[bytes] | str
) -> int:
    """Write the programme's split to ``out``; returns the number of applicants."""
    book = xlsx.Spreadsheet()
    sheet = book.add_table(SHEET, COLUMNS)
    for line in lines:
        fill = None if line.reaches_minimum else xlsx.MARKED_FILL
        reached = sheet.cell("ja" if line.reaches_minimum else "nein", fill=fill)
        sheet.append(
            [line.ags, line.name, line.population, line.share, line.amount, line.vza, reached]
        )
    reaching = sum(1 for line in lines if line.reaches_minimum)
    sheet.append(
        [
            "Summe",
            f"{len(lines)} Antragsteller",
            sum(line.population for line in lines),
            sum((line.share for line in lines), Decimal(0)),
            sum((line.amount for line in lines), Decimal("0.00")),
            sum((line.vza for line in lines), Decimal("0.00")),
            f"{reaching} von {len(lines)}",
        ],
        bold=True,
    )
    params = book.add_sheet(PARAMETER_SHEET, (44, 36))
    for label, value, number_format in [
        ("Programm", programme.name, None),
        ("Jahr", programme.year, xlsx.INTEGER_FORMAT),
        ("Kreis", programme.landkreis.name, None),
        ("Betrag (EUR)", programme.amount, xlsx.EURO_FORMAT),
        ("Verteilungsschlüssel", "Einwohnerzahl der Antragsteller", None),
        ("Kosten je VZÄ (EUR)", programme.cost_per_vza, xlsx.EURO_FORMAT),
        ("Mindeststelle je Antragsteller (VZÄ)", programme.min_vza, xlsx.DECIMAL_FORMAT),
        ("Mindestbetrag für die Mindeststelle (EUR)", programme.min_amount, xlsx.EURO_FORMAT),
    ]:
        params.append_field(label, value, number_format)
    book.save(out)
    return len(lines)
