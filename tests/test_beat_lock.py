"""One beat sends the nightly jobs, however many are started: celery-redbeat keeps the schedule
and a lock in Redis (no schedule file on a local disk). A second beat waits for the lock as a
standby and takes over when the first stops."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from imcase.celery import NIGHTLY_SCHEDULE

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")


def _start_beat(workdir: Path, env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    workdir.mkdir()
    log = workdir / "beat.log"
    process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
        [sys.executable, "-m", "celery", "-A", "imcase", "beat", "--loglevel=debug"],
        cwd=workdir,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return process, log


def _wait_for(log: Path, text: str, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return True
        time.sleep(0.2)
    return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_second_beat_stands_by_until_the_first_stops(tmp_path):
    prefix = f"beatlock-{uuid.uuid4().hex[:12]}-"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(settings.BASE_DIR)),
        "CELERY_QUEUE_PREFIX": prefix,
        "BEAT_INTERVAL_SECONDS": "2",
    }
    first, first_log = _start_beat(tmp_path / "beat-1", env)
    second = None
    try:
        assert _wait_for(first_log, "beat: Acquired lock"), first_log.read_text()
        second, second_log = _start_beat(tmp_path / "beat-2", env)
        assert _wait_for(second_log, "beat: Acquiring lock"), second_log.read_text()
        time.sleep(2)
        assert "beat: Acquired lock" not in second_log.read_text()

        store = redis.Redis.from_url(os.environ["REDIS_URL"])
        keys = {key.decode() for key in store.keys(f"{prefix}redbeat:*")}
        assert {f"{prefix}redbeat:{name}" for name in NIGHTLY_SCHEDULE} <= keys
        assert not list(tmp_path.rglob("celerybeat-schedule*"))  # nothing on a local disk

        _stop(first)
        assert _wait_for(second_log, "beat: Acquired lock"), second_log.read_text()
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
        store = redis.Redis.from_url(os.environ["REDIS_URL"])
        for key in store.keys(f"{prefix}*"):
            store.delete(key)
