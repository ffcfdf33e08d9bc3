"""``manage.py bench`` only ever runs on a dedicated ``…_bench`` PostgreSQL database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from devtools.bench import (
    CASES,
    BenchCase,
    BenchError,
    ensure_bench_database,
    format_table,
    measure,
    run_cases,
)


def test_command_refuses_the_test_database():
    with pytest.raises(CommandError, match="_bench"):
        call_command("bench", "--clients", "1", "--repeat", "1")


@pytest.mark.parametrize(
    ("vendor", "name"),
    [
        ("sqlite", "var/imcase_bench.sqlite3"),
        ("postgresql", "imcase"),
        ("postgresql", "imcase_bench_old"),
        ("postgresql", "test_imcase_bench"),
    ],
)
def test_guard_refuses_other_databases(vendor, name):
    conn = SimpleNamespace(vendor=vendor, settings_dict={"NAME": name})
    with pytest.raises(BenchError, match="PostgreSQL"):
        ensure_bench_database(conn)


def test_guard_accepts_a_bench_database():
    ensure_bench_database(SimpleNamespace(vendor="postgresql", settings_dict={"NAME": "x_bench"}))


def test_every_role_and_the_client_lists_are_registered():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    for username in ("manager", "teamleitung", "koordination", "gemeinde", "rp", "admin"):
        assert f"({username})" in " ".join(n for n in names if n.startswith("Start:"))
    lists = [n for n in names if n.startswith("Klientenliste:")]
    assert len(lists) == 4
    assert any("Suche" in n for n in lists) and any("Filter" in n for n in lists)
    assert any(n.startswith("Klientenakte") and "(manager)" in n for n in names)


def test_client_cases_answer_on_the_demo_kreis(db):
    """The list, search, filter and detail cases run against a small demo Kreis; the search
    cases first check that the ORM and the hand-written SQL find the same hits."""
    from devtools.demo import build_demo

    build_demo(clients=60)
    cases = [c for c in CASES if c.name.startswith(("Klienten", "Suche"))]
    results = list(run_cases(1, cases=cases))
    assert [r.name for r in results] == [c.name for c in cases]
    assert all(r.median_ms > 0 for r in results)


def test_measure_and_table(db):
    calls = []
    case = BenchCase("Leerlauf", setup=lambda: "zustand", run=calls.append)
    result = measure(case, repeat=3)

    assert calls == ["zustand"] * 5  # two warm-ups, three timed
    assert result.queries == "0"
    table = format_table([result])
    assert table.splitlines()[0].split(" | ")[0].strip() == "Fall"
    assert "Leerlauf" in table


def test_bench_pages_pass_the_second_factor_as_in_production(db, settings):
    """With DEBUG off ``REQUIRE_2FA`` is on: the bench's users sign in with both factors
    (a page answering the set-up redirect would stop the benchmark with an error)."""
    from devtools.bench.runner import get_page
    from tests.factories import StaffMemberFactory

    settings.REQUIRE_2FA = True
    StaffMemberFactory(user__username="manager")
    get_page("manager", "/klienten/")()  # raises BenchError unless the answer is 200
