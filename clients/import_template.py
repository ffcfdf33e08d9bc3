"""The template of the assignment list offered on the import page: the exact header and one
example row, as CSV (the format the importer reads: UTF-8 with BOM, ``;``) and as XLSX.

The example row names a municipality of the office's own Kreis, so the template imports as it
is in a dry run (a test checks that with the importer's own reader).
"""

from __future__ import annotations

import csv
import io

from clients.importer import HEADER, csv_safe
from imcase.exports.xlsx import Column, Spreadsheet
from imcase.organisation.models import Landkreis

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FILENAME = "zuweisungsliste-vorlage"
WIDTHS = (16, 18, 14, 14, 12, 20, 12, 16, 16, 18, 12)


def example_row(landkreis: Landkreis) -> list[str]:
    municipality = landkreis.municipalities.order_by("name", "ags").first()
    return [
        "BEISPIEL-0001",
        "Mustermann",
        "Erika",
        "01.02.1990",
        "w",
        "SYR",
        municipality.ags if municipality else "08000000",
        "01.03.2026",
        "Zuweisung",
        "Schutzstatus",
        "HH-BEISPIEL",
    ]


def assignment_csv(rows: list[list[str]]) -> bytes:
    """An assignment list as the importer reads it: UTF-8 with BOM, ``;``, the header first."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def template_csv(landkreis: Landkreis) -> bytes:
    return assignment_csv([example_row(landkreis)])


def template_xlsx(landkreis: Landkreis) -> bytes:
    # Every cell is text: dates as TT.MM.JJJJ and the AGS with its leading zero, as typed.
    book = Spreadsheet()
    sheet = book.add_table(
        "Zuweisungen", [Column(h, w) for h, w in zip(HEADER, WIDTHS, strict=True)]
    )
    sheet.append(example_row(landkreis))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
