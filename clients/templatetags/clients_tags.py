"""Template tags of the clients app: the sections and actions other apps add to the client's
page, and the panel of person and responsibility."""

from __future__ import annotations

from django import template

from clients.assignments import assignable_staff, assignment_history, can_assign, can_take_over
from clients.client_page import client_page_actions, render_client_page_sections
from imcase.organisation.access import scope_for

register = template.Library()


@register.simple_tag
def client_page_sections(user, client, today):
    return render_client_page_sections(user, client, today)


@register.inclusion_tag("clients/_person_panel.html", takes_context=True)
def client_person_panel(context, client):
    """On the client page: edit master data, the household, the responsible manager (assign,
    take over) and its dated history."""
    user = context["user"]
    case_worker = scope_for(user).is_case_worker
    assigning = case_worker and can_assign(user) and client.status == client.Status.OPEN
    return {
        "client": client,
        "case_worker": case_worker,
        "can_assign": assigning,
        "staff": assignable_staff(user) if assigning else [],
        "can_take_over": case_worker and can_take_over(user, client),
        "history": assignment_history(client, limit=5) if case_worker else [],
        "request": context.get("request"),
    }


@register.simple_tag
def registered_client_page_actions(user, client, today):
    """``{% registered_client_page_actions user client today as actions %}``"""
    return client_page_actions(user, client, today)
