"""Structured logs (LOG_FORMAT=json): one JSON object per line, from a real process."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import logging
import django
django.setup()
log = logging.getLogger("imcase.probe")
log.warning("Export %s fertig", 7, extra={"rows": 12, "kind": object()})
try:
    1 / 0
except ZeroDivisionError:
    log.exception("Fehler beim Export")
"""


def _run(log_format: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LOG_FORMAT=log_format, DJANGO_SETTINGS_MODULE="imcase.settings")
    return subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_json_logs_are_one_object_per_line_with_extra_fields_and_traceback():
    done = _run("json")
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stderr.strip().splitlines())
    assert first["level"] == "WARNING" and first["logger"] == "imcase.probe"
    assert first["message"] == "Export 7 fertig"
    assert first["rows"] == 12 and first["kind"].startswith("<object object")
    assert dt.datetime.fromisoformat(first["time"]).tzinfo is not None
    assert second["level"] == "ERROR" and "ZeroDivisionError" in second["exception"]


def test_text_logs_stay_plain_and_an_unknown_format_is_refused():
    done = _run("text")
    assert done.returncode == 0 and done.stderr.startswith("Export 7 fertig")
    wrong = _run("xml")
    assert wrong.returncode != 0 and "LOG_FORMAT muss" in wrong.stderr
