"""The nightly run as a whole: idempotent, catches up, safe when two workers start it at once;
the command ``run_deadline_checks``; the beat schedule."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from clients.models import Client
from imcase.alerts.models import Alert, NightlyRun
from imcase.alerts.registry import CHECKS, Check, Finding
from imcase.alerts.services import delete_old_alerts, run_deadline_checks, run_nightly
from imcase.alerts.tasks import run_nightly as nightly_task
from imcase.celery import app as celery_app
from tests.factories import ClientFactory

WINDOW_END = dt.date(2027, 3, 1)  # world.client and world.other_client
AFTER_END = WINDOW_END + dt.timedelta(days=1)


def test_second_run_of_the_same_night_creates_nothing(world):
    ClientFactory.create_batch(5, municipality=world.town, manager=world.owner)
    first = run_deadline_checks(AFTER_END)
    count = Alert.objects.count()

    second = run_deadline_checks(AFTER_END)

    assert first.total_created == count > 0
    assert second.total_created == 0
    assert Alert.objects.count() == count
    assert sum(second.obsolete.values()) == 0


def test_next_night_adds_only_what_is_new(world):
    run_deadline_checks(AFTER_END)
    before = Alert.objects.count()
    ClientFactory(municipality=world.town, manager=world.owner, last_name="Neu")

    result = run_deadline_checks(AFTER_END + dt.timedelta(days=1))

    assert result.created["window_ended"] == 1
    assert Alert.objects.count() == before + result.total_created


def test_alert_marked_done_is_not_raised_again(world):
    run_deadline_checks(AFTER_END)
    Alert.objects.filter(recipient=world.owner).update(status=Alert.Status.DONE)

    result = run_deadline_checks(AFTER_END + dt.timedelta(days=1))

    assert result.created.get("window_ended") == 0
    assert not Alert.objects.filter(recipient=world.owner, status=Alert.Status.OPEN).exists()


def test_obsolete_alert_reopens_when_its_reason_returns(world):
    checks = [CHECKS["window_ended"]]
    run_deadline_checks(AFTER_END, checks)
    Client.objects.filter(pk=world.client.pk).update(manager=world.colleague)
    run_deadline_checks(AFTER_END, checks)
    assert Alert.objects.get(recipient=world.owner).status == Alert.Status.OBSOLETE

    Client.objects.filter(pk=world.client.pk).update(manager=world.owner)
    result = run_deadline_checks(AFTER_END, checks)

    assert Alert.objects.get(recipient=world.owner).status == Alert.Status.OPEN
    assert result.reopened["window_ended"] == 1


def test_run_records_what_it_found_per_day(world):
    result = run_deadline_checks(AFTER_END)

    run = NightlyRun.objects.get(day=AFTER_END)
    assert run.created["window_ended"] == result.created["window_ended"] == 2
    assert run.finished_at >= run.started_at


@pytest.mark.today
def test_old_resolved_alerts_are_deleted_open_ones_kept(world, settings):
    settings.ALERT_KEEP_DAYS = 30
    run_deadline_checks(AFTER_END, [CHECKS["window_ended"]])
    done, kept = Alert.objects.order_by("pk")[:2]
    long_ago = timezone.now() - dt.timedelta(days=40)
    Alert.objects.filter(pk=done.pk).update(status=Alert.Status.DONE, done_at=long_ago)

    assert delete_old_alerts(timezone.localdate()) == 1
    assert list(Alert.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_failing_check_leaves_nothing_half_done(world):
    def broken(ctx):
        yield Finding(world.owner.pk, world.client, AFTER_END, "vorher")
        raise RuntimeError("kaputt")

    with pytest.raises(RuntimeError):
        run_deadline_checks(AFTER_END, [CHECKS["window_ended"], Check("kaputt", "Kaputt", broken)])

    assert not Alert.objects.exists()
    assert not NightlyRun.objects.exists()


# --- two workers at once ------------------------------------------------------------------


def _in_thread(target, results: list, index: int):
    def body():
        try:
            results[index] = target()
        finally:
            connection.close()

    return threading.Thread(target=body)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks need PostgreSQL")
def test_second_worker_skips_while_the_first_one_runs(transactional_db, world):
    entered, release = threading.Event(), threading.Event()

    def slow(ctx):
        entered.set()
        assert release.wait(20)
        yield Finding(world.owner.pk, world.client, AFTER_END, "langsam")

    slow_check = Check("slow", "Langsam", slow)
    results: list = [None, None]
    first = _in_thread(lambda: run_deadline_checks(AFTER_END, [slow_check]), results, 0)
    first.start()
    assert entered.wait(20)
    second = _in_thread(lambda: run_deadline_checks(AFTER_END, [slow_check]), results, 1)
    second.start()
    second.join(20)
    release.set()
    first.join(20)

    assert results[1].skipped
    assert not results[0].skipped
    assert results[0].created == {"slow": 1}
    assert Alert.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks need PostgreSQL")
def test_two_workers_starting_together_store_every_alert_once(transactional_db, world):
    ClientFactory.create_batch(20, municipality=world.town, manager=world.owner)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def start():
        barrier.wait(10)
        return run_deadline_checks(AFTER_END)

    threads = [_in_thread(start, results, i) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    expected = 22 * 1  # every open client in both towns: window ended, Ausleitung missing
    created = sum(r.created.get("window_ended", 0) for r in results if not r.skipped)
    assert created == expected
    assert Alert.objects.filter(kind="window_ended").count() == expected


# --- command ------------------------------------------------------------------------------


def call(*args: str) -> str:
    out = io.StringIO()
    call_command("run_deadline_checks", *args, stdout=out)
    return out.getvalue()


def test_command_prints_new_alerts_per_kind_in_german(world):
    output = call("--today", AFTER_END.isoformat())

    assert "Fristenprüfung für den 02.03.2027:" in output
    assert "Beratungszeitraum beendet, Ausleitung fehlt: 2 neu" in output
    assert "Seit 90 Tagen kein Kontakt: 0 neu" in output


def test_command_run_twice_reports_nothing_new(world):
    call("--today", AFTER_END.isoformat())

    output = call("--today", AFTER_END.isoformat())

    assert "Beratungszeitraum beendet, Ausleitung fehlt: 0 neu" in output
    assert "Insgesamt 0 neue Hinweise" in output


@pytest.mark.today
def test_command_without_date_runs_for_today(world):
    call()

    assert NightlyRun.objects.filter(day=timezone.localdate()).exists()


def test_command_refuses_a_malformed_date(world):
    with pytest.raises(CommandError, match="JJJJ-MM-TT"):
        call("--today", "02.03.2027")


def test_nightly_run_also_mails_the_digest(world, mailoutbox):
    result = run_nightly(AFTER_END)

    # The managers for their clients' windows, the office for the 2026 Kennzahlentabelle
    # that was due on 31 January 2027.
    assert result.emails_sent == 3
    assert {message.to[0] for message in mailoutbox} == {
        world.owner.email,
        world.outsider.email,
        world.office.email,
    }


# --- schedule -------------------------------------------------------------------------------


def test_beat_runs_the_checks_at_two_in_the_morning_berlin_time():
    entry = celery_app.conf.beat_schedule["fristenpruefung"]

    assert entry["task"] == nightly_task.name == "imcase.alerts.tasks.run_nightly"
    assert entry["schedule"].hour == {2}
    assert entry["schedule"].minute == {0}
    assert celery_app.conf.timezone == "Europe/Berlin"


def test_tasks_have_soft_and_hard_time_limits_from_the_settings(settings):
    assert celery_app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert celery_app.conf.task_soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert celery_app.conf.task_soft_time_limit < celery_app.conf.task_time_limit
    assert celery_app.conf.task_acks_late  # a crashed worker's job is delivered again


def test_nightly_task_retries_database_errors_with_back_off():
    from django.db import OperationalError

    assert OperationalError in nightly_task.autoretry_for
    assert nightly_task.retry_backoff and nightly_task.max_retries
