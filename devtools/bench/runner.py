"""Benchmarks on a large synthetic data set: server time and SQL queries per page.

The registry, the database guard, the data set and the runner. The cases live in one module
per app beside this one (``devtools.bench.clients``, ``.plans``, …) and register here::

    from devtools.bench.runner import benchmark, get_page

    @benchmark("Berichte: koordination")
    def _reports():
        return get_page("koordination", "/berichte/")

The decorated function is the set-up: it runs once, untimed, and returns the zero-argument
callable that is timed. ``manage.py bench`` runs every case (see ``run_cases``).
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext, override_settings

BENCH_SUFFIX = "_bench"
# imcase_bench, or one per size beside it: imcase_bench150 (150,000 clients)
BENCH_NAME = re.compile(r"_bench\d*$")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# The demo logins of ``devtools.demo``, one per role.
DEMO_USERS = {
    "manager": "Integrationsmanager:in",
    "teamleitung": "Teamleitung",
    "koordination": "Koordinierungsstelle",
    "gemeinde": "Gemeinde",
    "rp": "Regierungspräsidium",
    "admin": "Administration",
}


class BenchError(Exception):
    """The benchmark cannot run (wrong database, a page that does not answer 200)."""


@dataclass(frozen=True)
class BenchCase:
    name: str
    setup: Callable[[], Any]  # runs once, untimed; its result is passed to ``run``
    run: Callable[[Any], Any]  # one timed repetition


@dataclass(frozen=True)
class BenchResult:
    name: str
    median_ms: float
    p90_ms: float
    queries: str  # "12", or "12–14" if the count varies between repetitions


CASES: list[BenchCase] = []
# Pairs of cases whose ratio the table reports (the same result computed two ways).
RATIOS: list[tuple[str, str, str]] = []


def register(case: BenchCase) -> BenchCase:
    if any(existing.name == case.name for existing in CASES):
        raise ValueError(f"Benchmark {case.name!r} ist schon registriert.")
    CASES.append(case)
    return case


def compare(numerator: str, denominator: str, label: str) -> None:
    """Report the ratio of two cases' medians below the table (when both ran) as ``label``."""
    if (numerator, denominator, label) not in RATIOS:
        RATIOS.append((numerator, denominator, label))


def benchmark(name: str) -> Callable[[Callable[[], Callable[[], Any]]], Callable]:
    """Register a set-up function that returns the callable to time."""

    def decorator(setup: Callable[[], Callable[[], Any]]) -> Callable:
        register(BenchCase(name=name, setup=setup, run=lambda timed: timed()))
        return setup

    return decorator


# --- Database guard and data set ----------------------------------------------------------


def ensure_bench_database(conn=connection) -> None:
    """Refuse anything but a dedicated PostgreSQL database whose name ends in ``_bench`` (or
    ``_bench`` and a number, one database per size: ``imcase_bench150``)."""
    name = str(conn.settings_dict.get("NAME") or "")
    if conn.vendor != "postgresql" or not BENCH_NAME.search(name) or name.startswith("test_"):
        raise BenchError(
            "Der Benchmark läuft nur auf einer eigenen PostgreSQL-Datenbank, deren Name auf "
            f"„{BENCH_SUFFIX}“ endet (z. B. DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
            f"imcase_bench). Aktuell: {conn.vendor} „{name}“. Er legt dort viele Testdaten an."
        )


def ensure_data(clients: int, stdout=None, contacts_per_year: float | None = None) -> bool:
    """Build the demo Kreis with ``clients`` clients and a year of consultations unless it is
    there (with COPY, ``devtools.bench.dataset``); True if it was built or completed."""
    from clients.models import Client, Consultation
    from devtools.bench.dataset import build_bench_kreis
    from plans.models import Plan

    users = get_user_model().objects.filter(username__in=DEMO_USERS).count()
    if (
        users == len(DEMO_USERS)
        and Client.objects.count() >= clients
        and Consultation.objects.exists()
        and Plan.objects.exists()
    ):
        return False
    build_bench_kreis(clients, stdout=stdout, contacts_per_year=contacts_per_year)
    vacuum_tables()
    return True


