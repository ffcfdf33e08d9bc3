"""Benchmark cases of the reporting app: the Kennzahlentabelle, its workbook, the dashboard,
and every figure of the table as ORM queries next to the same aggregates in hand-written SQL
(``devtools.bench.kennzahlen_sql``).

The data set is the bench's demo Kreis plus plans (``devtools.demo.plans``), topped
up to ``GOALS`` goals with extra goals on current plan versions, so that the table meets
50,000 clients, about 500,000 contacts and 150,000 goals. The reporting year is the demo year
(``DEMO_TODAY``), which holds most of the contacts.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from devtools.bench.runner import (
    BenchError,
    benchmark,
    compare,
    ensure_bench_database,
    get_page,
)

GOALS = 150_000
SEED = 2026


def _year() -> int:
    from devtools.demo.data import DEMO_TODAY

    return DEMO_TODAY.year


def _kreis():
    from devtools.demo.data import KREIS_NAME
    from imcase.organisation.models import Landkreis

    return Landkreis.objects.select_related("regierungspraesidium").get(name=KREIS_NAME)


def ensure_plan_data(goals: int = GOALS) -> None:
    """Plans for the demo clients, then extra goals until there are ``goals`` (untimed)."""
    from devtools.demo.plans import build_demo_plans
    from plans.models import Goal, GoalField, GoalStatus, Plan, PlanVersion

    ensure_bench_database()
    changed = False
    if not Plan.objects.exists():
        build_demo_plans(SEED)
        changed = True
    missing = goals - Goal.objects.count()
    if missing > 0:
        rng = random.Random(f"{SEED}:bench-goals")
        versions = list(PlanVersion.objects.current().order_by("pk").values_list("pk", "agreed_on"))
        fields = list(GoalField.objects.values_list("pk", flat=True))
        if not versions or not fields:
            raise BenchError("Für zusätzliche Ziele fehlen Pläne oder Handlungsfelder.")
        statuses = list(GoalStatus.values)
        batch = [
            Goal(
                code=uuid.UUID(int=rng.getrandbits(128), version=4),
                version_id=version_id,
                part=rng.choice("AB"),
                field_id=rng.choice(fields),
                text="Zusätzliches Ziel (Benchmark)",
                status=rng.choice(statuses),
            )
            for version_id, _ in (rng.choice(versions) for _ in range(missing))
        ]
        Goal.objects.bulk_create(batch, batch_size=5000)
        changed = True
    if changed:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- the table ---------------------------------------------------------------------------------


@benchmark("Kennzahlentabelle: alle Kennzahlen des Kreises (ORM)")
def _table():
    from reporting.kennzahlen.table import compute_table

    ensure_plan_data()
    kreis, year = _kreis(), _year()
    return lambda: compute_table(kreis, year)


@benchmark("Kennzahlentabelle: XLSX des Kreises (Berechnung und Datei)")
def _workbook():
    from reporting.kennzahlen.table import compute_table
    from reporting.xlsx import Origin, workbook_bytes

    ensure_plan_data()
    kreis, year = _kreis(), _year()
    return lambda: workbook_bytes(compute_table(kreis, year), Origin(timezone.now(), "bench"))


@benchmark("Kennzahlen-Seite: Koordinierungsstelle (koordination)")
def _figures_page():
    ensure_plan_data()
    return get_page("koordination", f"/berichte/kennzahlen/?jahr={_year()}")


@benchmark("Übersicht: Koordinierungsstelle (koordination)")
def _dashboard_office():
    ensure_plan_data()
    return get_page("koordination", f"/berichte/?jahr={_year()}")


@benchmark("Übersicht: Teamleitung (teamleitung)")
def _dashboard_team_lead():
    ensure_plan_data()
    return get_page("teamleitung", f"/berichte/?jahr={_year()}")


# --- ORM against hand-written SQL ----------------------------------------------------------------

ORM_CASE = "Kennzahlentabelle: alle Kennzahlen, ORM"
SQL_CASE = "Kennzahlentabelle: alle Kennzahlen, handgeschriebenes SQL"
RATIO_LABEL = "Kennzahlentabelle ORM ÷ handgeschriebenes SQL"


def orm_results(period) -> dict[str, list[tuple]]:
    """Figure ID → rows as the table computes them (``compute_results``): ``(provider, *keys,
    value)`` per provider, plus ``(*keys, value)`` for the Kreis column of a figure that does
    not add up."""
    from reporting.kennzahlen.registry import definition_for
    from reporting.kennzahlen.table import compute_results

    found = {}
    for figure_id, result in compute_results(definition_for(period.year), period).items():
        rows = [
            (provider_id, *keys, value)
            for provider_id, values in result.by_provider.items()
            for keys, value in values.items()
        ]
        rows.extend((*keys, value) for keys, value in (result.kreis or {}).items())
        found[figure_id] = rows
    return found


def normalised(results: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Comparable rows: keys as text (the SQL returns them so), values to two places."""

    def clean(value):
        return None if value is None else str(value)

    def number(value):
        return Decimal(value or 0).quantize(Decimal("0.01"))

    return {
        figure: sorted(((*(clean(v) for v in row[:-1]), number(row[-1])) for row in rows), key=repr)
        for figure, rows in results.items()
    }


def differences(period) -> list[str]:
    """The figures whose ORM and SQL rows differ (a figure missing on either side included)."""
    from devtools.bench.kennzahlen_sql import parameters, sql_results

    orm = normalised(orm_results(period))
    sql = normalised(sql_results(parameters(period.landkreis_id, period.year)))
    return sorted(f for f in orm.keys() | sql.keys() if orm.get(f) != sql.get(f))


def _compared() -> tuple[Callable[[], object], Callable[[], object]]:
    from devtools.bench.kennzahlen_sql import parameters, sql_results
    from reporting.kennzahlen.queries import Period

    ensure_plan_data()
    kreis, year = _kreis(), _year()
    period = Period(kreis.pk, year)
    different = differences(period)
    if different:
        raise BenchError(
            "ORM und handgeschriebenes SQL ergeben verschiedene Kennzahlen: " + ", ".join(different)
        )
    params = parameters(kreis.pk, year)
    return (lambda: orm_results(period)), (lambda: sql_results(params))


@benchmark(ORM_CASE)
def _compared_orm():
    return _compared()[0]


@benchmark(SQL_CASE)
def _compared_sql():
    return _compared()[1]


compare(ORM_CASE, SQL_CASE, RATIO_LABEL)
