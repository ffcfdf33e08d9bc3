"""The plans' section of the client's page (see ``clients.client_page``): the current plan,
and a jump to it in the row of actions."""

from __future__ import annotations

from clients.client_page import ClientPageAction, client_page_action, client_page_section
from imcase.organisation.access import scope_for
from plans.queries import current_version, goals_of, status_counts


@client_page_section(order=10)
def plan_summary(user, client, today):
    """The client's current plan in two queries: the version, then its goals."""
    version = current_version(user, client)
    content = goals_of(version, with_details=False) if version else None
    return "plans/_plan_summary.html", {
        "client": client,
        "version": version,
        "plan": version.plan if version else None,
        "content": content,
        "counts": status_counts(content.goals) if content else {},
        "overdue": version.review_overdue(today) if version else False,
        "can_write": scope_for(user).is_case_worker and client.status == "open",
    }


@client_page_action(order=10)
def plan_link(user, client, today):
    """A jump to the plan section further down (no query: the section is always shown)."""
    return ClientPageAction("Integrationsplan", "#integrationsplan")
