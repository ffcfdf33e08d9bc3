"""Benchmark cases of the reporting app: the Kennzahlentabelle, its workbook, the dashboard,
and a handful of main figures as ORM queries next to the same aggregates in hand-written SQL.

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

from clients.window import YEARS, add_years
from devtools.bench.runner import BenchError, benchmark, ensure_bench_database, get_page

GOALS = 150_000
SEED = 2026
COMPARED = ("P02", "Z01", "Z05", "K01", "K03", "I05")


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

# The client's municipality on 31.12. (the one he left with his first later move, if any), as a
# reader of the schema would write it; the provider then comes from a join.
_MUNICIPALITY = """
    COALESCE((SELECT m.from_municipality_id FROM clients_move m
              WHERE m.client_id = cl.id AND m.moved_on > %(end)s
              ORDER BY m.moved_on, m.id LIMIT 1), cl.municipality_id)
"""
_AREA = """
    LEFT JOIN organisation_providerarea pa ON pa.municipality_id = x.municipality_id
     AND pa.valid_from <= %(end)s AND (pa.valid_until IS NULL OR pa.valid_until >= %(end)s)
"""
_TARGET = """
    cl.landkreis_id = %(kreis)s
    AND (cl.assignment_date IS NOT NULL OR cl.residence_status = 'paragraph24')
"""
# The case status at the end of a day (its latest dated change, else today's closing date).
_CLOSED_BEFORE_END = """
    COALESCE((SELECT c.status FROM clients_casestatuschange c
              WHERE c.client_id = cl.id AND c.valid_from < %(end)s
              ORDER BY c.valid_from DESC, c.id DESC LIMIT 1),
             CASE WHEN cl.closed_on < %(end)s THEN 'closed' ELSE 'open' END) = 'closed'
"""
_CLOSED_BEFORE_START = """
    COALESCE((SELECT c.status FROM clients_casestatuschange c
              WHERE c.client_id = cl.id AND c.valid_from < %(start)s
              ORDER BY c.valid_from DESC, c.id DESC LIMIT 1),
             CASE WHEN cl.closed_on < %(start)s THEN 'closed' ELSE 'open' END) = 'closed'
    AND NOT EXISTS (SELECT 1 FROM clients_casestatuschange c WHERE c.client_id = cl.id
                    AND c.status = 'open' AND c.valid_from BETWEEN %(start)s AND %(end)s)
"""
# An extension approved after 31.12. does not lengthen the window of the year yet.
_LATE_EXTENSION = """
    EXISTS (SELECT 1 FROM clients_windowextension e WHERE e.client_id = cl.id
            AND e.decision = 'approved' AND e.decided_at >= %(end_at)s)
"""
_COUNTED_CONTACT = """
    co.date BETWEEN %(start)s AND %(end)s AND co.withdrawn_at IS NULL
    AND co.provider_id IN (SELECT id FROM organisation_provider WHERE landkreis_id = %(kreis)s)
    AND EXISTS (SELECT 1 FROM clients_consultationparticipant p
                WHERE p.consultation_id = co.id AND p.funded)
