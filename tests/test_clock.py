"""The test clock: ``--today`` runs the suite on a given day, ``@pytest.mark.today`` pins a test.

The option is checked end to end: a second pytest process runs the probes below with
``--today`` and prints the day its main thread and a fresh thread (as Django's live server uses)
see.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import TODAY

PROBE = "IMCASE_CLOCK_PROBE"
probe = pytest.mark.skipif(not os.environ.get(PROBE), reason="runs inside the --today test")


def days_seen() -> str:
    seen = {}
    thread = threading.Thread(target=lambda: seen.update(day=timezone.localdate()))
    thread.start()
    thread.join()
    return f"main={timezone.localdate()} thread={seen['day']} date={dt.date.today()}"


@probe
def test_probe_follows_the_option():
    print(f"\nPROBE unpinned {days_seen()}")


@probe
@pytest.mark.today("2026-02-28")
def test_probe_pinned():
    print(f"\nPROBE pinned {days_seen()}")


def test_today_option_moves_every_threads_clock_and_a_pin_wins():
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-s",
            f"{__file__}::test_probe_follows_the_option",
            f"{__file__}::test_probe_pinned",
            "--today=2031-07-04",
        ],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, PROBE: "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PROBE unpinned main=2031-07-04 thread=2031-07-04 date=2031-07-04" in result.stdout
    assert "PROBE pinned main=2026-02-28 thread=2026-02-28 date=2026-02-28" in result.stdout


@pytest.mark.today("2026-02-28")
def test_a_pinned_test_starts_at_ten_in_berlin_and_the_clock_ticks():
    start = timezone.localtime()
    assert (start.date(), start.hour, start.minute) == (dt.date(2026, 2, 28), 10, 0)
    assert str(start.tzinfo) == "Europe/Berlin"
    # Ticking, not standing still: timestamps taken one after another stay in order.
    later = timezone.now()
    while later == start:
        later = timezone.now()
    assert later > start


@pytest.mark.today
def test_a_bare_pin_runs_on_the_factories_day():
    assert timezone.localdate() == TODAY
