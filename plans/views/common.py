"""Access helpers of the plan views: one way to load what a user may see (404 otherwise,
exactly like a missing plan), and the choices loaded once per page."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clients.models import Client, OutcomeKind, RegularService
from clients.outcomes import kinds_offered
from imcase.organisation.access import scope_for
from plans.models import Goal, GoalField, Plan


def get_plan_or_404(user, code) -> Plan:
    """The plan if the user may see its client (404 otherwise)."""
    return get_object_or_404(
        Plan.objects.visible_to(user).select_related(
            "client__municipality", "client__manager", "client__landkreis"
        ),
        code=code,
    )


def get_writable_plan_or_404(user, code) -> Plan:
    """The plan if the user may change it: a case worker who sees its client (404 otherwise)."""
    if not scope_for(user).is_case_worker:
        raise Http404
    return get_plan_or_404(user, code)


def get_goal_or_404(user, code) -> Goal:
    """The goal if the user may see its plan's client (404 otherwise)."""
    return get_object_or_404(
        Goal.objects.filter(version__plan__in=Plan.objects.visible_to(user)).select_related(
            "field", "version__plan__client__municipality", "version__plan__client__manager"
        ),
        code=code,
    )


def get_writable_goal_or_404(user, code) -> Goal:
    """The goal if the user may change it: a case worker who sees its client (404 otherwise)."""
    if not scope_for(user).is_case_worker:
        raise Http404
    return get_goal_or_404(user, code)


def get_writable_client_or_404(user, code) -> Client:
    """The client if the user may start its plan: a case worker who sees it (404 otherwise)."""
    if not scope_for(user).is_case_worker:
        raise Http404
    return get_object_or_404(Client.objects.visible_to(user), code=code)


def can_edit(user, plan: Plan) -> bool:
    """Case workers edit the plans of open cases they see (the scope was checked on load)."""
    return scope_for(user).is_case_worker and plan.client.status == Client.Status.OPEN


def goal_fields(include: GoalField | None = None) -> list[GoalField]:
    fields = list(GoalField.objects.filter(active=True))
    if include is not None and include not in fields:
        fields.append(include)
    return fields


def outcome_kinds() -> list[OutcomeKind]:
    """The outcome kinds an evaluation may record (``clients.outcomes.kinds_offered``)."""
    return kinds_offered(timezone.localdate())


def regular_services() -> list[RegularService]:
    return list(RegularService.objects.filter(active=True))
