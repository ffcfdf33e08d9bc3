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

from funding.models import SELF_RUNNING, AllocationRevision, FundingYear, UsageReport
from funding.models.decisions import latest_revision
from imcase.dates import german_date
from imcase.exports import xlsx
from imcase.organisation.models import Municipality, Provider, ProviderArea

COVER_SHEET = "Deckblatt"
ROWS_SHEET = "Verwendungsnachweise"
TEXT_SHEET = "Sachberichte"
COLUMNS = (
    xlsx.Column("Träger", 36),
    xlsx.Column("Art", 30),
    xlsx.Column("Sitzgemeinde", 18),
    xlsx.Column("Gemeinden", 36),
    xlsx.Column("Zuteilung (EUR)", 15, xlsx.EURO_FORMAT),
    xlsx.Column("Personalkosten (EUR)", 15, xlsx.EURO_FORMAT),
    xlsx.Column("Sonstige Kosten (EUR)", 15, xlsx.EURO_FORMAT),
    xlsx.Column("Ausgaben (EUR)", 15, xlsx.EURO_FORMAT),
    xlsx.Column("VZÄ", 8, xlsx.DECIMAL_FORMAT),
    xlsx.Column("Differenz (EUR)", 15, xlsx.EURO_FORMAT),
    xlsx.Column("Stand", 16),
    xlsx.Column("Sachbericht eingereicht", 12),
)
TEXT_COLUMNS = (xlsx.Column("Träger", 36), xlsx.Column("Sachbericht", 120))
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


def write_usage_xlsx(
    compilation: Compilation, compiled_by: str, compiled_on: dt.date, out: IO[bytes] | str
) -> int:
    """Write the Gesamtverwendungsnachweis; returns the number of provider rows."""
    book = xlsx.Spreadsheet()
    _cover(book, compilation, compiled_by, compiled_on)
    sheet = book.add_table(ROWS_SHEET, COLUMNS)
    sheet.write_rows(_row_values(row) for row in compilation.rows)
    sheet.append(
        [
            "Summe",
            "",
            "",
            f"{len(compilation.rows)} Träger",
            *(compilation.total(name) for name in SUMMED),
            "",
            f"{compilation.submitted_count} von {len(compilation.rows)}",
        ],
        bold=True,
    )
    texts = book.add_table(TEXT_SHEET, TEXT_COLUMNS)
    texts.write_rows(
        ((row.provider.name, row.report.sachbericht) for row in compilation.rows if row.submitted),
        wrap=True,
    )
    book.save(out)
    return len(compilation.rows)


def _cover(
    book: xlsx.Spreadsheet, compilation: Compilation, compiled_by: str, compiled_on: dt.date
) -> None:
    year = compilation.funding_year
    revision = compilation.revision
    sheet = book.add_sheet(COVER_SHEET, (46, 40))
    sheet.append([f"Gesamtverwendungsnachweis Integrationsmanagement {year.year}"], bold=True)
    sheet.append([])
    basis = (
        f"Verteilung Revision {revision.number} vom "
        f"{german_date(timezone.localtime(revision.published_at))}"
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
        sheet.append_field(label, value, xlsx.euro_for_decimal(value))
    sheet.append([])
    sheet.append(
        [
            "Ausgaben, VZÄ und Differenz zählen nur für eingereichte Verwendungsnachweise. "
            "Die Sachberichte stehen im Blatt „Sachberichte“."
        ]
    )
