"""Review dates of a plan: the default next review is the agreement date moved by
``PLAN_REVIEW_MONTHS`` months (same day of the month, or the month's last day if it has none:
31.08. + 6 months = 28.02. or 29.02.)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_review_date(agreed_on: dt.date, months: int | None = None) -> dt.date:
    """The review date proposed for a plan agreed on ``agreed_on``."""
    return add_months(agreed_on, settings.PLAN_REVIEW_MONTHS if months is None else months)
