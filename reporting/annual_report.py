"""The Jahresbericht: a year's key figures, charts and the office's texts, for the Kreis (the
coordinating office) or one provider (its team lead).

Every figure comes from the Kennzahl registry (``compute_table``); the only other sources are
the Kennzahl queries the dashboard uses for contacts per month (their sum is K01) and the
Gesamtverwendungsnachweis of funding for the money. The same ``AnnualReport`` is rendered as
an HTML page, a PDF (``reporting/annual_report_pdf.py``) and a DOCX
(``reporting/annual_report_docx.py``), so the three always show the same numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import Http404

from funding.exports.usage import compile_usage
from funding.formatting import euro, number
from funding.models import FundingYear
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Provider, Role
from reporting.charts import BarChart
from reporting.dashboard import Dashboard, Filters
from reporting.kennzahlen.queries import Period
from reporting.kennzahlen.queries_network import network_by_kind, network_total, network_work
from reporting.kennzahlen.registry import NoDefinitionError, Unit, definition_for, first_year
from reporting.kennzahlen.table import KREIS, Table, TableLine, compute_table
from reporting.models import AnnualReportText
from reporting.scoping import FiguresScope
from reporting.stored import current_table

YEARS_BACK = 4  # the chart of persons in the target group shows this year and four before
KEY_FIGURES = ("P01", "P02", "Z01", "Z02", "Z05", "Z06", "I03", "I04", "K01", "K02", "I08")
TEXT_FIELDS = (
    ("introduction", "Einleitung"),
    ("sachbericht", "Sachbericht"),
    ("outlook", "Ausblick"),
)


def german(value: Any, unit: str = Unit.COUNT) -> str:
    """German number format: 1.234 for counts, 12,50 for VZÄ."""
    if value is None:
        return "–"
    if unit == Unit.VZA:
        return number(value, 2)
    return number(value, 0)


@dataclass(frozen=True)
class ReportScope:
    """Whose report: the Kreis (``provider`` None, the office) or one provider (team lead)."""

    landkreis: Landkreis
    provider: Provider | None

    @property
    def column(self) -> str:
        return f"p{self.provider.pk}" if self.provider else KREIS

    @property
    def name(self) -> str:
        return self.provider.name if self.provider else self.landkreis.name


def report_scope_or_404(user) -> ReportScope:
    """The office writes the Kreis's report, a team lead his provider's; nobody else has one."""
    scope = scope_for(user)
    if scope.role == Role.OFFICE and scope.landkreis_id:
        return ReportScope(
            Landkreis.objects.select_related("regierungspraesidium").get(pk=scope.landkreis_id),
            None,
        )
    if scope.role == Role.TEAM_LEAD and scope.provider_id:
        provider = Provider.objects.select_related("landkreis__regierungspraesidium").get(
            pk=scope.provider_id
        )
        return ReportScope(provider.landkreis, provider)
    raise Http404


def texts_for(scope: ReportScope, year: int) -> AnnualReportText:
    """The stored texts of the year, or an empty unsaved set (version 0 until first saved)."""
    found = AnnualReportText.objects.filter(
        landkreis=scope.landkreis, provider=scope.provider, year=year
    ).first()
    return found or AnnualReportText(
        landkreis=scope.landkreis, provider=scope.provider, year=year, version=0
    )


@dataclass(frozen=True)
class KeyFigure:
    id: str
    label: str
    value: Any
    text: str


@dataclass(frozen=True)
class TextBlock:
    key: str
    title: str
    text: str

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.text.replace("\r\n", "\n").split("\n\n") if part]


@dataclass
class AnnualReport:
    scope: ReportScope
    year: int
    table: Table
    texts: AnnualReportText
    key_figures: list[KeyFigure]
    charts: list[BarChart]
    generated_on: dt.date
    blocks: list[TextBlock] = field(default_factory=list)
    outcome_charts: list[BarChart] = field(default_factory=list)  # section "Wirkung"

    @property
    def title(self) -> str:
        return f"Jahresbericht Integrationsmanagement {self.year}"

    @property
    def subtitle(self) -> str:
        if self.scope.provider:
            return f"{self.scope.provider.name} ({self.scope.landkreis.name})"
        return self.scope.landkreis.name

    def block(self, key: str) -> TextBlock:
        return next(block for block in self.blocks if block.key == key)


def _lines(table: Table, figure_id: str) -> list[TableLine]:
    return [line for line in table.lines() if line.figure.id == figure_id and not line.is_total]


def _index(table: Table, column: str) -> int:
    return next(i for i, c in enumerate(table.columns) if c.key == column)


def _per_line(table: Table, figure_id: str, column: str) -> list[tuple[str, Any]]:
    index = _index(table, column)
    return [(line.label, line.values[index]) for line in _lines(table, figure_id)]


def _share(part: Any, whole: Any) -> str:
    if not whole:
        return "–"
    percent = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{number(percent, 1)} %"


def _per_vza(count: Any, vza: Any) -> Decimal | None:
    if not vza:
        return None
    return (Decimal(count) / Decimal(vza)).quantize(Decimal("0.1"), ROUND_HALF_UP)


class Builder:
    """Computes one report: the year's table, the tables of earlier years (for the target group
    over time), the contacts per month and the funding of the year."""

    def __init__(self, scope: ReportScope, year: int, today: dt.date) -> None:
        self.scope = scope
        self.year = year
        self.today = today
        self.column = scope.column

    def table(self, year: int) -> Table:
        return current_table(self.scope.landkreis, year, self.scope.provider, self.today)

    def z01(self, year: int) -> Any:
        """Z01 of an earlier year, as that year's definition computes it (only that figure:
        the registry's definition narrowed to it, so one query instead of the whole table)."""
        definition = definition_for(year)
        figure = definition.by_id.get("Z01")
        if figure is None:
            return 0
        group = next(g for g in definition.groups if g.key == figure.group)
        narrowed = dataclasses.replace(definition, groups=(group,), figures=(figure,))
        earlier = compute_table(self.scope.landkreis, year, self.scope.provider, narrowed)
        return earlier.value("Z01", "", self.column)

    def build(self) -> AnnualReport:
        try:
            table = self.table(self.year)
        except NoDefinitionError:
            raise Http404 from None
        texts = texts_for(self.scope, self.year)
        report = AnnualReport(
            scope=self.scope,
            year=self.year,
            table=table,
            texts=texts,
            key_figures=self.key_figures(table),
            charts=[],
            generated_on=self.today,
            blocks=[TextBlock(k, t, getattr(texts, k)) for k, t in TEXT_FIELDS],
        )
        funding = self.funding()
        report.charts = [
            self.target_group_over_years(table),
            self.contacts_per_month(),
            self.breakdown(
                table,
                "K05",
                "themen",
                "Beratungskontakte nach Thema",
                "Thema",
                "Kontakte",
            ),
            self.referrals(table),
            self.breakdown(
                table,
                "I06",
                "ziele",
                "Erreichte Ziele je Handlungsfeld",
                "Handlungsfeld",
                "Ziele",
            ),
            self.breakdown(
                table,
                "I07",
                "selbstaendigkeit",
                "Gestiegene Selbständigkeit je Handlungsfeld",
                "Handlungsfeld",
                "Personen",
            ),
            self.staff(table),
            self.network(),
            funding,
        ]
        report.outcome_charts = self.outcomes(table)
        return report

    # --- figures ------------------------------------------------------------------------------

    def key_figures(self, table: Table) -> list[KeyFigure]:
        found = []
        for figure_id in KEY_FIGURES:
            figure = table.definition.by_id.get(figure_id)
            if figure is None or figure.rows is not None:
                continue
            value = table.value(figure_id, "", self.column)
            found.append(KeyFigure(figure_id, figure.label, value, german(value, figure.unit)))
        return found

    def target_group_over_years(self, table: Table) -> BarChart:
        start = max(first_year(), self.year - YEARS_BACK)
        rows = []
        for year in range(start, self.year + 1):
            value = table.value("Z01", "", self.column) if year == self.year else self.z01(year)
            rows.append((str(year), value))
        return BarChart(
            key="zielgruppe",
            title="Personen der Zielgruppe am 31.12.",
            caption=f"Personen der Zielgruppe am 31.12. der Jahre {start} bis {self.year} (Z01)",
            rows=rows,
            label_header="Jahr",
            value_header="Personen",
            visible_table=True,
            note="Kennzahl Z01 der Kennzahlentabelle des jeweiligen Jahres.",
        )

    def contacts_per_month(self) -> BarChart:
        figures_scope = FiguresScope(self.scope.landkreis, self.scope.provider, is_office=False)
        chart = Dashboard(figures_scope, Filters(self.year), self.today).contacts_per_month()
        chart.title = "Beratungskontakte je Monat"
        chart.caption = f"Geförderte Beratungskontakte im Jahr {self.year} je Monat (K01)"
        chart.label_header = "Monat"
        chart.value_header = "Kontakte"
        chart.visible_table = True
        chart.note = "Zusammen ergeben die Monate die Kennzahl K01."
        return chart

    def breakdown(
        self, table: Table, figure_id: str, key: str, title: str, label: str, value: str
    ) -> BarChart:
        figure = table.definition.by_id[figure_id]
        return BarChart(
            key=key,
            title=title,
            caption=f"{figure.label} {self.year} ({figure_id})",
            rows=_per_line(table, figure_id, self.column),
            label_header=label,
            value_header=value,
            visible_table=True,
            note=figure.definition,
        )

    def referrals(self, table: Table) -> BarChart:
        referred = dict(_per_line(table, "K06", self.column))
        attended = dict(_per_line(table, "K07", self.column))
        rows = list(referred.items())
        return BarChart(
            key="vermittlungen",
            title="Vermittlungen an Regeldienste und ihr Ergebnis",
            caption=f"Vermittlungen je Regeldienst {self.year} und davon wahrgenommene (K06, K07)",
            rows=rows,
            table_headers=("Regeldienst", "Vermittlungen", "davon wahrgenommen", "Anteil"),
            table_rows=[
                (label, count, attended.get(label, 0), _share(attended.get(label, 0), count))
                for label, count in rows
            ],
            visible_table=True,
            note="Die Balken zeigen die Vermittlungen; wahrgenommen heißt: die Person ist dort "
            "angekommen.",
        )

    def outcomes(self, table: Table) -> list[BarChart]:
        """The section "Wirkung": the year's outcome figures (where the year's definition has
        them, from 2026) and the cohort table on 31.12. of the year (or today, if earlier)."""
        found = []
        if "W01" in table.definition.by_id:
            figures = [("W01", "insgesamt"), ("W02", ""), ("W04", ""), ("W05", "")]
            rows = [
                (table.definition.by_id[f].label, table.value(f, label, self.column))
                for f, label in figures
            ]
            found.append(
                BarChart(
                    key="wirkung",
                    title=f"Wirkungen {self.year}",
                    caption=f"Personen mit erfassten Wirkungen im Jahr {self.year} (W01, W02, "
                    "W04, W05)",
                    rows=rows,
                    label_header="Kennzahl",
                    value_header="Personen",
                    visible_table=True,
                    note="Jede Person zählt je Kennzahl einmal; zurückgenommene Einträge zählen "
                    "nicht.",
                )
            )
            found.append(
                self.breakdown(
                    table,
                    "W01",
                    "zertifikate",
                    "Sprachzertifikate nach Niveau",
                    "Niveau",
                    "Personen",
                )
            )
            found.append(
                self.breakdown(
                    table,
                    "W03",
                    "arbeit",
                    "Beginn von Arbeit oder Ausbildung nach Art",
                    "Art",
                    "Personen",
                )
            )
        figures_scope = FiguresScope(self.scope.landkreis, self.scope.provider, is_office=False)
        as_of = min(self.today, dt.date(self.year, 12, 31))
        dashboard = Dashboard(figures_scope, Filters(self.year), self.today)
        found.append(dashboard.cohorts(as_of))
        return found

    def staff(self, table: Table) -> BarChart:
        columns = [c for c in table.columns if c.provider_id is not None]
        lines = []
        for column in columns:
            persons = table.value("P01", "", column.key)
            vza = table.value("P02", "", column.key)
            counselled = table.value("Z05", "", column.key)
            target = table.value("Z01", "", column.key)
            lines.append((column.title, persons, vza, counselled, target))
        return BarChart(
            key="personal",
            title="Personal und Fälle je VZÄ",
            caption=(
                f"Mitarbeitende, VZÄ, beratene Personen und Personen der Zielgruppe je VZÄ "
                f"{self.year} (P01, P02, Z05, Z01)"
            ),
            rows=[(line[0], _per_vza(line[3], line[2]) or 0) for line in lines],
            table_headers=(
                "Träger",
                "Mitarbeitende",
                "VZÄ",
                "beratene Personen",
                "je VZÄ",
                "Zielgruppe am 31.12.",
                "je VZÄ",
            ),
            table_rows=[
                (
                    name,
                    persons,
                    german(vza, Unit.VZA),
                    counselled,
                    _per_vza(counselled, vza) or "–",
                    target,
                    _per_vza(target, vza) or "–",
                )
                for name, persons, vza, counselled, target in lines
            ],
            visible_table=True,
            note="Die Balken zeigen die beratenen Personen je VZÄ.",
        )

    def network(self) -> BarChart:
        """Netzwerkarbeit: activities, hours and participants per kind, and the share of
        documented working time (``reporting.kennzahlen.queries_network``)."""
        period = Period(
            self.scope.landkreis.pk,
            self.year,
            self.scope.provider.pk if self.scope.provider else None,
        )
        kinds = network_by_kind(period)
        total = network_total(network_work(period))
        share = "–" if total.share_percent is None else f"{number(total.share_percent, 1)} %"
        per_vza = "–" if total.hours_per_vza is None else number(total.hours_per_vza, 1)
        return BarChart(
            key="netzwerkarbeit",
            title="Netzwerkarbeit",
            caption=(
                f"Netzwerkarbeit {self.year} nach Art: Aktivitäten, Stunden und Teilnehmende "
                "(Runde Tische, Ehrenamtskoordination, Informationsveranstaltungen, "
                "Kooperationstreffen)"
            ),
            rows=[(line.label, line.activities) for line in kinds],
            value_header="Aktivitäten",
            table_headers=("Art", "Aktivitäten", "Stunden", "Teilnehmende"),
            table_rows=[
                *((line.label, line.activities, line.hours, line.participants) for line in kinds),
                ("zusammen", total.activities, total.hours, total.participants),
            ],
            visible_table=True,
            note=(
                f"{number(total.hours, 1)} Stunden Netzwerkarbeit sind {share} der "
                f"dokumentierten Arbeitszeit (Netzwerkarbeit und geförderte Beratungskontakte, "
                f"{number(total.hours + total.contact_hours, 1)} Stunden); je VZÄ "
                f"{per_vza} Stunden. Teilnehmende sind je Aktivität gezählt; zurückgenommene "
                "Einträge zählen nicht."
            ),
        )

    def funding(self) -> BarChart:
        """The funding year of the report year and its use (Gesamtverwendungsnachweis): one row
        per self-running provider; a team lead sees his provider's row only."""
        funding_year = FundingYear.objects.filter(
            landkreis=self.scope.landkreis, year=self.year
        ).first()
        title = "Förderung und Verwendung"
        if funding_year is None:
            empty = BarChart(
                key="foerderung",
                title=title,
                caption=f"Förderung {self.year}",
                rows=[],
                empty_text=f"Für {self.year} ist kein Förderjahr angelegt.",
                visible_table=True,
                table_headers=("Träger", "Zuteilung", "Ausgaben"),
            )
            return empty
        compilation = compile_usage(funding_year)
        rows = [
            row
            for row in compilation.rows
            if self.scope.provider is None or row.provider.pk == self.scope.provider.pk
        ]
        note = ""
        if self.scope.provider is None:
            note = (
                f"Festbetrag des Kreises {self.year}: {euro(funding_year.kreis_amount)}; "
                f"davon zu verteilen: {euro(funding_year.distributable_amount)}. "
            )
        note += (
            "Ausgaben zählen erst, wenn der Verwendungsnachweis eingereicht ist; Träger, deren "
            "Arbeit der Kreis selbst leistet, stehen nicht in dieser Übersicht."
        )
        chart = BarChart(
            key="foerderung",
            title=title,
            caption=f"Zuteilung und Ausgaben {self.year} je Träger (Verwendungsnachweise)",
            rows=[(row.provider.name, int(row.spending or 0)) for row in rows],
            value_header="Ausgaben (€)",
            table_headers=("Träger", "Zuteilung", "Ausgaben", "Differenz", "VZÄ", "Stand"),
            table_rows=[
                (
                    row.provider.name,
                    euro(row.allocation),
                    euro(row.spending),
                    euro(row.difference),
                    german(row.vza, Unit.VZA),
                    row.status_label,
                )
                for row in rows
            ],
            visible_table=True,
            empty_text="Noch keine Ausgaben aus eingereichten Verwendungsnachweisen.",
            note=note,
        )
        return chart


def build_report(scope: ReportScope, year: int, today: dt.date) -> AnnualReport:
    return Builder(scope, year, today).build()
