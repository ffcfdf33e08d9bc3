"""The first history entry of the rows the demo writes in bulk."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models


def add_first_versions(
    model: type[models.Model], objs: Sequence[models.Model], batch_size: int = 2000
) -> None:
    """The first version ("+") of each of ``objs`` (saved rows of ``model``), as
    simple_history's ``bulk_history_create`` writes it: dated ``_history_date``, by
    ``_history_user`` (both set on each object), without a change reason. One place, so that
    the bench's bulk loading can write the same entries with COPY (``devtools.bench.dataset``)."""
    model.history.bulk_history_create(objs, batch_size=batch_size)
