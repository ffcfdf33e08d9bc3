"""The Gesamtverwendungsnachweis of the Kreis: one row per self-running provider, compiled from
the submitted Verwendungsnachweise and the published split, and its XLSX file.

Below the self-running providers comes the rest of the money trail, so that the allocation
column adds up to the Kreis amount: the Landratsamt's own IM (its own Verwendungsnachweis, for
the municipalities it serves), each Vorwegabzug (for example the coordinating position, with
what the office reports it was spent on) and any allocation of a municipality that no reporting
provider served on 1 January. A municipal provider reporting a position below the minimum
(0.5 VZÄ, Nr. 3.4 VwV IntM) is flagged.

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

from funding.models import (
    REPORTING,
    AllocationRevision,
    Deduction,
    FundingYear,
    UsageReport,
    position_warning,
)
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
GRAND_TOTAL = "Gesamtsumme Kreis"
SUMMED = ("allocation", "staff_costs", "other_costs", "spending", "vza", "difference")


@dataclass(frozen=True)
class UsageRow:
    provider: Provider
    municipalities: tuple[Municipality, ...]
    allocation: Decimal | None  # None until the split is published
    report: UsageReport | None
    min_vza: Decimal | None = None  # the minimum position of the year (Eigenregie)

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def warning(self) -> str:
        """Set when a municipal provider reports a position below the minimum."""
        if self.min_vza is None:
            return ""
        return position_warning(self.provider.kind, self.vza, self.min_vza)

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
class DeductionRow:
    """A Vorwegabzug in the money trail: its amount and what the office reports it was spent
    on (no split into staff and other costs)."""

    deduction: Deduction
    staff_costs = None
    other_costs = None

    @property
    def name(self) -> str:
        return f"Vorwegabzug: {self.deduction.name}"

    @property
    def allocation(self) -> Decimal:
        return self.deduction.amount

    @property
    def spending(self) -> Decimal | None:
        return self.deduction.spent

    @property
    def vza(self) -> Decimal | None:
        return self.deduction.vza

    @property
    def difference(self) -> Decimal | None:
        return None if self.spending is None else self.allocation - self.spending


@dataclass(frozen=True)
class UnservedRow:
    """Allocations of municipalities that no reporting provider served on 1 January."""

    municipalities: tuple[Municipality, ...]
    allocation: Decimal
    name = "Gemeinden ohne berichtenden Träger"
    staff_costs = None
    other_costs = None
    spending = None
    vza = None
    difference = None


def _sum(values) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal("0.00")) if present else None


@dataclass(frozen=True)
class Compilation:
    funding_year: FundingYear
    revision: AllocationRevision | None
    rows: tuple[UsageRow, ...]  # the self-running providers
    own_rows: tuple[UsageRow, ...] = ()  # the Landratsamt's own IM
    deduction_rows: tuple[DeductionRow, ...] = ()
    unserved: UnservedRow | None = None

    def total(self, name: str) -> Decimal | None:
        """Sum over the self-running providers."""
        return _sum(getattr(row, name) for row in self.rows)

    @property
    def trail(self) -> tuple[UsageRow | DeductionRow | UnservedRow, ...]:
        """Every line of the money trail: providers, the Landratsamt, deductions, the rest."""
        rest = (self.unserved,) if self.unserved else ()
        return (*self.rows, *self.own_rows, *self.deduction_rows, *rest)

    def kreis_total(self, name: str) -> Decimal | None:
        """Sum over the whole money trail; for ``allocation`` it is the Kreis amount."""
        return _sum(getattr(row, name) for row in self.trail)

    @property
    def kreis_amount(self) -> Decimal | None:
        return self.revision.kreis_amount if self.revision else None

    @property
    def balanced(self) -> bool:
        """The trail's allocations add up to the Kreis amount of the published split."""
        return self.revision is not None and self.kreis_total("allocation") == self.kreis_amount

    @property
    def warnings(self) -> list[tuple[str, str]]:
        """(provider, German warning) for each provider below the minimum position."""
        return [(row.name, row.warning) for row in self.rows if row.warning]

    @property
    def reporting_rows(self) -> tuple[UsageRow, ...]:
        return (*self.rows, *self.own_rows)

    @property
    def submitted_count(self) -> int:
        return sum(1 for row in self.rows if row.submitted)