def vacuum_tables() -> None:
    """VACUUM and ANALYZE this database's tables once after the bulk load, as autovacuum would
    do soon after it in production: the measurements see a steady state (visibility map set, so
    an index-only scan is one; planner statistics of all rows written, also those the build
    wrote after its own ANALYZE), not the hour after a bulk load. One pass over each table for
    both (``VACUUM (ANALYZE)``), outside any transaction."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute("VACUUM (ANALYZE) " + quoted)


def data_counts() -> dict[str, int]:
    """Size of the data set, for the report."""
    from clients.models import Client, Consultation, ConsultationParticipant

    return {
        "Klient:innen": Client.objects.count(),
        "Beratungskontakte": Consultation.objects.count(),
        "Teilnahmen": ConsultationParticipant.objects.count(),
    }


# --- Helpers for cases --------------------------------------------------------------------


def logged_in(username: str) -> TestClient:
    """A test client logged in as ``username`` (over HTTPS, so SSL redirects do not apply),
    with both factors as in production (``REQUIRE_2FA`` is on with DEBUG off): the user gets a
    confirmed TOTP device and the session counts as verified with it, so every request pays
    the OTP middleware's device lookup as a real one does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Benchmark", defaults={"confirmed": True}
    )
    client = TestClient(HTTP_HOST="testserver")
    client.force_login(user, backend=MODEL_BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def get_page(username: str, path: str) -> Callable[[], Any]:
    """Set-up helper: the callable that GETs ``path`` as ``username`` and expects a 200."""
    client = logged_in(username)

    def timed():
        response = client.get(path, secure=True)
        if response.status_code != 200:
            raise BenchError(f"GET {path} als {username} ergab HTTP {response.status_code}.")
        return response

    return timed


# --- Running ------------------------------------------------------------------------------


def _percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def measure(case: BenchCase, repeat: int, warmup: int = 2) -> BenchResult:
    state = case.setup()
    for _ in range(warmup):
        case.run(state)
    times: list[float] = []
    counts: list[int] = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            case.run(state)
            times.append((time.perf_counter() - start) * 1000)
        counts.append(len(queries))
    times.sort()
    low, high = min(counts), max(counts)
    return BenchResult(
        name=case.name,
        median_ms=statistics.median(times),
        p90_ms=_percentile(times, 0.9),
        queries=str(low) if low == high else f"{low}–{high}",
    )


def prepare_client_settings() -> AbstractContextManager:
    """Let ``django.test.Client`` through (its host is ``testserver``); without a collected
    static manifest, fall back to the plain static storage (the URL lookup is all that differs).
    """
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    try:
        staticfiles_storage.url("css/imcase.css")
    except ValueError:  # "Missing staticfiles manifest entry": collectstatic has not run
        plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        return override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain})
    return nullcontext()


def run_cases(
    repeat: int, only: str = "", cases: Iterable[BenchCase] | None = None
) -> Iterator[BenchResult]:
    with prepare_client_settings():
        for case in CASES if cases is None else cases:
            if only and only.lower() not in case.name.lower():
                continue
            yield measure(case, repeat)


def format_table(results: list[BenchResult]) -> str:
    header = ("Fall", "Median ms", "p90 ms", "Abfragen")
    rows = [(r.name, f"{r.median_ms:.1f}", f"{r.p90_ms:.1f}", r.queries) for r in results]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

    def line(row):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        return " | ".join(cells)

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows), *format_ratios(results)])


def format_ratios(results: list[BenchResult]) -> list[str]:
    """One line per compared pair that ran: "Verhältnis <label>: 1.80" (of the medians)."""
    medians = {r.name: r.median_ms for r in results}
    found = []
    for numerator, denominator, label in RATIOS:
        if medians.get(numerator) and medians.get(denominator):
            ratio = medians[numerator] / medians[denominator]
            found.append(f"Verhältnis {label}: {ratio:.2f}")
    return ["", *found] if found else []
