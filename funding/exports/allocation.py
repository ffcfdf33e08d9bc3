"""XLSX files of the split: the overview of all municipalities and one municipality's sheet.

The overview's sheet ``Verteilung`` has exactly the columns ``AGS``, ``Gemeinde``, ``Personen``,
``Anteil``, ``Betrag (EUR)``, ``VZÄ`` (one row per municipality, no sum row) because other
spreadsheets read it; the parameters and the sums are on a second sheet ``Berechnung``.
VZÄ below the Eigenregie threshold are marked with a coloured cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from funding import sheet as sheet_steps
from funding.computation import Plan
from funding.models import Allocation, AllocationRevision
from imcase.exports import xlsx

OVERVIEW_SHEET = "Verteilung"
PARAMETER_SHEET = "Berechnung"
OVERVIEW_COLUMNS = (
    xlsx.Column("AGS", 11),
    xlsx.Column("Gemeinde", 32),
    xlsx.Column("Personen", 10, xlsx.INTEGER_FORMAT),
    xlsx.Column("Anteil", 11, xlsx.PERCENT_FORMAT),
    xlsx.Column("Betrag (EUR)", 16, xlsx.EURO_FORMAT),
    xlsx.Column("VZÄ", 8, xlsx.DECIMAL_FORMAT),
)
CONTENT_TYPE = xlsx.CONTENT_TYPE


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


def write_overview_xlsx(
    rows: Iterable[OverviewRow], parameters: list[tuple[str, Any]], out: IO[bytes] | str
) -> int:
    """Write the overview to ``out`` (a path or a binary file); returns the number of rows."""
    book = xlsx.Spreadsheet()
    sheet = book.add_table(OVERVIEW_SHEET, OVERVIEW_COLUMNS)
    count = persons = below = 0
    total = Decimal("0.00")
    for row in rows:
        fill = xlsx.MARKED_FILL if row.below_threshold else None
        vza = sheet.cell(row.vza, xlsx.DECIMAL_FORMAT, fill=fill)
        sheet.append([row.ags, row.name, row.persons, row.share, row.amount, vza])
        count += 1
        persons += row.persons
        total += row.amount
        below += row.below_threshold
    params = book.add_sheet(PARAMETER_SHEET, (40, 24))
    for label, value in [
        *parameters,
        ("Gemeinden", count),
        ("Personen im Kreis", persons),
        ("Summe der Beträge (EUR)", total),
        ("Gemeinden unter der Mindeststelle (VZÄ farbig markiert)", below),
    ]:
        params.append_field(label, value, xlsx.euro_for_decimal(value))
    book.save(out)
    return count


def write_sheet_xlsx(allocation: Allocation, out: IO[bytes] | str) -> None:
    """One municipality's allocation sheet: the published computation, step by step."""
    revision = allocation.revision
    year = revision.funding_year
    book = xlsx.Spreadsheet()
    sheet = book.add_sheet("Zuteilung", (62, 20))
    title = f"Zuteilung Integrationsmanagement {year.year} – {allocation.municipality_name}"
    sheet.append([title], bold=True)
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
        sheet.append([label, value])
    sheet.append([])
    sheet.append(["Berechnung", "Wert"], bold=True)
    for step in sheet_steps.steps(allocation):
        sheet.append(
            [
                sheet.cell(step.label, bold=step.total),
                sheet.cell(step.value, step.number_format, bold=step.total),
            ]
        )
    sheet.append([])
    sheet.append([sheet_steps.verdict(allocation)])
    if revision.note:
        sheet.append([f"Grund der Korrektur: {revision.note}"])
    book.save(out)
