"""``manage.py bench`` only ever runs on a dedicated ``…_bench`` PostgreSQL database."""

from __future__ import annotations

import socket
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
    """The list, search, filter, detail, export and login-page cases run against a small demo
    Kreis; the list and search cases first check that the ORM and the hand-written SQL give
    the same rows."""
    from devtools.demo import build_demo

    build_demo(clients=60)
    cases = [c for c in CASES if c.name.startswith(("Klienten", "Suche", "Export", "Anmeldeseite"))]
    assert len(cases) == 11
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


# --- the data set built with COPY ---------------------------------------------------------

# The tables bench.dataset writes with COPY, compared row by row (without keys, foreign keys
# and the moments of writing, which differ between two builds in one database).
BULK_MODELS = (
    "clients.Client",
    "clients.HistoricalClient",
    "clients.Household",
    "clients.ManagerAssignment",
    "clients.WindowExtension",
    "clients.Consultation",
    "clients.HistoricalConsultation",
    "clients.ConsultationParticipant",
    "clients.Referral",
    "clients.HistoricalReferral",
    "plans.Plan",
    "plans.PlanVersion",
    "plans.Goal",
    "plans.Step",
    "plans.Evaluation",
    "plans.IndependenceRating",
)
WRITTEN_AT = {"created_at", "updated_at", "recorded_at"}
# Every table of these apps is compared by its number of rows (the services' writes too).
COUNTED_APPS = ("clients", "plans", "funding", "reporting", "alerts", "audit")


def _comparable(field) -> bool:
    from django.db import models

    return not (
        field.primary_key
        or isinstance(field, models.ForeignKey)
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
        or field.name in WRITTEN_AT  # the histories' copies of the moments of writing
        or field.name == "id"  # the history's copy of the key
        or field.name.endswith("_ids")
    )


def _snapshot() -> dict:
    from collections import Counter

    from django.apps import apps

    from clients.models import Consultation

    snapshot = {}
    for label in BULK_MODELS:
        model = apps.get_model(label)
        names = [f.attname for f in model._meta.concrete_fields if _comparable(f)]
        rows = model._base_manager.values_list(*names)
        if label == "clients.Household":
            # the importer gives the household of the imported list a random code (the demo
            # makes only the clients' codes stable there): compared by its key alone
            rows = [(code if key.startswith("MK-") else None, key) for code, key in rows]
        snapshot[label] = Counter(tuple(map(repr, row)) for row in rows)
    for app in COUNTED_APPS:
        for model in apps.get_app_config(app).get_models():
            snapshot[f"count {model._meta.label}"] = model._base_manager.count()
    # who took part in which contact, and its topics, by Aktenzeichen and contact code
    snapshot["participants"] = sorted(
        Consultation.all_objects.values_list("code", "participants__client__aktenzeichen")
    )
    snapshot["topics"] = sorted(Consultation.all_objects.values_list("code", "topics__name"))
    snapshot["history topics"] = sorted(
        Consultation.history.model.topics.model.objects.values_list("history__code", "topic__name")
    )
    return snapshot


def _built(build) -> dict:
    """Build in a savepoint, take the snapshot, roll back."""
    from django.db import transaction

    with transaction.atomic():
        build()
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


@pytest.mark.today("2026-11-01")
def test_copy_build_writes_the_same_kreis_as_the_demo_builder(db):
    """The bench's COPY build gives exactly the rows of ``build_demo`` (which runs with every
    foreign-key check), and the same again on a second build: deterministic."""
    from devtools.bench.dataset import build_bench_kreis
    from devtools.demo import build_demo

    ordinary = _built(lambda: build_demo(clients=40))
    fast = _built(lambda: build_bench_kreis(40))
    again = _built(lambda: build_bench_kreis(40))

    assert _differences(fast, ordinary) == {}
    assert _differences(again, fast) == {}


