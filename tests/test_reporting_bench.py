"""The reporting benchmark cases run on a small demo Kreis, and the ORM figures agree with the
hand-written SQL the benchmark compares them with."""

from __future__ import annotations

import pytest

from devtools import bench
from devtools.bench import reporting as bench_reporting
from devtools.demo.data import DEMO_TODAY

# The demo Kreis is built as of its fixed demo day, so these tests state that day (and
# the later-day runs of `make test` need not build it again).
pytestmark = pytest.mark.today(DEMO_TODAY)


@pytest.fixture
def demo_kreis(db, monkeypatch):
    from devtools.demo import build_demo
    from devtools.demo.plans import build_demo_plans

    build_demo(clients=80)
    build_demo_plans(2026)
    # The real set-up refuses any database but a ``…_bench`` one and tops up to 150,000 goals.
    monkeypatch.setattr(bench_reporting, "ensure_plan_data", lambda: None)


def test_the_reporting_cases_are_registered_once():
    names = [case.name for case in bench.CASES]
    ours = [n for n in names if n.startswith(("Kennzahl", "Übersicht"))]
    assert len(ours) == len(set(ours)) == 7
    assert any("handgeschriebenes SQL" in n for n in ours)


def test_the_reporting_cases_answer_and_orm_and_sql_agree(demo_kreis):
    from plans.models import Goal

    assert Goal.objects.exists()
    cases = [c for c in bench.CASES if c.name.startswith(("Kennzahl", "Übersicht"))]
    results = list(bench.run_cases(1, cases=cases))  # the SQL case's set-up compares both
    assert [r.name for r in results] == [c.name for c in cases]


def test_the_comparison_notices_a_difference(demo_kreis, monkeypatch):
    from devtools.bench import kennzahlen_sql

    contacts = kennzahlen_sql.CONTACTS.replace("COUNT(*) AS contacts", "COUNT(*) + 1 AS contacts")
    assert contacts != kennzahlen_sql.CONTACTS
    monkeypatch.setitem(kennzahlen_sql.STATEMENTS, "Kontakte", contacts)
    with pytest.raises(bench.BenchError, match="verschiedene Kennzahlen: K01"):
        bench_reporting._compared()


def test_the_table_reports_the_ratio_of_orm_and_sql():
    from devtools.bench.runner import BenchResult, format_table

    results = [
        BenchResult(bench_reporting.ORM_CASE, 300.0, 310.0, "61"),
        BenchResult(bench_reporting.SQL_CASE, 120.0, 125.0, "4"),
    ]
    last = format_table(results).splitlines()[-1]
    assert last == "Verhältnis Kennzahlentabelle ORM ÷ handgeschriebenes SQL: 2.50"
    assert "Verhältnis" not in format_table(results[:1])
