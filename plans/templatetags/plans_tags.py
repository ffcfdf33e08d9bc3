"""Template tags of the plans app: the plan summary on the client page and goal badges."""

from __future__ import annotations

from django import template

from imcase.organisation.access import scope_for
from plans.models import GoalStatus
from plans.queries import current_version, goals_of, status_counts

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


@register.inclusion_tag("plans/_plan_summary.html")
def plan_summary(user, client, today):
    """The client's current plan in two queries: the version, then its goals."""
    version = current_version(user, client)
    content = goals_of(version, with_details=False) if version else None
    return {
        "client": client,
        "version": version,
        "plan": version.plan if version else None,
        "content": content,
        "counts": status_counts(content.goals) if content else {},
        "overdue": version.review_overdue(today) if version else False,
        "can_write": scope_for(user).is_case_worker and client.status == "open",
    }
