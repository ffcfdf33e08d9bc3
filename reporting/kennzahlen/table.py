"""The Kennzahlentabelle of one Kreis and year: figures × providers, plus the Kreis total.

Layout: one line per figure (or per line of a broken-down figure), one column per provider
and a last column "Kreis insgesamt". A provider column appears if the provider served a
municipality of the Kreis during the year or has any value; a column "ohne Zuständigkeit"
appears only if clients lived in a municipality that no provider served on 31.12. For one
provider (``provider``) the table has that provider's column only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q

from imcase.organisation.models import Landkreis, Provider
from reporting.kennzahlen.queries import Measure, Period, run
from reporting.kennzahlen.registry import Definition, Group, Kennzahl, Unit, definition_for
from reporting.kennzahlen.rows import Line, sum_members
from reporting.kennzahlen.together import distinct_rows, run_counts, run_distinct, shared_rows

KREIS = "kreis"
UNASSIGNED = "none"
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    key: str  # "p<provider id>", "none" or "kreis"
    title: str
    provider_id: int | None = None


@dataclass(frozen=True)
class TableLine:
    figure: Kennzahl
    key: tuple
    label: str  # the breakdown's line ("" for a single figure)
    values: tuple[Any, ...]  # one per column
    is_total: bool = False


@dataclass
class Section:
    group: Group
    lines: list[TableLine] = field(default_factory=list)


@dataclass
class Table:
    definition: Definition
    landkreis: Landkreis
    year: int
    provider: Provider | None
    columns: list[Column]
    sections: list[Section]

    def lines(self) -> list[TableLine]:
        return [line for section in self.sections for line in section.lines]

    def value(self, figure_id: str, label: str = "", column: str = KREIS) -> Any:
        """One cell, by figure ID, line label and column key (for tests and dashboards)."""
        index = next(i for i, c in enumerate(self.columns) if c.key == column)
        for line in self.lines():
            if line.figure.id == figure_id and line.label == label:
                return line.values[index]
        raise KeyError((figure_id, label))


def _zero(figure: Kennzahl) -> Any:
    return Decimal("0.00") if figure.unit == Unit.VZA else 0


def _clean(figure: Kennzahl, value: Any) -> Any:
    if figure.unit == Unit.VZA:
        return Decimal(value or 0).quantize(TWO_PLACES)
    return int(value or 0)


@dataclass
class _Result:
    by_provider: dict[int | None, dict[tuple, Any]]
    kreis: dict[tuple, Any] | None  # own query for non-additive figures


def _by_provider(raw: dict[tuple, Any]) -> dict[int | None, dict[tuple, Any]]:
    by_provider: dict[int | None, dict[tuple, Any]] = {}
    for (provider_id, *keys), value in raw.items():
        by_provider.setdefault(provider_id, {})[tuple(keys)] = value
    return by_provider


def _compute(figure: Kennzahl, measure: Measure, period: Period) -> _Result:
    raw = run(measure, by_provider=True, provider_id=period.provider_id)
    kreis = None
    if period.provider_id is None and not figure.additive:
        kreis = run(measure, by_provider=False)
    return _Result(_by_provider(raw), kreis)


def _compute_together(
    group: list[Kennzahl], measures: dict[str, Measure], period: Period
) -> dict[str, _Result]:
    """The figures of a group (``_groups``), in one query."""
    shared = [measures[figure.id] for figure in group]
    if shared_rows(shared[0]) is not None:
        found = run_counts(shared, provider_id=period.provider_id)
        return {f.id: _Result(_by_provider(r), None) for f, r in zip(group, found, strict=True)}
    kreis = period.provider_id is None and not group[0].additive
    found = run_distinct(shared, kreis=kreis)
    return {
        f.id: _Result(_by_provider(r), totals) for f, (r, totals) in zip(group, found, strict=True)
    }


def _groups(figures, measures: dict[str, Measure], period: Period) -> dict[str, list[Kennzahl]]:
    """Figure ID → the figures computed with it in one query: additive counts of the same rows
    (``together.run_counts``), and counts of distinct persons of the same rows, additive or
    not alike (``together.run_distinct``, PostgreSQL; for one provider, one query per figure as
    before)."""
    together: dict[tuple, list[Kennzahl]] = {}
    for figure in figures:
        measure = measures[figure.id]
        key = None
        if figure.additive and (shared := shared_rows(measure)) is not None:
            key = ("count", shared)
        elif (
            period.provider_id is None
            and connection.vendor == "postgresql"  # GROUPING SETS (SQLite, the demo: one each)
            and (distinct := distinct_rows(measure)) is not None
        ):
            key = ("distinct", figure.additive, distinct)
        if key is not None:
            together.setdefault(key, []).append(figure)
    return {figure.id: group for group in together.values() for figure in group}


def compute_results(
    definition: Definition,
    period: Period,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, _Result]:
    """Every figure's values per provider (and the Kreis column of the non-additive ones).

    Additive counts of the same rows (the persons on 31.12. by sex, age, nationality, …; the
    contacts by kind and by setting) share one query, and so do counts of distinct persons of
    the same rows with their Kreis column (``_groups``, ``together``); every other figure is one
    query, a non-additive one a second for the Kreis column."""
    figures = definition.figures
    measures = {figure.id: figure.measure(period) for figure in figures}
    groups = _groups(figures, measures, period)
    results: dict[str, _Result] = {}
    for done, figure in enumerate(figures, start=1):
        if figure.id not in results:
            if figure.id in groups:
                results.update(_compute_together(groups[figure.id], measures, period))
            else:
                results[figure.id] = _compute(figure, measures[figure.id], period)
        if progress is not None:
            progress(done, len(figures))
    return results


def _columns(period: Period, results: dict[str, _Result]) -> list[Column]:
    if period.provider_id is not None:
        provider = Provider.objects.get(pk=period.provider_id)
        return [Column(f"p{provider.pk}", provider.name, provider.pk)]
    with_values = {
        provider_id
        for result in results.values()
        for provider_id, values in result.by_provider.items()
        if any(values.values())
    }
    active = Q(
        areas__valid_from__lte=period.end,
    ) & (Q(areas__valid_until__isnull=True) | Q(areas__valid_until__gte=period.start))
    providers = (
        Provider.objects.filter(landkreis_id=period.landkreis_id)
        .filter(active | Q(pk__in=[p for p in with_values if p is not None]))
        .distinct()
        .order_by("name", "pk")
    )
    columns = [Column(f"p{p.pk}", p.name, p.pk) for p in providers]
    if None in with_values:
        columns.append(Column(UNASSIGNED, "ohne Zuständigkeit"))
    columns.append(Column(KREIS, "Kreis insgesamt"))
    return columns


def _totals(result: _Result, columns: list[Column], period: Period) -> dict[tuple, Any]:
    """Raw key → value over the table: the Kreis (or the one provider)."""
    if result.kreis is not None:
        return result.kreis
    totals: dict[tuple, Any] = {}
    for values in result.by_provider.values():
        for key, value in values.items():
            totals[key] = totals.get(key, 0) + (value or 0)
    return totals


def _line_values(
    figure: Kennzahl, result: _Result, columns: list[Column], members: frozenset[tuple]
) -> tuple[Any, ...]:
    zero = _zero(figure)
    values = []
    for column in columns:
        if column.key == KREIS:
            if result.kreis is not None:
                value = sum_members(result.kreis, members, zero)
            else:
                value = sum(
                    (sum_members(v, members, zero) for v in result.by_provider.values()), zero
                )
        else:
            value = sum_members(result.by_provider.get(column.provider_id, {}), members, zero)
        values.append(_clean(figure, value))
    return tuple(values)


def _figure_lines(
    figure: Kennzahl, result: _Result, columns: list[Column], period: Period
) -> list[TableLine]:
    if figure.rows is None:
        lines = [Line((), "", frozenset({()}))]
    else:
        lines = figure.rows.lines(period, _totals(result, columns, period))
    found = [
        TableLine(figure, line.key, line.label, _line_values(figure, result, columns, line.members))
        for line in lines
    ]
    if figure.total_label and found:
        sums = tuple(
            _clean(figure, sum((line.values[i] for line in found), _zero(figure)))
            for i in range(len(columns))
        )
        found.append(TableLine(figure, ("insgesamt",), figure.total_label, sums, is_total=True))
    return found


def compute_table(
    landkreis: Landkreis,
    year: int,
    provider: Provider | None = None,
    definition: Definition | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Table:
    """All figures of ``year`` for the Kreis (or one of its providers): one query per figure
    or per set of counts of the same rows, a second one for the Kreis column of figures that
    are not additive (``compute_results``). ``progress(done, total)`` is called after each
    figure (the background computation shows it)."""
    if provider is not None and provider.landkreis_id != landkreis.pk:
        raise ValueError("Der Träger gehört nicht zu diesem Kreis.")
    definition = definition or definition_for(year)
    period = Period(landkreis.pk, year, provider.pk if provider else None)
    results = compute_results(definition, period, progress)
    columns = _columns(period, results)
    sections = []
    for group in definition.groups:
        section = Section(group)
        for figure in definition.figures_of(group):
            section.lines.extend(_figure_lines(figure, results[figure.id], columns, period))
        sections.append(section)
    return Table(definition, landkreis, year, provider, columns, sections)


def fingerprint(table: Table) -> str:
    """SHA-256 over the table's columns and values: what the office saw is what it submits."""
    digest = hashlib.sha256()
    digest.update(table.definition.version.encode())
    for column in table.columns:
        digest.update(f"|{column.key}:{column.title}".encode())
    for line in table.lines():
        digest.update(f"|{line.figure.id}:{line.key}:{line.values}".encode())
    return digest.hexdigest()


def reporting_years(today: dt.date) -> list[int]:
    """Years one may choose: from the first definition to the current year, newest first."""
    from reporting.kennzahlen.registry import first_year

    return list(range(today.year, first_year() - 1, -1))
