"""The demo's clock and dice: the services of the funding procedure and the reporting stamp their
writes with ``django.utils.timezone.now()`` (and ``auto_now_add`` fields, the audit log and
the history do too). The demo calls them through ``at(day, hour)``, which makes ``now()`` return
that moment, so every stamp lies on a fixed day before ``DEMO_TODAY`` and a second build gives
the same values; ``stamps_as_given`` lets one ``bulk_create`` write each row's own moment
of that clock instead. ``stable_codes`` fixes the opaque ``code`` (UUID) the models draw when
a row is created: the demo's rows get the same codes, so the same URLs, in every build.
Only for the demo builder (one thread, inside its own transaction).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models


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


@contextmanager
def stamps_as_given(model: type[models.Model], *names: str) -> Iterator[None]:
    """Within the block the ``auto_now_add``/``auto_now`` fields ``names`` of ``model`` write
    the moment each object carries instead of ``now()``: for a ``bulk_create`` of rows that
    each have their own moment of the demo's clock, which one ``at`` around it cannot give."""
    with ExitStack() as stack:
        for name in names:
            field = model._meta.get_field(name)
            stack.enter_context(mock.patch.object(field, "auto_now_add", False))
            stack.enter_context(mock.patch.object(field, "auto_now", False))
        yield


@contextmanager
def stable_codes(seed: str, models: Iterable) -> Iterator[None]:
    """Within the block, new rows of ``models`` draw their ``code`` from one random stream
    named by ``seed`` instead of ``uuid.uuid4``: the same codes in the same order every build."""
    rng = random.Random(seed)

    def draw() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    with ExitStack() as stack:
        for model in models:
            # Field.get_default() calls the (cached) _get_default; the patch goes on the field.
            field = model._meta.get_field("code")
            stack.enter_context(mock.patch.object(field, "_get_default", draw))
        yield
