"""The Kennzahlentabelle as an Excel workbook (openpyxl).

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
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reporting.kennzahlen.registry import Unit
from reporting.kennzahlen.table import Table

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COVER = "Deckblatt"
NOTES = "Erläuterungen"
FIXED_HEADERS = ("Nr.", "Kennzahl", "Ausprägung")
NUMBER_FORMATS = {Unit.COUNT: "#,##0", Unit.VZA: "#,##0.00"}
HEADER_FILL = PatternFill("solid", fgColor="DDE6F3")
BOLD = Font(bold=True)


@dataclass(frozen=True)
class Origin:
    """Who generated the workbook, when, and (for a submission) its number."""

    generated_at: dt.datetime
    generated_by: str
    submission_number: int | None = None


def write_workbook(table: Table, origin: Origin, out: IO[bytes] | str) -> None:
    workbook = Workbook()
    _cover(workbook.active, table, origin)
    for section in table.sections:
        _figures(workbook.create_sheet(section.group.title), table, section)
    _notes(workbook.create_sheet(NOTES), table)
    # Fixed document properties, so only the cover's own cells tell runs apart.
    workbook.properties.creator = "imcase"
    workbook.properties.title = f"{table.definition.title} {table.year}"
    stamp = timezone.localtime(origin.generated_at).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.save(out)


def workbook_bytes(table: Table, origin: Origin) -> bytes:
    buffer = io.BytesIO()
    write_workbook(table, origin, buffer)
    return buffer.getvalue()


def _cover(sheet, table: Table, origin: Origin) -> None:
    sheet.title = COVER
    sheet["A1"] = f"{table.definition.title} {table.year}"
    sheet["A1"].font = Font(bold=True, size=14)
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
    for index, (label, value) in enumerate(rows, start=3):
        sheet.cell(row=index, column=1, value=label).font = BOLD
        cell = sheet.cell(row=index, column=2, value=value)
        cell.alignment = Alignment(horizontal="left")
        if isinstance(value, dt.datetime):
            cell.number_format = "DD.MM.YYYY HH:MM"
    note_row = len(rows) + 4
    sheet.cell(row=note_row, column=1, value="Hinweise").font = BOLD
    hints = [
        "Je Gruppe von Kennzahlen ein Blatt; Spalten je Träger und für den Kreis insgesamt.",
        "Personen zählen beim Träger ihrer Wohngemeinde am 31.12., Kontakte beim Träger, "
        "dessen Integrationsmanager:in sie geführt hat.",
        "Der Kreis zählt jede Person einmal, auch wenn sie bei zwei Trägern beraten wurde.",
        "Was jede Kennzahl zählt, steht auf dem Blatt „Erläuterungen“.",
    ]
    for offset, hint in enumerate(hints, start=1):
        sheet.cell(row=note_row + offset, column=1, value=hint)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 48


def _header(sheet, titles: list[str]) -> None:
    for index, title in enumerate(titles, start=1):
        cell = sheet.cell(row=1, column=index, value=title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _figures(sheet, table: Table, section) -> None:
    _header(sheet, [*FIXED_HEADERS, *(column.title for column in table.columns)])
    sheet.freeze_panes = "D2"
    for row, line in enumerate(section.lines, start=2):
        sheet.cell(row=row, column=1, value=line.figure.id)
        sheet.cell(row=row, column=2, value=line.figure.label)
        label = sheet.cell(row=row, column=3, value=line.label)
        if line.is_total:
            label.font = BOLD
        for offset, value in enumerate(line.values):
            cell = sheet.cell(row=row, column=4 + offset, value=value)
            cell.number_format = NUMBER_FORMATS[line.figure.unit]
            if line.is_total:
                cell.font = BOLD
    widths = [6, 44, 40] + [16] * len(table.columns)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _notes(sheet, table: Table) -> None:
    _header(sheet, ["Nr.", "Kennzahl", "Blatt", "Was gezählt wird"])
    sheet.freeze_panes = "A2"
    groups = {group.key: group.title for group in table.definition.groups}
    for row, figure in enumerate(table.definition.figures, start=2):
        sheet.cell(row=row, column=1, value=figure.id)
        sheet.cell(row=row, column=2, value=figure.label)
        sheet.cell(row=row, column=3, value=groups[figure.group])
        cell = sheet.cell(row=row, column=4, value=figure.definition)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate([6, 44, 28, 90], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
