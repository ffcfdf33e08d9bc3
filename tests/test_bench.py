"""``manage.py bench`` only ever runs on a dedicated ``…_bench`` PostgreSQL database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from imcase.web.bench import (
    CASES,
    BenchCase,
    BenchError,
    ensure_bench_database,
    format_table,
    measure,
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
    assert sum(n.startswith("Klientenliste:") for n in names) == 2


def test_measure_and_table(db):
    calls = []
    case = BenchCase("Leerlauf", setup=lambda: "zustand", run=calls.append)
    result = measure(case, repeat=3)

    assert calls == ["zustand"] * 5  # two warm-ups, three timed
    assert result.queries == "0"
    table = format_table([result])
    assert table.splitlines()[0].split(" | ")[0].strip() == "Fall"
    assert "Leerlauf" in table
