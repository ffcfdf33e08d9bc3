"""The section "Wirkungen" of the client's page and its action "Wirkung erfassen", registered
in the client-page registry (``clients.client_page``) like the sections of other apps; imported
from ``ClientsConfig.ready`` (the clients app's own ``client_page`` module is the registry)."""

from __future__ import annotations

from django.urls import reverse

from clients.client_page import ClientPageAction, client_page_action, client_page_section
from clients.models import OutcomeEvent
from imcase.organisation.access import scope_for


@client_page_section(order=20)
def outcomes(user, client, today):
    """The person's outcomes recorded at the user's provider, withdrawn ones marked (one
    query)."""
    if not scope_for(user).is_case_worker:
        return None
    rows = list(
        OutcomeEvent.objects.visible_to(user)
        .filter(client=client)
        .select_related("kind", "withdrawn_by")
        .order_by("-started_on", "-pk")
    )
    return "clients/_outcomes.html", {
        "client": client,
        "outcomes": rows,
        "counted": sum(1 for row in rows if row.withdrawn_at is None),
    }


@client_page_action(order=20)
def record_outcome_link(user, client, today):
    if not scope_for(user).is_case_worker:
        return None
    return ClientPageAction(
        "Wirkung erfassen", reverse("clients:outcome_create", args=[client.code])
    )
