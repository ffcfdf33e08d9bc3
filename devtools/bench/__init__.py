"""The benchmark behind ``manage.py bench``: the runner (registry, database guard, data set,
measuring, table) and one module of cases per app, composed here.

Importing this package registers every case, in the order of ``CASE_MODULES``, which is the
order of the rows in the report.
"""

from __future__ import annotations

from importlib import import_module

from devtools.bench.runner import (
    CASES,
    BenchCase,
    BenchError,
    BenchResult,
    benchmark,
    data_counts,
    ensure_bench_database,
    ensure_data,
    format_table,
    get_page,
    measure,
    register,
    run_cases,
)

__all__ = [
    "CASES",
    "CASE_MODULES",
    "BenchCase",
    "BenchError",
    "BenchResult",
    "benchmark",
    "data_counts",
    "ensure_bench_database",
    "ensure_data",
    "format_table",
    "get_page",
    "measure",
    "register",
    "run_cases",
]

# The home page per role first, then the client app, then the apps built on it.
CASE_MODULES = ("web", "clients", "alerts", "funding", "plans", "reporting")

for _module in CASE_MODULES:
    import_module(f"{__name__}.{_module}")
