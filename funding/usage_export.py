"""The Gesamtverwendungsnachweis of the Kreis: one row per self-running provider, compiled from
the submitted Verwendungsnachweise and the published split, and its XLSX file.

A provider's allocation is the sum of the published amounts (newest revision of the year) of
the municipalities it serves on 1 January of the year (providers change only on 1 January).
Figures of a report count only once it is submitted: a report in progress is the provider's
working copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from funding.models import SELF_RUNNING, AllocationRevision, FundingYear, UsageReport
from funding.models.decisions import latest_revision
from imcase.organisation.models import Municipality, Provider, ProviderArea

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COVER_SHEET = "Deckblatt"
ROWS_SHEET = "Verwendungsnachweise"
TEXT_SHEET = "Sachberichte"
COLUMNS = (
    ("Träger", 36),
    ("Art", 30),
    ("Sitzgemeinde", 18),
    ("Gemeinden", 36),
    ("Zuteilung (EUR)", 15),
    ("Personalkosten (EUR)", 15),
    ("Sonstige Kosten (EUR)", 15),
    ("Ausgaben (EUR)", 15),
    ("VZÄ", 8),
    ("Differenz (EUR)", 15),
    ("Stand", 16),
    ("Sachbericht eingereicht", 12),
)
EURO_FORMAT = "#,##0.00"
SUMMED = ("allocation", "staff_costs", "other_costs", "spending", "vza", "difference")


@dataclass(frozen=True)
class UsageRow:
    provider: Provider
    municipalities: tuple[Municipality, ...]
    allocation: Decimal | None  # None until the split is published
    report: UsageReport | None

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.is_submitted

    def _figure(self, name: str) -> Decimal | None:
        return getattr(self.report, name) if self.submitted else None

    @property
    def staff_costs(self) -> Decimal | None:
        return self._figure("staff_costs")

    @property
    def other_costs(self) -> Decimal | None:
        return self._figure("other_costs")

    @property
    def spending(self) -> Decimal | None:
        return self._figure("spending")

    @property
    def vza(self) -> Decimal | None:
        return self._figure("vza")

    @property
    def difference(self) -> Decimal | None:
        """Allocation less spending (negative: the provider spent more than it received)."""
        if self.allocation is None or self.spending is None:
            return None
        return self.allocation - self.spending

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else "nicht begonnen"


@dataclass(frozen=True)
class Compilation:
    funding_year: FundingYear
    revision: AllocationRevision | None
    rows: tuple[UsageRow, ...]

    def total(self, name: str) -> Decimal | None:
        values = [getattr(row, name) for row in self.rows if getattr(row, name) is not None]
        return sum(values, Decimal("0.00")) if values else None

    @property
    def submitted_count(self) -> int:
        return sum(1 for row in self.rows if row.submitted)


def compile_usage(funding_year: FundingYear) -> Compilation:
    """Every self-running provider serving a municipality of the Kreis on 1 January of the
    year (or with a report for it), with its allocation and report (five queries)."""
    revision = latest_revision(funding_year)
    amounts = (
        dict(revision.allocations.values_list("municipality_id", "amount")) if revision else {}
    )
    areas = (
        ProviderArea.objects.active_on(dt.date(funding_year.year, 1, 1))
        .filter(provider__landkreis_id=funding_year.landkreis_id, provider__kind__in=SELF_RUNNING)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    served: dict[int, list[Municipality]] = {}
    for area in areas:
        served.setdefault(area.provider_id, []).append(area.municipality)
    reports = {r.provider_id: r for r in funding_year.usage_reports.all()}
    providers = (
        Provider.objects.filter(Q(pk__in=served) | Q(pk__in=reports))
        .select_related("seat")
        .order_by("name")
    )
    rows = []
    for provider in providers:
        towns = tuple(served.get(provider.pk, ()))
        allocation = (
            sum((amounts.get(m.pk, Decimal("0.00")) for m in towns), Decimal("0.00"))
            if revision
            else None
        )
        rows.append(UsageRow(provider, towns, allocation, reports.get(provider.pk)))
    return Compilation(funding_year, revision, tuple(rows))


# --- XLSX --------------------------------------------------------------------------------------


def _cell(sheet, value: Any, number_format: str | None = None, *, bold=False, wrap=False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.date):
        cell.number_format = "DD.MM.YYYY"
    elif number_format and value is not None:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _row_values(row: UsageRow) -> list[Any]:
    return [
        row.provider.name,
        row.provider.get_kind_display(),
        row.provider.seat.name if row.provider.seat else "",
        ", ".join(m.name for m in row.municipalities),
        row.allocation,
        row.staff_costs,
        row.other_costs,
        row.spending,
        row.vza,
        row.difference,
        row.status_label,
        "ja" if row.submitted else "nein",
    ]


def _formats() -> list[str | None]:
    return [None, None, None, None, *[EURO_FORMAT] * 4, "0.00", EURO_FORMAT, None, None]


def write_usage_xlsx(
    compilation: Compilation, compiled_by: str, compiled_on: dt.date, out: IO[bytes] | str
) -> int:
    """Write the Gesamtverwendungsnachweis; returns the number of provider rows."""
    workbook = Workbook(write_only=True)
    _cover(workbook, compilation, compiled_by, compiled_on)
    sheet = workbook.create_sheet(ROWS_SHEET)
    sheet.freeze_panes = "A2"
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_cell(sheet, title, bold=True) for title, _ in COLUMNS])
    formats = _formats()
    for row in compilation.rows:
        sheet.append([_cell(sheet, v, f) for v, f in zip(_row_values(row), formats, strict=True)])
    sums = [
        "Summe",
        "",
        "",
        f"{len(compilation.rows)} Träger",
        *(compilation.total(name) for name in SUMMED),
        "",
        f"{compilation.submitted_count} von {len(compilation.rows)}",
    ]
    sheet.append([_cell(sheet, v, f, bold=True) for v, f in zip(sums, formats, strict=True)])
    _texts(workbook, compilation.rows)
    workbook.save(out)
    return len(compilation.rows)


def _cover(workbook, compilation: Compilation, compiled_by: str, compiled_on: dt.date) -> None:
    year = compilation.funding_year
    revision = compilation.revision
    sheet = workbook.create_sheet(COVER_SHEET)
    sheet.column_dimensions["A"].width = 46
    sheet.column_dimensions["B"].width = 40
    title = f"Gesamtverwendungsnachweis Integrationsmanagement {year.year}"
    sheet.append([_cell(sheet, title, bold=True)])
    sheet.append([])
    basis = (
        f"Verteilung Revision {revision.number} vom "
        f"{timezone.localtime(revision.published_at):%d.%m.%Y}"
        if revision
        else "Verteilung noch nicht veröffentlicht"
    )
    lines: Iterable[tuple[str, Any]] = [
        ("Zuwendungsempfänger", year.landkreis.name),
        ("Förderjahr", year.year),
        ("Grundlage der Zuteilungen", basis),
        ("Zusammengestellt am", compiled_on),
        ("Zusammengestellt von", compiled_by),
        ("Träger in eigener Regie", len(compilation.rows)),
        ("davon Verwendungsnachweis eingereicht", compilation.submitted_count),
        ("Zuteilung an diese Träger (EUR)", compilation.total("allocation")),
        ("Ausgaben laut eingereichten Nachweisen (EUR)", compilation.total("spending")),
        ("Beschäftigte VZÄ laut eingereichten Nachweisen", compilation.total("vza")),
        ("Differenz Zuteilung − Ausgaben (EUR)", compilation.total("difference")),
    ]
    for label, value in lines:
        number_format = EURO_FORMAT if isinstance(value, Decimal) else None
        sheet.append([_cell(sheet, label, bold=True), _cell(sheet, value, number_format)])
    sheet.append([])
    sheet.append(
        [
            _cell(
                sheet,
                "Ausgaben, VZÄ und Differenz zählen nur für eingereichte Verwendungsnachweise. "
                "Die Sachberichte stehen im Blatt „Sachberichte“.",
            )
        ]
    )


def _texts(workbook, rows: Iterable[UsageRow]) -> None:
    sheet = workbook.create_sheet(TEXT_SHEET)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 120
    sheet.append([_cell(sheet, "Träger", bold=True), _cell(sheet, "Sachbericht", bold=True)])
    for row in rows:
        if row.submitted:
            sheet.append(
                [
                    _cell(sheet, row.provider.name, wrap=True),
                    _cell(sheet, row.report.sachbericht, wrap=True),
                ]
            )
