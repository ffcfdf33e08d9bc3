"""Figures without waiting: the Kennzahlen page serves a stored computation marked with its
time, current only while nothing it was computed from has changed; a stale table is shown
marked while it is computed again; downloads and the annual report never use stale figures."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from imcase.celery import app as celery_app
from imcase.organisation.models import Provider, Role
from reporting import input_version, stored
from reporting.kennzahlen.table import compute_table, fingerprint
from reporting.models import StoredTable
from tests.conftest import _staff
from tests.factories import ClientFactory, ConsultationFactory, LandkreisFactory, ProviderFactory

YEAR = 2025
pytestmark = pytest.mark.today("2026-01-20")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def eager():
    """Set whether tasks run inline (as without a broker); restored afterwards."""
    before = celery_app.conf.task_always_eager

    def set_eager(value: bool) -> None:
        celery_app.conf.task_always_eager = value

    yield set_eager
    celery_app.conf.task_always_eager = before


@pytest.fixture
def worker_absent(monkeypatch, eager):
    """The broker takes the job but no worker runs it yet (the test runs it by hand)."""
    queued: list[int] = []
    eager(False)
    monkeypatch.setattr(
        "imcase.exports.services.enqueue_or_fail",
        lambda task, object_id, what, on_unreachable: queued.append(object_id),
    )
    return queued


class _CommitAtOnce:
    """``transaction`` for ``reporting.stored``: the test's transaction is never committed, so
    the on-commit hook (queueing the computation) runs at once, as after a committed request."""

    atomic = staticmethod(transaction.atomic)

    @staticmethod
    def on_commit(callback, using=None, robust=False):
        callback()


@pytest.fixture(autouse=True)
def _commit_at_once(monkeypatch):
    monkeypatch.setattr(stored, "transaction", _CommitAtOnce)


def _page(client, user, year=YEAR, provider=None) -> str:
    client.force_login(user)
    query = f"?jahr={year}" + (f"&traeger={provider.pk}" if provider else "")
    response = client.get(reverse("reporting:figures") + query, secure=True)
    assert response.status_code == 200
    return response.content.decode()


def _z01(world) -> int:
    return compute_table(world.landkreis, YEAR).value("Z01")


# --- The fingerprint ------------------------------------------------------------------------


def test_the_input_version_moves_with_every_kind_of_write(world):
    start = input_version.current()
    client = ClientFactory(municipality=world.town, last_name="Neu")
    after_insert = input_version.current()
    assert after_insert > start
    Client.objects.filter(pk=client.pk).update(first_name="Nur")  # bulk, no signal
    after_update = input_version.current()
    assert after_update > after_insert
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clients_client WHERE id = %s", [client.pk])  # raw SQL
    assert input_version.current() > after_update


def test_reading_and_auditing_do_not_move_it(world, client):
    _page(client, world.office)
    before = input_version.current()
    _page(client, world.office)  # audited read, a session write, a stored table read
    assert input_version.current() == before


def test_every_input_table_has_the_trigger(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = %s",
            [input_version.TRIGGER],
        )
        covered = {row[0] for row in cursor.fetchall()}
    assert set(input_version.input_tables()) <= covered
    assert "clients_consultation" in covered and "organisation_staffmember" in covered
    assert not any("historical" in table for table in covered)


# --- Stored, current, stale -------------------------------------------------------------------


def test_a_stored_table_gives_back_exactly_the_computed_figures(world):
    ConsultationFactory(client=world.client, provider=world.provider, date=dt.date(2025, 5, 6))
    table, row = stored.compute_and_store(world.landkreis, YEAR)
    again = stored.from_payload(StoredTable.objects.get(pk=row.pk))
    assert (
        fingerprint(again)
        == fingerprint(table)
        == fingerprint(compute_table(world.landkreis, YEAR))
    )
    assert again.value("K01") == 1


def test_the_first_visit_computes_and_the_next_ones_serve_the_stored_table(world, client):
    html = _page(client, world.office)
    row = StoredTable.objects.get(landkreis=world.landkreis, year=YEAR, provider=None)
    assert row.status == StoredTable.Status.DONE
    assert f"Stand: {row.computed_at.astimezone().strftime('%d.%m.%Y, %H:%M')} Uhr" in html
    assert "aktuell" in html and "Neu berechnen" in html

    with CaptureQueriesContext(connection) as served:
        _page(client, world.office)
    with CaptureQueriesContext(connection) as computed:
        compute_table(world.landkreis, YEAR)
    # The stored page runs none of the figures' queries.
    assert len(served) < len(computed)
    assert not any("clients_consultation" in q["sql"] for q in served.captured_queries)
    assert StoredTable.objects.get(pk=row.pk).computed_at == row.computed_at


def test_a_change_makes_the_table_stale_and_the_worker_brings_it_up_to_date(
    world, client, worker_absent
):
    _page(client, world.office)
    before = _z01(world)
    ClientFactory(
        municipality=world.town, last_name="Neuzugang", assignment_date=dt.date(2025, 2, 1)
    )

    html = _page(client, world.office)
    assert "Die Daten haben sich seit diesem Stand geändert" in html
    assert 'id="stand-progress"' in html and "js/kennzahlen.js" in html
    assert "Endgültig abgeben" not in html  # no submission from a stale view
    row = StoredTable.objects.get(landkreis=world.landkreis, year=YEAR, provider=None)
    assert row.status == StoredTable.Status.RUNNING
    assert worker_absent == [row.pk]
    assert stored.from_payload(row).value("Z01") == before  # the old figures, marked

    _page(client, world.office)
    assert worker_absent == [row.pk]  # a second visit does not queue a second run

    stored.recompute(row.pk)  # what the worker does
    html = _page(client, world.office)
    assert "Die Daten haben sich seit diesem Stand geändert" not in html
    assert "Endgültig abgeben" in html
    row.refresh_from_db()
    assert row.status == StoredTable.Status.DONE and row.progress == 100
    assert stored.from_payload(row).value("Z01") == before + 1 == _z01(world)


def test_without_a_worker_the_stale_table_is_computed_in_the_request(world, client, eager):
    eager(True)
    _page(client, world.office)
    ClientFactory(
        municipality=world.town, last_name="Neuzugang", assignment_date=dt.date(2025, 2, 1)
    )
    html = _page(client, world.office)
    assert "Die Daten haben sich seit diesem Stand geändert" not in html
    row = StoredTable.objects.get(landkreis=world.landkreis, year=YEAR, provider=None)
    assert stored.from_payload(row).value("Z01") == _z01(world)


def test_the_running_year_is_computed_again_on_the_next_day(world):
    _table, row = stored.compute_and_store(world.landkreis, 2026, today=dt.date(2026, 1, 20))
    assert stored.is_current(row, dt.date(2026, 1, 20))
    assert not stored.is_current(row, dt.date(2026, 1, 21))
    _table, past = stored.compute_and_store(world.landkreis, YEAR, today=dt.date(2026, 1, 20))
    assert stored.is_current(past, dt.date(2026, 1, 21))  # a past year depends on data only


def test_a_table_of_another_definition_version_is_never_shown(world, client):
    _table, row = stored.compute_and_store(world.landkreis, YEAR)
    StoredTable.objects.filter(pk=row.pk).update(definition_version="1999.1")
    _page(client, world.office)
    row.refresh_from_db()
    assert row.definition_version != "1999.1"
    assert stored.is_current(row, dt.date(2026, 1, 20))


def test_the_download_never_hands_out_stale_figures(world, worker_absent):
    stored.compute_and_store(world.landkreis, YEAR)
    ClientFactory(
        municipality=world.town, last_name="Neuzugang", assignment_date=dt.date(2025, 2, 1)
    )
    table = stored.current_table(world.landkreis, YEAR)
    assert table.value("Z01") == _z01(world)
    assert worker_absent == []  # computed right away, not queued


# --- Neu berechnen, scope ------------------------------------------------------------------


def test_neu_berechnen_queues_a_computation_and_shows_its_progress(world, client, worker_absent):
    _page(client, world.office)
    response = client.post(reverse("reporting:figures_recompute", args=[YEAR]), secure=True)
    assert response.status_code == 302
    row = StoredTable.objects.get(landkreis=world.landkreis, year=YEAR, provider=None)
    assert row.status == StoredTable.Status.RUNNING and worker_absent == [row.pk]
    status = client.get(reverse("reporting:figures_status", args=[YEAR]), secure=True).json()
    assert status["status"] == "running"
    stored.recompute(row.pk)
    status = client.get(reverse("reporting:figures_status", args=[YEAR]), secure=True).json()
    assert status == {"status": "done", "progress": 100, "current": True, "error": ""}


def test_a_manager_sees_and_recomputes_only_the_own_providers_table(world, client, worker_absent):
    html = _page(client, world.owner)
    assert "Stand:" in html
    assert StoredTable.objects.filter(provider=world.provider, year=YEAR).exists()
    client.force_login(world.owner)
    client.post(
        reverse("reporting:figures_recompute", args=[YEAR]),
        {"traeger": world.other_provider.pk},
        secure=True,
    )
    # The manager's scope fixes the provider: the request recomputes the own table only.
    assert not StoredTable.objects.filter(provider=world.other_provider).exists()
    assert StoredTable.objects.get(provider=world.provider, year=YEAR).status == "running"


def test_an_office_of_another_kreis_gets_404_for_status_and_recompute(world, client):
    other_kreis = LandkreisFactory(name="Landkreis Anderswo")
    stranger = _staff(
        "fremdes-amt", role=Role.OFFICE, provider=ProviderFactory(landkreis=other_kreis)
    )
    stored.compute_and_store(world.landkreis, YEAR, world.provider)
    client.force_login(stranger)
    url = reverse("reporting:figures_status", args=[YEAR]) + f"?traeger={world.provider.pk}"
    assert client.get(url, secure=True).status_code == 404
    response = client.post(
        reverse("reporting:figures_recompute", args=[YEAR]),
        {"traeger": world.provider.pk},
        secure=True,
    )
    assert response.status_code == 404
    assert StoredTable.objects.get(provider=world.provider).status == "done"


# --- After the nightly run ---------------------------------------------------------------------


def test_precompute_stores_the_running_and_the_previous_year_once(world):
    today = dt.date(2026, 1, 20)
    count = stored.precompute_all(today)
    rows = StoredTable.objects.filter(landkreis=world.landkreis)
    providers = Provider.objects.filter(landkreis=world.landkreis).count()
    assert count == rows.count() == 2 * (1 + providers)  # the Kreis and each provider, 2 years
    assert {row.year for row in rows} == {2025, 2026}
    assert all(stored.is_current(row, today) for row in rows)
    assert stored.precompute_all(today) == 0  # nothing changed, nothing computed
    with time_machine.travel(dt.datetime(2026, 1, 21, 2, 30), tick=False):
        # the next night: only the running year's tables are computed again
        assert stored.precompute_all(dt.date(2026, 1, 21)) == rows.filter(year=2026).count()


# --- The dashboard ---------------------------------------------------------------------------


def _dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("reporting:dashboard"), secure=True)
    assert response.status_code == 200
    return response.content.decode()


def _charts_of(user, today=dt.date(2026, 1, 20)):
    from reporting.dashboard import Dashboard, Filters
    from reporting.scoping import figures_scope_or_404

    return Dashboard(figures_scope_or_404(user), Filters(year=today.year), today).charts()


def test_the_dashboard_is_computed_once_and_again_after_any_change(world, client):
    first = _dashboard(client, world.office)
    assert "Berechnet am" in first
    with CaptureQueriesContext(connection) as served:
        again = _dashboard(client, world.office)
    stamp = first[first.index("Berechnet am") :][:40]
    assert stamp in again  # the same stored computation
    assert not any("clients_consultation" in q["sql"] for q in served.captured_queries)

    ConsultationFactory(client=world.client, provider=world.provider, date=dt.date(2026, 1, 12))
    with CaptureQueriesContext(connection) as recomputed:
        _dashboard(client, world.office)
    assert any("clients_consultation" in q["sql"] for q in recomputed.captured_queries)


def test_stored_dashboards_are_kept_apart_by_scope(world, client):
    ConsultationFactory(client=world.client, provider=world.provider, date=dt.date(2026, 1, 12))
    for user in (world.owner, world.outsider, world.office):
        _dashboard(client, user)
    board_keys = set()
    for user in (world.owner, world.outsider, world.office):
        from reporting.dashboard import Dashboard, Filters
        from reporting.scoping import figures_scope_or_404

        board = Dashboard(figures_scope_or_404(user), Filters(year=2026), dt.date(2026, 1, 20))
        charts, _at = stored.dashboard_charts(board, dt.date(2026, 1, 20))
        assert [c.rows for c in charts] == [c.rows for c in _charts_of(user)]
        board_keys.add(stored._dashboard_key(board, dt.date(2026, 1, 20), 0))
    assert len(board_keys) == 3


def test_precompute_warms_the_offices_dashboard(world, client):
    stored.precompute_all(dt.date(2026, 1, 20))
    with CaptureQueriesContext(connection) as served:
        _dashboard(client, world.office)
    assert not any("clients_consultation" in q["sql"] for q in served.captured_queries)
