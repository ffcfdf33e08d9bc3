"""Access helpers shared by the client views: one way to load what a user may see."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from clients.models import Client, Consultation
from imcase.organisation.access import scope_for


def get_client_or_404(user, code, *, for_update: bool = False) -> Client:
    """The client if the user may see it; 404 otherwise, exactly like a missing one.

    ``for_update`` additionally requires a case worker (manager or team lead)."""
    if for_update and not scope_for(user).is_case_worker:
        raise Http404
    return get_object_or_404(
        Client.objects.visible_to(user).select_related("municipality", "manager", "household"),
        code=code,
    )


def get_consultation_or_404(user, code) -> Consultation:
    return get_object_or_404(Consultation.objects.visible_to(user), code=code)