def compile_usage(funding_year: FundingYear) -> Compilation:
    """Every reporting provider serving a municipality of the Kreis on 1 January of the year
    (or with a report for it), with its allocation and report, and the rest of the money trail
    (a handful of queries, however many providers)."""
    revision = latest_revision(funding_year)
    amounts = (
        dict(revision.allocations.values_list("municipality_id", "amount")) if revision else {}
    )
    areas = (
        ProviderArea.objects.active_on(dt.date(funding_year.year, 1, 1))
        .filter(provider__landkreis_id=funding_year.landkreis_id, provider__kind__in=REPORTING)
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
    rows, own_rows = [], []
    min_vza = funding_year.eigenregie_min_vza
    for provider in providers:
        towns = tuple(served.get(provider.pk, ()))
        allocation = (
            sum((amounts.get(m.pk, Decimal("0.00")) for m in towns), Decimal("0.00"))
            if revision
            else None
        )
        row = UsageRow(provider, towns, allocation, reports.get(provider.pk), min_vza)
        (own_rows if provider.kind == Provider.Kind.LANDKREIS else rows).append(row)
    covered = {m.pk for towns in served.values() for m in towns}
    rest = [pk for pk, amount in amounts.items() if pk not in covered and amount]
    unserved = None
    if rest:
        towns = tuple(Municipality.objects.filter(pk__in=rest).order_by("name"))
        total = sum((amounts[pk] for pk in rest), Decimal("0.00"))
        unserved = UnservedRow(towns, total)
    deductions = tuple(DeductionRow(d) for d in funding_year.deductions.order_by("pk"))
    return Compilation(funding_year, revision, tuple(rows), tuple(own_rows), deductions, unserved)


def allocation_and_spending(funding_year: FundingYear) -> list[dict[str, Any]]:
    """The funding and its use per provider, for a chart or a report (public surface for the
    annual report): one dict per line of the money trail with ``name``, ``kind`` (provider kind,
    ``deduction`` or ``unserved``), ``allocation``, ``spending`` and ``vza`` (Decimal or None;
    spending and VZÄ only from submitted reports). The allocations add up to the Kreis amount
    once the split is published."""
    compilation = compile_usage(funding_year)
    lines: list[dict[str, Any]] = []
    for row in compilation.trail:
        if isinstance(row, UsageRow):
            kind = row.provider.kind
        else:
            kind = "deduction" if isinstance(row, DeductionRow) else "unserved"
        lines.append(
            {
                "name": row.name,
                "kind": kind,
                "allocation": row.allocation,
                "spending": row.spending,
                "vza": row.vza,
            }
        )
    return lines


# --- XLSX --------------------------------------------------------------------------------------


def _row_values(sheet: xlsx.Sheet, row: UsageRow) -> list[Any]:
    # A position below the minimum is marked (Nr. 3.4 VwV IntM).
    vza = (
        sheet.cell(row.vza, xlsx.DECIMAL_FORMAT, fill=xlsx.MARKED_FILL) if row.warning else row.vza
    )
    return [
        row.provider.name,
        row.provider.get_kind_display(),
        row.provider.seat.name if row.provider.seat else "",
        ", ".join(m.name for m in row.municipalities),
        row.allocation,
        row.staff_costs,
        row.other_costs,
        row.spending,
        vza,
        row.difference,
        row.status_label,
        "ja" if row.submitted else "nein",
    ]


def _trail_values(row: DeductionRow | UnservedRow) -> list[Any]:
    if isinstance(row, DeductionRow):
        return [
            row.name,
            "Vorwegabzug",
            "",
            row.deduction.use_note,
            row.allocation,
            None,
            None,
            row.spending,
            row.vza,
            row.difference,
            "Angaben der Koordinierungsstelle" if row.spending is not None else "offen",
            "",
        ]
    towns = ", ".join(m.name for m in row.municipalities)
    return [row.name, "", "", towns, row.allocation, None, None, None, None, None, "", ""]


def write_usage_xlsx(
    compilation: Compilation, compiled_by: str, compiled_on: dt.date, out: IO[bytes] | str
) -> int:
    """Write the Gesamtverwendungsnachweis; returns the number of provider rows."""
    book = xlsx.Spreadsheet()
    _cover(book, compilation, compiled_by, compiled_on)
    sheet = book.add_table(ROWS_SHEET, COLUMNS)
    sheet.write_rows(_row_values(sheet, row) for row in compilation.rows)
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
    # The rest of the money trail, so that the allocations add up to the Kreis amount.
    sheet.append([])
    sheet.write_rows(_row_values(sheet, row) for row in compilation.own_rows)
    sheet.write_rows(
        _trail_values(row) for row in compilation.trail if not isinstance(row, UsageRow)
    )
    sheet.append(
        [
            GRAND_TOTAL,
            "",
            "",
            "",
            *(compilation.kreis_total(name) for name in SUMMED),
            "",
            "",
        ],
        bold=True,
    )
    texts = book.add_table(TEXT_SHEET, TEXT_COLUMNS)
    texts.write_rows(
        (
            (row.provider.name, row.report.sachbericht)
            for row in compilation.reporting_rows
            if row.submitted
        ),
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
        ("Betrag des Kreises (EUR)", compilation.kreis_amount),
        ("Zuteilungen und Vorwegabzüge insgesamt (EUR)", compilation.kreis_total("allocation")),
        ("Ausgaben insgesamt (EUR)", compilation.kreis_total("spending")),
        ("VZÄ insgesamt", compilation.kreis_total("vza")),
        ("Frist für die Verwendungsnachweise", year.usage_deadline),
    ]
    for label, value in lines:
        sheet.append_field(label, value, xlsx.euro_for_decimal(value))
    for name, warning in compilation.warnings:
        sheet.append_field(f"Hinweis {name}", warning)
    sheet.append([])
    sheet.append(
        [
            "Ausgaben, VZÄ und Differenz zählen nur für eingereichte Verwendungsnachweise. "
            "Die Sachberichte stehen im Blatt „Sachberichte“."
        ]
    )
