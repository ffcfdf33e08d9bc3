"""States of a person *as they were on a day*, read from the dated history, not from today's
values: the municipality he lived in (from the dated moves) and whether his case was closed
(from the case status changes). Expressions for querysets, so counts stay one query.

Reporting (the Kennzahlentabelle of a year) and funding (the lists of a Stichtag) both count
"as on a day"; they use these, so a change dated later never alters a figure of the past.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, IntegerField, OuterRef, Subquery
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce

from clients.models import Move


def _prefix(path: str) -> str:
    return f"{path}__" if path else ""


def municipality_on(day: dt.date, client_path: str = "") -> Expression:
    """The municipality the client lived in at the end of ``day``: his current municipality,
    or, if he moved after ``day``, the one he left with his first move after it (a move on
    ``day`` itself counts: he lived in the new municipality that evening)."""
    client_id = f"{_prefix(client_path)}id" if client_path else "pk"
    later_move = (
        Move.objects.filter(client_id=OuterRef(client_id), moved_on__gt=day)
        .order_by("moved_on", "pk")
        .values("from_municipality_id")[:1]
    )
    return Coalesce(
        Subquery(later_move),
        F(f"{_prefix(client_path)}municipality_id"),
        output_field=IntegerField(),
    )
