"""German date text for messages and alerts (the templates use Django's ``date`` filter)."""

from __future__ import annotations

import datetime as dt

from django.utils.dateformat import format as format_date


def german_date(value: dt.date) -> str:
    """TT.MM.JJJJ, e.g. 31.01.2026."""
    return format_date(value, "d.m.Y")
