"""Figures computed together: several Kennzahlen over the same counted rows in one statement.

The table's figures are many views of few sets of rows (the persons on 31.12. by sex, by age,
by nationality, …; the contacts by kind and by setting; the persons counselled per provider
and in the Kreis). One query per figure read each set again and again; these read it once:

- ``run_counts``: counts of rows (``count_rows``, ``count_where``) of one queryset, grouped by
  all their keys at once, with one conditional count per figure, then added up per figure (a
  count of rows adds up exactly over a finer grouping);
- ``run_distinct``: counts of distinct persons (``count_distinct``) of one queryset, grouped
  every way at once with GROUPING SETS, the Kreis column of a non-additive figure included.

``shared_rows`` and ``distinct_rows`` say which figures may go together
(``table.compute_results`` groups them). Each gives exactly what ``run`` gives per figure
(``tests/test_bench_sql.py`` checks it on a bench Kreis).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F

from reporting.kennzahlen.queries import MUNICIPALITY, PROVIDER, Measure


def _named_keys(measures: Sequence[Measure]) -> tuple[list[str], dict[str, Any], list[list[str]]]:
    """The breakdown keys of every measure under names of their own (``c<measure>_<key>``):
    all names, the expressions to annotate, and each measure's names."""
    names: list[str] = []
    expressions: dict[str, Any] = {}
    own: list[list[str]] = []
    for i, measure in enumerate(measures):
        mine = [f"c{i}_{j}" for j in range(len(measure.key_expressions))]
        for name, key in zip(mine, measure.key_expressions, strict=True):
            expressions[name] = key if hasattr(key, "resolve_expression") else F(key)
        names.extend(mine)
        own.append(mine)
    return names, expressions, own


def run_counts(measures: Sequence[Measure], *, provider_id: int | None = None) -> list[dict]:
    """Several counts of the same rows (``count_rows``/``count_where`` of one queryset, one
    ``via``), each with its own breakdown and condition, in one query: grouped by all their
    keys at once, one conditional count per measure, then added up per measure (a count of
    rows adds up exactly over a finer grouping). Per measure, what ``run(measure,
    by_provider=True, provider_id=provider_id)`` returns."""
    first = measures[0]
    names, expressions, own = _named_keys(measures)
    counts = {
        f"n{i}": Count("pk", filter=measure.condition) if measure.condition else Count("pk")
        for i, measure in enumerate(measures)
    }
    combined = Measure(first.counted.annotate(**expressions), Count("pk"), via=first.via)
    group = MUNICIPALITY if first.via is not None else PROVIDER
    result = combined.narrowed(provider_id).rows.values(group, *names).annotate(**counts).order_by()
    providers = first.via.providers_by_municipality if first.via is not None else None
    found: list[dict] = [{} for _ in measures]
    for row in result:  # at most (municipalities or providers) × keys rows, already counted
        head = row[group] if providers is None else providers.get(row[group])
        for i, (values, mine) in enumerate(zip(found, own, strict=True)):
            value = row[f"n{i}"]
            if value:  # else no row of this measure in the group: its own query has none
                key = (head, *(row[name] for name in mine))
                values[key] = values.get(key, 0) + value
    return found


def run_distinct(measures: Sequence[Measure], *, kreis: bool) -> list[tuple[dict, dict | None]]:
    """Counts of distinct values of the same rows (``count_distinct`` of one queryset and one
    expression, one ``via``), each with its own breakdown, in one statement: the database
    groups the rows every way at once (GROUPING SETS) instead of reading them once per measure
    and once more for the Kreis. Per measure, what ``run(measure, by_provider=True)`` returns
    and, with ``kreis``, what ``run(measure, by_provider=False)`` returns (else None)."""
    first = measures[0]
    group = MUNICIPALITY if first.via is not None else PROVIDER
    names, expressions, own = _named_keys(measures)
    (counted,) = first.value.source_expressions
    rows = (
        first.counted.annotate(**expressions, g_counted=counted)
        .values(group, *names, "g_counted")
        .order_by()
    )
    found: list[tuple[dict, dict | None]] = [({}, {} if kreis else None) for _ in measures]
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # nothing can match: what the aggregates give over no rows
        for (_, totals), mine in zip(found, own, strict=True):
            if totals is not None and not mine:
                totals[()] = 0
        return found
    columns = [group, *names]
    sets: dict[tuple[str, ...], list[tuple[int, bool]]] = {}
    for i, mine in enumerate(own):
        sets.setdefault((group, *mine), []).append((i, False))
        if kreis:
            sets.setdefault(tuple(mine), []).append((i, True))
    # GROUPING(…) has a bit for each column left out of the row's set, the first one highest
    by_mask = {
        sum(1 << (len(columns) - 1 - c) for c, name in enumerate(columns) if name not in cols): to
        for cols, to in sets.items()
    }
    quote = connection.ops.quote_name
    listed = ", ".join(quote(name) for name in columns)
    grouping = ", ".join(f"({', '.join(quote(name) for name in cols)})" for cols in sets)
    # Only quoted aliases and Django's compiled query (its values stay parameters). The rows
    # made distinct first (a hash, not a sort of every participation: 560,000 on the bench)
    # count the same distinct values per set.
    statement = " ".join(
        (
            f"SELECT GROUPING({listed}), {listed}, COUNT(DISTINCT {quote('g_counted')})",
            "FROM (SELECT DISTINCT *",
            f"FROM ({sql}) AS found) AS counted",
            f"GROUP BY GROUPING SETS ({grouping})",
        )
    )
    providers = first.via.providers_by_municipality if first.via is not None else None
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for mask, head, *values in cursor.fetchall():
            row = dict(zip(names, values[:-1], strict=True))
            for i, is_kreis in by_mask[mask]:
                key = tuple(row[name] for name in own[i])
                by_provider, totals = found[i]
                if is_kreis:
                    totals[key] = values[-1]
                else:
                    key = (head if providers is None else providers.get(head), *key)
                    by_provider[key] = by_provider.get(key, 0) + values[-1]
    return found


def distinct_rows(measure: Measure) -> tuple | None:
    """What a count of distinct values shares with others of the same rows (``run_distinct``);
    None for any other aggregate."""
    value = measure.value
    if not (
        measure.counted is not None
        and isinstance(value, Count)
        and value.distinct
        and value.filter is None
        and len(value.source_expressions) == 1
    ):
        return None
    try:
        return (str(measure.counted.query), measure.via, str(value))
    except EmptyResultSet:
        return None


def shared_rows(measure: Measure) -> tuple | None:
    """What a count shares with other counts of the same rows (``run_counts``); None for any
    other aggregate."""
    if measure.counted is None or measure.value != Count("pk"):
        return None
    try:
        return (str(measure.counted.query), measure.via)
    except EmptyResultSet:
        return None
