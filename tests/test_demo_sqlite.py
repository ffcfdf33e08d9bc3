"""`make run` builds the demo on its embedded SQLite database (every other test runs on
PostgreSQL): the whole build, with a small Kreis, in a process of its own, then the main pages
of each demo login and the cohorts' month arithmetic on SQLite — so a query only PostgreSQL
understands cannot slip into the demo unnoticed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_demo_builds_on_sqlite_and_a_second_run_writes_nothing(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    migrated = _run("migrate", "--noinput", "-v0", env=env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    first = _run("seed_demo", "--clients", "150", env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Wirkungen neu erfasst" in first.stdout
    second = _run("seed_demo", "--clients", "150", env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "0 neu angelegt" in second.stdout

    script = (REPO / "tests" / "demo_sqlite_pages.py").read_text()
    pages = _run("shell", "-c", script, env=env)
    assert pages.returncode == 0, pages.stderr[-3000:]
    checks = [line for line in pages.stdout.splitlines() if line.startswith(("months", "page"))]
    assert len(checks) >= 17, pages.stdout
    assert all(line.endswith(" ok") for line in checks), pages.stdout
