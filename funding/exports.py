"""XLSX files of the split: the overview of all municipalities and one municipality's sheet.

The overview's sheet ``Verteilung`` has exactly the columns ``AGS``, ``Gemeinde``, ``Personen``,
``Anteil``, ``Betrag (EUR)``, ``VZÄ`` (one row per municipality, no sum row) because other
spreadsheets read it; the parameters and the sums are on a second sheet ``Berechnung``.
VZÄ below the Eigenregie threshold are marked with a coloured cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from funding import sheet as sheet_steps
from funding.computation import Plan
from funding.models import Allocation, AllocationRevision

OVERVIEW_SHEET = "Verteilung"
PARAMETER_SHEET = "Berechnung"
OVERVIEW_COLUMNS = ("AGS", "Gemeinde", "Personen", "Anteil", "Betrag (EUR)", "VZÄ")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EURO_FORMAT = "#,##0.00"
DATE_FORMAT = "DD.MM.YYYY"
WIDTHS = (11, 32, 10, 11, 16, 8)
BELOW_FILL = PatternFill("solid", fgColor="FCE4D6")


@dataclass(frozen=True)
class OverviewRow:
    ags: str
    name: str
    persons: int
    share: Decimal
    amount: Decimal
    vza: Decimal
    below_threshold: bool


def rows_from_revision(revision: AllocationRevision) -> Iterator[OverviewRow]:
    for a in revision.allocations.order_by("ags"):
        yield OverviewRow(
            a.ags, a.municipality_name, a.persons, a.share, a.amount, a.vza, a.below_threshold
        )


def rows_from_plan(plan: Plan) -> Iterator[OverviewRow]:
    for row in plan.rows:
        c, line = row.count, row.line
        yield OverviewRow(
            c.ags, c.name, c.persons, line.share, line.amount, line.vza, line.below_threshold
        )


def parameters_from_revision(revision: AllocationRevision) -> list[tuple[str, Any]]:
    year = revision.funding_year
    return [
        ("Kreis", year.landkreis.name),
        ("Förderjahr", year.year),
        ("Revision", revision.number),
        ("veröffentlicht am", revision.published_at.date()),
        *_common(
            revision.period_start,
            revision.period_end,
            revision.kreis_amount,
            [(d["name"], Decimal(d["amount"])) for d in revision.deductions],
            revision.distributable_amount,
            revision.cost_per_vza,
            revision.eigenregie_min_vza,
        ),
        ("Stichtag", revision.reference_date),
        ("Grund der Korrektur", revision.note or "–"),
    ]


def parameters_from_plan(plan: Plan, year: int, landkreis_name: str) -> list[tuple[str, Any]]:
    return [
        ("Kreis", landkreis_name),
        ("Förderjahr", year),
        ("Stand", "Berechnung, nicht veröffentlicht"),
        *_common(
            plan.period_start,
            plan.period_end,
            plan.kreis_amount,
            list(plan.deductions),
            plan.distributable_amount,
            plan.cost_per_vza,
            plan.eigenregie_min_vza,
        ),
    ]


def _common(start, end, kreis_amount, deductions, distributable, cost, min_vza):
    return [
        ("Betrachtungszeitraum von", start),
        ("Betrachtungszeitraum bis", end),
        ("Betrag des Kreises (EUR)", kreis_amount),
        *((f"abzüglich {name} (EUR)", -amount) for name, amount in deductions),
        ("Verteilbarer Betrag (EUR)", distributable),
        ("Kosten je VZÄ (EUR)", cost),
        ("Mindeststelle für Eigenregie (VZÄ)", min_vza),
    ]


def _cell(sheet, value, number_format: str | None = None, *, bold=False, fill=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    if fill is not None:
        cell.fill = fill
    return cell


def write_overview_xlsx(
    rows: Iterable[OverviewRow], parameters: list[tuple[str, Any]], out: IO[bytes] | str
) -> int:
    """Write the overview to ``out`` (a path or a binary file); returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(OVERVIEW_SHEET)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_cell(sheet, title, bold=True) for title in OVERVIEW_COLUMNS])
    count = persons = 0
    total = Decimal("0.00")
    below = 0
    for row in rows:
        fill = BELOW_FILL if row.below_threshold else None
        sheet.append(
            [
                _cell(sheet, row.ags),
                _cell(sheet, row.name),
                _cell(sheet, row.persons, "0"),
                _cell(sheet, row.share, "0.0000%"),
                _cell(sheet, row.amount, EURO_FORMAT),
                _cell(sheet, row.vza, "0.00", fill=fill),
            ]
        )
        count += 1
        persons += row.persons
        total += row.amount
        below += row.below_threshold
    params = workbook.create_sheet(PARAMETER_SHEET)
    params.column_dimensions["A"].width = 40
    params.column_dimensions["B"].width = 24
    for label, value in [
        *parameters,
        ("Gemeinden", count),
        ("Personen im Kreis", persons),
        ("Summe der Beträge (EUR)", total),
        ("Gemeinden unter der Mindeststelle (VZÄ farbig markiert)", below),
    ]:
        number_format = EURO_FORMAT if isinstance(value, Decimal) else None
        params.append([_cell(params, label, bold=True), _cell(params, value, number_format)])
    workbook.save(out)
    return count


def write_sheet_xlsx(allocation: Allocation, out: IO[bytes] | str) -> None:
    """One municipality's allocation sheet: the published computation, step by step."""
    revision = allocation.revision
    year = revision.funding_year
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Zuteilung")
    sheet.column_dimensions["A"].width = 62
    sheet.column_dimensions["B"].width = 20
    title = f"Zuteilung Integrationsmanagement {year.year} – {allocation.municipality_name}"
    sheet.append([_cell(sheet, title, bold=True)])
    for label, value in [
        ("Gemeinde", allocation.municipality_name),
        ("AGS", allocation.ags),
        ("Kreis", year.landkreis.name),
        ("Förderjahr", year.year),
        ("Revision", revision.number),
        ("veröffentlicht am", revision.published_at.date()),
        ("Betrachtungszeitraum von", revision.period_start),
        ("Betrachtungszeitraum bis", revision.period_end),
        ("Stichtag", revision.reference_date),
    ]:
        sheet.append([_cell(sheet, label), _cell(sheet, value)])
    sheet.append([])
    sheet.append([_cell(sheet, "Berechnung", bold=True), _cell(sheet, "Wert", bold=True)])
    for step in sheet_steps.steps(allocation):
        sheet.append(
            [
                _cell(sheet, step.label, bold=step.total),
                _cell(sheet, step.value, step.number_format, bold=step.total),
            ]
        )
    sheet.append([])
    sheet.append([_cell(sheet, sheet_steps.verdict(allocation))])
    if revision.note:
        sheet.append([_cell(sheet, f"Grund der Korrektur: {revision.note}")])
    workbook.save(out)


# Registers the background exports of these files (discovery imports ``<app>.exports``).
from funding import background_exports  # noqa: E402,F401
