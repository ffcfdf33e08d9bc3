"""The Kennzahlentabelle as an Excel workbook (written through ``imcase.exports.xlsx``).

Sheets: "Deckblatt" (Kreis, year, provider, when and by whom, definition version), one sheet
per group of figures, and "Erläuterungen" (what each figure counts). A figure sheet has the
columns Nr., Kennzahl, Ausprägung, one per provider and "Kreis insgesamt"; the header row and
the first three columns are frozen. The same data gives the same cell values on every sheet
but the cover (whose time of generation differs).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import IO

from django.utils import timezone
from openpyxl.styles import Alignment, Font, PatternFill

from imcase.exports import xlsx
from reporting.kennzahlen.registry import Unit
from reporting.kennzahlen.table import Table

COVER = "Deckblatt"
NOTES = "Erläuterungen"
FIXED_COLUMNS = (xlsx.Column("Nr.", 6), xlsx.Column("Kennzahl", 44), xlsx.Column("Ausprägung", 40))
PROVIDER_WIDTH = 16
NOTE_COLUMNS = (
    xlsx.Column("Nr.", 6),
    xlsx.Column("Kennzahl", 44),
    xlsx.Column("Blatt", 28),
    xlsx.Column("Was gezählt wird", 90),
)
NUMBER_FORMATS = {Unit.COUNT: xlsx.GROUPED_INTEGER_FORMAT, Unit.VZA: xlsx.GROUPED_DECIMAL_FORMAT}
HEADER = xlsx.HeaderStyle(fill=PatternFill("solid", fgColor="DDE6F3"), alignment=xlsx.WRAP)
TITLE_FONT = Font(bold=True, size=14)
LEFT = Alignment(horizontal="left")


@dataclass(frozen=True)
class Origin:
    """Who generated the workbook, when, and (for a submission) its number."""

    generated_at: dt.datetime
    generated_by: str
    submission_number: int | None = None


def write_workbook(table: Table, origin: Origin, out: IO[bytes] | str) -> None:
    book = xlsx.Spreadsheet()
    _cover(book, table, origin)
    for section in table.sections:
        _figures(book, table, section)
    _notes(book, table)
    # Fixed document properties, so only the cover's own cells tell runs apart.
    book.properties.creator = "imcase"
    book.properties.title = f"{table.definition.title} {table.year}"
    stamp = timezone.localtime(origin.generated_at).replace(tzinfo=None, microsecond=0)
    book.properties.created = stamp
    book.properties.modified = stamp
    book.save(out)


def workbook_bytes(table: Table, origin: Origin) -> bytes:
    buffer = io.BytesIO()
    write_workbook(table, origin, buffer)
    return buffer.getvalue()


def _cover(book: xlsx.Spreadsheet, table: Table, origin: Origin) -> None:
    sheet = book.add_sheet(COVER, (24, 48))
    sheet.append([sheet.cell(f"{table.definition.title} {table.year}", font=TITLE_FONT)])
    sheet.append([])
    generated = timezone.localtime(origin.generated_at).replace(tzinfo=None, microsecond=0)
    rows = [
        ("Kreis", table.landkreis.name),
        ("Regierungspräsidium", table.landkreis.regierungspraesidium.name),
        ("Berichtsjahr", table.year),
        ("Träger", table.provider.name if table.provider else "alle Träger des Kreises"),
        ("Fassung der Tabelle", table.definition.version),
        ("erstellt am", generated),
        ("erstellt von", origin.generated_by),
    ]
    if origin.submission_number is not None:
        rows.append(("Abgabe Nr.", origin.submission_number))
    for label, value in rows:
        sheet.append_field(label, value, alignment=LEFT)
    sheet.append([])
    sheet.append(["Hinweise"], bold=True)
    hints = [
        "Je Gruppe von Kennzahlen ein Blatt; Spalten je Träger und für den Kreis insgesamt.",
        "Personen zählen beim Träger ihrer Wohngemeinde am 31.12., Kontakte beim Träger, "
        "dessen Integrationsmanager:in sie geführt hat.",
        "Der Kreis zählt jede Person einmal, auch wenn sie bei zwei Trägern beraten wurde.",
        "Was jede Kennzahl zählt, steht auf dem Blatt „Erläuterungen“.",
    ]
    for hint in hints:
        sheet.append([hint])


def _figures(book: xlsx.Spreadsheet, table: Table, section) -> None:
    providers = [xlsx.Column(column.title, PROVIDER_WIDTH) for column in table.columns]
    sheet = book.add_table(
        section.group.title, [*FIXED_COLUMNS, *providers], freeze="D2", header=HEADER
    )
    for line in section.lines:
        number_format = NUMBER_FORMATS[line.figure.unit]
        sheet.append(
            [
                line.figure.id,
                line.figure.label,
                sheet.cell(line.label, bold=line.is_total),
                *(sheet.cell(value, number_format, bold=line.is_total) for value in line.values),
            ]
        )


def _notes(book: xlsx.Spreadsheet, table: Table) -> None:
    sheet = book.add_table(NOTES, NOTE_COLUMNS, header=HEADER)
    groups = {group.key: group.title for group in table.definition.groups}
    sheet.write_rows(
        (
            figure.id,
            figure.label,
            groups[figure.group],
            sheet.cell(figure.definition, wrap=True),
        )
        for figure in table.definition.figures
    )
