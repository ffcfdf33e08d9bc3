"""Template tags of the plans app: goal badges (the plan summary on the client page is in
``plans.client_page``)."""

from __future__ import annotations

from django import template

from plans.models import GoalStatus

register = template.Library()

BADGES = {
    GoalStatus.NEW: "text-bg-light border",
    GoalStatus.AGREED: "text-bg-primary",
    GoalStatus.IN_PROGRESS: "text-bg-info",
    GoalStatus.PAUSED: "text-bg-warning",
    GoalStatus.REACHED: "text-bg-success",
    GoalStatus.PARTLY_REACHED: "text-bg-success",
    GoalStatus.MISSED: "text-bg-danger",
    GoalStatus.DROPPED: "text-bg-secondary",
}


@register.filter
def goal_badge(status: str) -> str:
    """Bootstrap badge classes for a goal status."""
    return BADGES.get(status, "text-bg-secondary")
