"""XLSX of a programme split by Einwohnerzahl: one row per applicant with its amount and
whether it reaches the minimum position, a sum row, and the parameters on a second sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from funding.models import PopulationProgramme
from funding.models.population import PopulationLine

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Verteilung"
PARAMETER_SHEET = "Programm"
COLUMNS = (
    ("AGS", 11),
    ("Gemeinde", 30),
    ("Einwohner", 12),
    ("Anteil", 11),
    ("Betrag (EUR)", 15),
    ("VZÄ", 8),
    ("Mindeststelle erreicht", 12),
)
EURO_FORMAT = "#,##0.00"
SHORT_FILL = PatternFill("solid", fgColor="FCE4D6")


def _cell(sheet, value: Any, number_format: str | None = None, *, bold=False, fill=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.date):
        cell.number_format = "DD.MM.YYYY"
    elif number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    if fill is not None:
        cell.fill = fill
    return cell


def write_population_xlsx(
    programme: PopulationProgramme, lines: list[PopulationLine], out: IO[bytes] | str
) -> int:
    """Write the programme's split to ``out``; returns the number of applicants."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_cell(sheet, title, bold=True) for title, _ in COLUMNS])
    for line in lines:
        fill = None if line.reaches_minimum else SHORT_FILL
        sheet.append(
            [
                _cell(sheet, line.ags),
                _cell(sheet, line.name),
                _cell(sheet, line.population, "#,##0"),
                _cell(sheet, line.share, "0.0000%"),
                _cell(sheet, line.amount, EURO_FORMAT),
                _cell(sheet, line.vza, "0.00"),
                _cell(sheet, "ja" if line.reaches_minimum else "nein", fill=fill),
            ]
        )
    reaching = sum(1 for line in lines if line.reaches_minimum)
    sheet.append(
        [
            _cell(sheet, "Summe", bold=True),
            _cell(sheet, f"{len(lines)} Antragsteller", bold=True),
            _cell(sheet, sum(line.population for line in lines), "#,##0", bold=True),
            _cell(sheet, sum((line.share for line in lines), Decimal(0)), "0.0000%", bold=True),
            _cell(
                sheet, sum((line.amount for line in lines), Decimal("0.00")), EURO_FORMAT, bold=True
            ),
            _cell(sheet, sum((line.vza for line in lines), Decimal("0.00")), "0.00", bold=True),
            _cell(sheet, f"{reaching} von {len(lines)}", bold=True),
        ]
    )
    params = workbook.create_sheet(PARAMETER_SHEET)
    params.column_dimensions["A"].width = 44
    params.column_dimensions["B"].width = 36
    for label, value, number_format in [
        ("Programm", programme.name, None),
        ("Jahr", programme.year, "0"),
        ("Kreis", programme.landkreis.name, None),
        ("Betrag (EUR)", programme.amount, EURO_FORMAT),
        ("Verteilungsschlüssel", "Einwohnerzahl der Antragsteller", None),
        ("Kosten je VZÄ (EUR)", programme.cost_per_vza, EURO_FORMAT),
        ("Mindeststelle je Antragsteller (VZÄ)", programme.min_vza, "0.00"),
        ("Mindestbetrag für die Mindeststelle (EUR)", programme.min_amount, EURO_FORMAT),
    ]:
        params.append([_cell(params, label, bold=True), _cell(params, value, number_format)])
    workbook.save(out)
    return len(lines)
