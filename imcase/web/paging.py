"""A page of a list and the number of all its rows in one SQL statement.

Django's ``Paginator`` asks the database twice: ``COUNT(*)`` of the whole list, then the
page. For a list that must be computed in full before it can be counted or ordered (the
name search ranks every hit), that is the work done twice. ``counted_page`` reads the page
with ``COUNT(*) OVER ()`` beside every row, so one statement gives both; a page number past
the end (the list got shorter since the link was made) or below 1 is answered with the last
page, as ``Paginator.get_page`` does, at the cost of more statements only then.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "_page_total"


def page_number(value: str | int | None) -> int:
    """The page asked for, read as ``Paginator.get_page`` reads it: not a whole number ("abc",
    missing) is the first page; 0 or less is 0, which no page has (the last page answers)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(number, 0)


def counted_page(queryset: QuerySet, number: str | int | None, per_page: int) -> Page:
    """Page ``number`` of the ordered ``queryset`` (``per_page`` rows) as ``Paginator.get_page``
    returns it, read in one statement with the total."""
    if queryset.query.distinct or queryset.query.combinator:
        # a window counts the rows before DISTINCT / UNION: the two statements then
        return Paginator(queryset, per_page).get_page(number)
    number = page_number(number)
    rows = _page_rows(queryset, number, per_page) if number else []
    if rows:
        total = getattr(rows[0], TOTAL)
    elif number == 1:
        total = 0
    else:  # past the end: the last page
        total = queryset.count()
        number = max(1, -(-total // per_page))
        rows = _page_rows(queryset, number, per_page)
        total = getattr(rows[0], TOTAL) if rows else 0
    paginator = Paginator(queryset, per_page)
    paginator.count = total  # the cached_property, known without a COUNT statement
    return Page(rows, number, paginator)


def _page_rows(queryset: QuerySet, number: int, per_page: int) -> list:
    start = (number - 1) * per_page
    return list(queryset.annotate(**{TOTAL: Window(Count("*"))})[start : start + per_page])
