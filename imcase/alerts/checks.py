"""Nightly checks on the organisation: the Nachqualifizierung of staff without a social work
degree (VwV IntM: start within three months of starting the job, finish within a year).

Alerts go to the team lead(s) of the staff member's team; without one, to the coordinating
office of the Kreis. Checks on clients live in ``clients/checks.py``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from django.db.models import Q

from imcase.alerts.context import CheckContext
from imcase.alerts.registry import Finding, check
from imcase.dates import german_date
from imcase.organisation.models import Role, StaffMember

START_WITHIN_MONTHS = 3
FINISH_WITHIN_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the target month lacks becomes its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _staff_needing_requalification(ctx: CheckContext):
    return (
        StaffMember.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=ctx.today),
            role__in=[Role.MANAGER, Role.TEAM_LEAD],
            qualification=StaffMember.Qualification.OTHER,
            start_date__isnull=False,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )


def _recipients(ctx: CheckContext, staff: StaffMember) -> list[int]:
    leads = [u for u in ctx.team_leads_by_team.get(staff.team_id, []) if u != staff.user_id]
    return leads or ctx.office_by_landkreis.get(staff.landkreis_id, [])


def _name(staff: StaffMember) -> str:
    return staff.user.get_full_name() or staff.user.username


@check("requalification_not_started", "Nachqualifizierung nicht begonnen")
def requalification_not_started(ctx: CheckContext) -> Iterator[Finding]:
    """No start date three months after the first working day."""
    for staff in _staff_needing_requalification(ctx).filter(requalification_started__isnull=True):
        due = add_months(staff.start_date, START_WITHIN_MONTHS)
        if ctx.today <= due:
            continue
        yield from ctx.findings(
            _recipients(ctx, staff),
            subject=staff,
            due_date=due,
            message=f"{_name(staff)} (Beginn {german_date(staff.start_date)}) hat die "
            f"Nachqualifizierung nicht bis {german_date(due)} begonnen.",
            exclude=[staff.user_id],
        )


@check("requalification_not_finished", "Nachqualifizierung nicht abgeschlossen")
def requalification_not_finished(ctx: CheckContext) -> Iterator[Finding]:
    """No finishing date twelve months after the first working day."""
    for staff in _staff_needing_requalification(ctx).filter(requalification_finished__isnull=True):
        due = add_months(staff.start_date, FINISH_WITHIN_MONTHS)
        if ctx.today <= due:
            continue
        yield from ctx.findings(
            _recipients(ctx, staff),
            subject=staff,
            due_date=due,
            message=f"{_name(staff)} (Beginn {german_date(staff.start_date)}) hat die "
            f"Nachqualifizierung nicht bis {german_date(due)} abgeschlossen.",
            exclude=[staff.user_id],
        )
