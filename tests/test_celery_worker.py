"""End to end: a real Celery worker on the real Redis runs the nightly job.

The worker is a subprocess (``celery -A imcase worker --pool=solo``) on the test database, so
the test data must be committed (``transactional_db``). It listens on a queue of its own, so
other test runs sharing the Redis database cannot take its message.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from imcase.alerts.models import Alert, NightlyRun
from imcase.alerts.tasks import run_nightly
from imcase.celery import app as celery_app

AFTER_END = dt.date(2027, 3, 2)  # the day after world.client's last counselling day

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db, tmp_path):
    queue = f"imcase-test-{uuid.uuid4().hex}"
    log = (tmp_path / "worker.log").open("w")
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(tmp_path)}
    process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "imcase",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=info",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        # The worker's database connection is gone, so the test database can be flushed.


def test_worker_runs_the_nightly_job_end_to_end(world, worker, tmp_path):
    assert not celery_app.conf.task_always_eager, "the test needs a real broker"

    result = run_nightly.s(AFTER_END.isoformat()).set(queue=worker).delay()
    try:
        outcome = result.get(timeout=120)
    except Exception:
        print((tmp_path / "worker.log").read_text())
        raise

    assert outcome["skipped"] is False
    assert outcome["created"]["window_ended"] == 2
    alerts = Alert.objects.filter(kind="window_ended")
    assert {alert.recipient for alert in alerts} == {world.owner, world.outsider}
    assert NightlyRun.objects.filter(day=AFTER_END).exists()
    # The same night again through the worker: nothing new.
    again = run_nightly.s(AFTER_END.isoformat()).set(queue=worker).delay().get(timeout=120)
    assert sum(again["created"].values()) == 0
    assert alerts.count() == 2
