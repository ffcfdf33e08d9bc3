"""Structured logs: one JSON object per line, for a log collector (``LOG_FORMAT=json``).

Fields: ``time`` (ISO 8601 with offset), ``level``, ``logger``, ``message``, the process and
thread, ``exception`` with the traceback if there is one, and any ``extra`` the caller passed
that JSON can hold (others as their ``repr``). Log messages in imcase never carry personal
data (names, Aktenzeichen stay in the audit log), so neither do these lines.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created)
            .astimezone()
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
            "thread": record.threadName,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                try:
                    json.dumps(value)
                except (TypeError, ValueError):
                    value = repr(value)
                entry[key] = value
        return json.dumps(entry, ensure_ascii=False)
