"""The demo's clock: the services of the funding procedure and the reporting stamp their
writes with ``django.utils.timezone.now()`` (and ``auto_now_add`` fields, the audit log and
the history do too). The demo calls them through ``at(day, hour)``, which makes ``now()`` return
that moment, so every stamp lies on a fixed day before ``DEMO_TODAY`` and a second build gives
the same values. Only for the demo builder (one thread, inside its own transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings


def moment(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour:minute`` local time, as the aware UTC datetime ``now()`` returns."""
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(dt.UTC)


@contextmanager
def at(day: dt.date, hour: int = 10, minute: int = 0) -> Iterator[dt.datetime]:
    """Within the block ``timezone.now()`` (and so ``localdate()``) is ``day`` at that time."""
    fixed = moment(day, hour, minute)
    with mock.patch("django.utils.timezone.now", return_value=fixed):
        yield fixed