def _differences(one: dict, other: dict) -> dict:
    """The entries that differ, with a few rows found only on either side."""
    from collections import Counter

    found = {}
    for key in one.keys() | other.keys():
        a, b = one.get(key), other.get(key)
        if a == b:
            continue
        if isinstance(a, Counter) and isinstance(b, Counter):
            found[key] = (sorted(a - b)[:3], sorted(b - a)[:3])
        else:
            found[key] = (a, b)
    return found


@pytest.mark.today("2026-11-01")
def test_copy_build_has_the_shape_of_the_demo_kreis(db):
    from django.contrib.auth import get_user_model

    from clients.models import (
        Client,
        Consultation,
        ConsultationParticipant,
        ManagerAssignment,
        Referral,
    )
    from devtools.bench.dataset import build_bench_kreis
    from devtools.bench.runner import DEMO_USERS, data_counts
    from devtools.demo.imports import IMPORTED
    from plans.models import Goal, Plan

    build_bench_kreis(60)

    generated = Client.objects.exclude(aktenzeichen__startswith="ZL-")
    assert generated.count() == 60
    assert Client.objects.count() == 60 + IMPORTED
    # each generated client: a first history entry and a dated responsibility since opening
    assert Client.history.filter(history_type="+").count() == Client.objects.count()
    assert ManagerAssignment.objects.filter(client__in=generated).count() == 60
    assert not generated.filter(first_name_skeleton="").exists()
    assert not generated.filter(window_start__isnull=True).exists()
    contacts = Consultation.all_objects.count()
    assert contacts > 60  # about ten per client
    assert Consultation.history.filter(history_type="+").count() == contacts
    assert ConsultationParticipant.all_objects.count() >= contacts
    assert Consultation.all_objects.filter(withdrawn_at__isnull=False).count() == 3
    assert Referral.history.count() == Referral.all_objects.count() > 0
    assert Plan.objects.exists() and Goal.objects.exists()
    counts = data_counts()
    assert counts["Klient:innen"] == 60 + IMPORTED
    assert counts["Beratungskontakte"] == Consultation.objects.count()
    users = get_user_model().objects.filter(username__in=DEMO_USERS)
    assert users.count() == len(DEMO_USERS)


def test_the_guard_accepts_one_bench_database_per_size():
    for name in ("imcase_bench", "imcase_bench150"):
        ensure_bench_database(SimpleNamespace(vendor="postgresql", settings_dict={"NAME": name}))


# --- load mode ----------------------------------------------------------------------------


def test_load_options_are_bounded():
    with pytest.raises(CommandError, match="--seconds"):
        call_command("bench", "--load", "--seconds", "500")


def test_load_run_drives_every_page_on_gunicorn_and_prints_the_table(transactional_db):
    """About two seconds on a tiny Kreis: gunicorn starts on loopback, every page answers 200
    to every request, the table has the floor first and each page beside it, and the server
    is gone afterwards (no figure is asserted). No ``today`` marker: the server process runs
    on the real clock, where the sessions made here must still be valid."""
    from devtools.bench.clients import most_contacts_page
    from devtools.bench.dataset import build_bench_kreis
    from devtools.bench.load import format_load_table, load_pages, run_load

    build_bench_kreis(20)
    lines = []
    results = run_load(1, 2, 0.5, most_contacts_page(), progress=lines.append)

    assert [r.name for r in results] == [p.name for p in load_pages("/")]
    assert all(r.errors == 0 and r.requests > 0 for r in results)
    assert lines[0].startswith("gunicorn läuft auf 127.0.0.1:")
    port = int(lines[0].split(":")[1].split()[0])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # stopped
    table = format_load_table(results).splitlines()
    header = [cell.strip() for cell in table[0].split(" | ")]
    assert header == ["Seite", "Anfragen/s", "Median ms", "p95 ms", "Fehler", "Median ÷ Boden"]
    assert len(table) == 2 + len(results)
    assert table[2].startswith("Anmeldeseite (Boden)") and table[2].rstrip().endswith("—")
    assert all(row.rstrip().endswith("×") for row in table[3:])
