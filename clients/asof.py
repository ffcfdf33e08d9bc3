"""States of a person *as they were on a day*, read from the dated history, not from today's
values: the municipality he lived in (the dated moves), whether his case was closed (the case
status changes) and how long his counselling window ran (an extension counts from the day it
was approved). Expressions and conditions for querysets, so counts stay one query.

Reporting (the Kennzahlentabelle of a year) and funding (the lists of a Stichtag) both count
"as on a day"; they use these, so a change dated later never alters a figure of the past.
Rows written before the history was kept (or by a bulk import) have no history rows; then
today's values stand in, read as of the day (a closing date after the day is not a closing
yet).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from clients.models import CaseStatusChange, Client, Move, WindowExtension
from clients.models.client import ResidenceStatus
from clients.window import EXTENSION_YEARS, YEARS, add_years

CLOSED = Client.Status.CLOSED
OPEN = Client.Status.OPEN


def _prefix(path: str) -> str:
    return f"{path}__" if path else ""


def _client_ref(client_path: str) -> OuterRef:
    return OuterRef(f"{_prefix(client_path)}id" if client_path else "pk")


def municipality_on(day: dt.date, client_path: str = "") -> Expression:
    """The municipality the client lived in at the end of ``day``: his current municipality,
    or, if he moved after ``day``, the one he left with his first move after it (a move on
    ``day`` itself counts: he lived in the new municipality that evening)."""
    later_move = (
        Move.objects.filter(client_id=_client_ref(client_path), moved_on__gt=day)
        .order_by("moved_on", "pk")
        .values("from_municipality_id")[:1]
    )
    return Coalesce(
        Subquery(later_move),
        F(f"{_prefix(client_path)}municipality_id"),
        output_field=IntegerField(),
    )


def recorded_on(field: str, day: dt.date, output_field, client_path: str = "") -> Expression:
    """A field of the person without a date of its own (the residence status), as recorded at
    the end of ``day``: from the person's change history, the latest version saved by then;
    the first version counts from the beginning (a person entered later, with earlier dates,
    is read as first entered); without history, today's value."""
    end_of_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    then = (
        Client.history.filter(id=_client_ref(client_path))
        .filter(Q(history_date__lt=end_of_day) | Q(history_type="+"))
        .order_by("-history_date", "-history_id")
        .values(field)[:1]
    )
    return Coalesce(Subquery(then), F(f"{_prefix(client_path)}{field}"), output_field=output_field)


# --- case status ------------------------------------------------------------------------------


def _latest_change(client_path: str, **on) -> Subquery:
    return CaseStatusChange.objects.filter(client_id=_client_ref(client_path), **on).order_by(
        "-valid_from", "-pk"
    )


def case_status_on(day: dt.date, client_path: str = "") -> Expression:
    """``open`` or ``closed`` at the end of ``day``."""
    p = _prefix(client_path)
    latest = _latest_change(client_path, valid_from__lte=day).values("status")[:1]
    today = Case(When(**{f"{p}closed_on__lte": day}, then=Value(CLOSED)), default=Value(OPEN))
    return Coalesce(Subquery(latest), today, output_field=CharField())


def closed_on_as_of(day: dt.date, client_path: str = "") -> Expression:
    """The date of the closing in force at the end of ``day`` (with ``case_status_on``)."""
    latest = _latest_change(client_path, valid_from__lte=day).values("valid_from")[:1]
    return Coalesce(
        Subquery(latest), F(f"{_prefix(client_path)}closed_on"), output_field=DateField()
    )


def closed_reason_as_of(day: dt.date, client_path: str = "") -> Expression:
    latest = _latest_change(client_path, valid_from__lte=day).values("reason")[:1]
    return Coalesce(
        Subquery(latest), F(f"{_prefix(client_path)}closed_reason"), output_field=CharField()
    )


def closed_before_q(day: dt.date, client_path: str = "") -> Q:
    """The case was closed at the end of the day before ``day`` (a closing on ``day`` itself
    does not count yet)."""
    return Q(Exact(case_status_on(day - dt.timedelta(days=1), client_path), CLOSED))


def reopened_between_q(start: dt.date, end: dt.date, client_path: str = "") -> Q:
    return Q(
        Exists(
            CaseStatusChange.objects.filter(
                client_id=_client_ref(client_path), status=OPEN, valid_from__range=(start, end)
            )
        )
    )


# --- counselling window -----------------------------------------------------------------------


def _earliest_start_reaching(day: dt.date, years: int = YEARS) -> dt.date:
    """The earliest window start whose window of ``years`` still contains ``day``."""
    start = add_years(day, -years)
    return start if add_years(start, years) >= day else start + dt.timedelta(days=1)


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _approved(client_path: str, **decided) -> Exists:
    return Exists(
        WindowExtension.objects.filter(
            client_id=_client_ref(client_path),
            decision=WindowExtension.Decision.APPROVED,
            **decided,
        )
    )


def window_reaches_q(day: dt.date, known_on: dt.date | None = None, client_path: str = "") -> Q:
    """The stored last counselling day, as known at the end of ``known_on`` (default: ``day``),
    is ``day`` or later: an extension approved after ``known_on`` does not lengthen it yet."""
    p = _prefix(client_path)
    approved_later = _approved(client_path, decided_at__gte=_end_of(known_on or day))
    return Q(**{f"{p}window_end__gte": day}) & (
        ~Q(approved_later) | Q(**{f"{p}window_start__gte": _earliest_start_reaching(day)})
    )


def window_covers_q(
    started_by: dt.date, reaches: dt.date, known_on: dt.date, client_path: str = ""
) -> Q:
    """In the target group with a counselling window, as known at the end of ``known_on``,
    that started by ``started_by`` and whose last day is ``reaches`` or later.

    Assigned to AU: the stored window (from the assignment date). A § 24 person without an
    assignment: the window from case opening while his residence status, as recorded then,
    was § 24 — so a later change of status (which clears the stored window) leaves the past
    as it was.
    """
    p = _prefix(client_path)
    assigned = Q(
        **{f"{p}assignment_date__isnull": False, f"{p}window_start__lte": started_by}
    ) & window_reaches_q(reaches, known_on, client_path)
    status_then = recorded_on("residence_status", known_on, CharField(), client_path)
    approved_by_then = _approved(client_path, decided_at__lt=_end_of(known_on))
    ukraine = (
        Q(**{f"{p}assignment_date__isnull": True, f"{p}opened_on__lte": started_by})
        & Q(Exact(status_then, ResidenceStatus.UKRAINE))
        & (
            Q(**{f"{p}opened_on__gte": _earliest_start_reaching(reaches)})
            | (
                Q(approved_by_then)
                & Q(
                    **{
                        f"{p}opened_on__gte": _earliest_start_reaching(
                            reaches, YEARS + EXTENSION_YEARS
                        )
                    }
                )
            )
        )
    )
    return assigned | ukraine