"""

# Built from the constant fragments above only; every value is a query parameter.
SQL = {
    "P02": [
        """SELECT x.provider_id, SUM(x.vza * x.days) / %(days)s FROM (
              SELECT COALESCE(h.provider_id, s.provider_id) AS provider_id,
                     COALESCE(h.role, s.role) AS role, COALESCE(h.vza, s.vza) AS vza,
                     LEAST(COALESCE(s.end_date, %(end)s), %(end)s)
                       - GREATEST(COALESCE(s.start_date, %(start)s), %(start)s) + 1 AS days
              FROM organisation_staffmember s
              LEFT JOIN LATERAL (
                SELECT c.provider_id, c.role, c.vza FROM organisation_staffchange c
                WHERE c.staff_id = s.id AND (c.valid_from IS NULL OR c.valid_from <= %(end)s)
                ORDER BY c.valid_from DESC NULLS LAST, c.id DESC LIMIT 1) h ON TRUE
              WHERE (s.start_date IS NULL OR s.start_date <= %(end)s)
                AND (s.end_date IS NULL OR s.end_date >= %(start)s)) x
           JOIN organisation_provider pr ON pr.id = x.provider_id
           WHERE x.role IN ('manager', 'team_lead') AND pr.landkreis_id = %(kreis)s
           GROUP BY x.provider_id"""
    ],
    "Z01": [
        f"""SELECT pa.provider_id, COUNT(*) FROM (
              SELECT cl.id, {_MUNICIPALITY} AS municipality_id FROM clients_client cl
              WHERE {_TARGET} AND cl.window_start <= %(end)s AND cl.window_end >= %(end)s
                AND (NOT {_LATE_EXTENSION} OR cl.window_start >= %(reaching_end)s)
                AND NOT ({_CLOSED_BEFORE_END})) x
            {_AREA} GROUP BY pa.provider_id"""  # noqa: S608
    ],
    "Z05": [
        """SELECT co.provider_id, COUNT(DISTINCT p.client_id)
           FROM clients_consultationparticipant p
           JOIN clients_consultation co ON co.id = p.consultation_id
           JOIN organisation_provider pr ON pr.id = co.provider_id
           WHERE p.funded AND co.date BETWEEN %(start)s AND %(end)s AND co.withdrawn_at IS NULL
             AND pr.landkreis_id = %(kreis)s
           GROUP BY co.provider_id""",
        """SELECT COUNT(DISTINCT p.client_id) FROM clients_consultationparticipant p
           JOIN clients_consultation co ON co.id = p.consultation_id
           JOIN organisation_provider pr ON pr.id = co.provider_id
           WHERE p.funded AND co.date BETWEEN %(start)s AND %(end)s AND co.withdrawn_at IS NULL
             AND pr.landkreis_id = %(kreis)s""",
    ],
    "K01": [
        f"""SELECT co.provider_id, COUNT(*) FROM clients_consultation co
            WHERE {_COUNTED_CONTACT} GROUP BY co.provider_id"""  # noqa: S608
    ],
    "K03": [
        f"""SELECT co.provider_id, co.kind, COUNT(*) FROM clients_consultation co
            WHERE {_COUNTED_CONTACT} GROUP BY co.provider_id, co.kind"""  # noqa: S608
    ],
    "I05": [
        f"""SELECT pa.provider_id, x.part, x.field_id, x.status, COUNT(*) FROM (
              SELECT g.part, g.field_id,
                     COALESCE((SELECT h.status FROM plans_goalstatuschange h
                               WHERE h.goal_id = g.id AND h.valid_from <= %(end)s
                               ORDER BY h.valid_from DESC, h.id DESC LIMIT 1), g.status) AS status,
                     {_MUNICIPALITY} AS municipality_id
              FROM plans_goal g
              JOIN plans_planversion v ON v.id = g.version_id
              JOIN plans_plan pl ON pl.id = v.plan_id
              JOIN clients_client cl ON cl.id = pl.client_id
              WHERE {_TARGET} AND cl.window_start <= %(end)s AND cl.window_end >= %(start)s
                AND (NOT {_LATE_EXTENSION} OR cl.window_start >= %(reaching_start)s)
                AND NOT ({_CLOSED_BEFORE_START})
                AND v.agreed_on <= %(end)s
                AND NOT EXISTS (SELECT 1 FROM plans_planversion later
                                WHERE later.plan_id = v.plan_id AND later.number > v.number
                                  AND later.agreed_on < %(start)s)
                AND NOT EXISTS (SELECT 1 FROM plans_goal copy
                                JOIN plans_planversion cv ON cv.id = copy.version_id
                                WHERE copy.carried_from_id = g.id AND cv.agreed_on <= %(end)s)
            ) x {_AREA}
            GROUP BY pa.provider_id, x.part, x.field_id, x.status"""  # noqa: S608
    ],
}


def _sql_results(params: dict) -> dict[str, list[tuple]]:
    found = {}
    with connection.cursor() as cursor:
        for figure, statements in SQL.items():
            rows = []
            for statement in statements:
                cursor.execute(statement, params)
                rows.extend(tuple(row) for row in cursor.fetchall())
            found[figure] = rows
    return found


def _orm_results(period) -> dict[str, list[tuple]]:
    from reporting.kennzahlen.queries import run
    from reporting.kennzahlen.registry import definition_for

    definition = definition_for(period.year)
    found = {}
    for figure_id in COMPARED:
        figure = definition.by_id[figure_id]
        measure = figure.measure(period)
        rows = [(*key, value) for key, value in run(measure, by_provider=True).items()]
        if not figure.additive:
            rows.extend((value,) for value in run(measure, by_provider=False).values())
        found[figure_id] = rows
    return found


def _normalised(results: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    def clean(value):
        return value.quantize(Decimal("0.01")) if isinstance(value, Decimal) else value

    return {
        key: sorted((tuple(clean(v) for v in row) for row in rows), key=repr)
        for key, rows in results.items()
    }


def _compared() -> tuple[Callable[[], object], Callable[[], object]]:
    from reporting.kennzahlen.queries import Period

    ensure_plan_data()
    kreis, year = _kreis(), _year()
    period = Period(kreis.pk, year)
    params = {
        "kreis": kreis.pk,
        "start": period.start,
        "end": period.end,
        "end_at": period.end_at,
        "days": (period.end - period.start).days + 1,
        # the earliest window start whose three years still reach 31.12. / 01.01.
        "reaching_end": add_years(period.end, -YEARS),
        "reaching_start": add_years(period.start, -YEARS),
    }
    if _normalised(_sql_results(params)) != _normalised(_orm_results(period)):
        raise BenchError("ORM und handgeschriebenes SQL ergeben verschiedene Kennzahlen.")
    return (lambda: _orm_results(period)), (lambda: _sql_results(params))


@benchmark(f"Kennzahlen {', '.join(COMPARED)}: ORM wie in der Tabelle")
def _compared_orm():
    return _compared()[0]


@benchmark(f"Kennzahlen {', '.join(COMPARED)}: handgeschriebenes SQL")
def _compared_sql():
    return _compared()[1]
