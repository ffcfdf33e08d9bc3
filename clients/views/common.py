"""Access helpers shared by the client views: one way to load what a user may see."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from clients.models import Client, Consultation
from imcase.organisation.access import scope_for


def get_client_or_404(user, code) -> Client:
    """The client if the user may see it; 404 otherwise, exactly like a missing one."""
    return get_object_or_404(
        Client.objects.visible_to(user).select_related("municipality", "manager", "household"),
        code=code,
    )


def get_writable_client_or_404(user, code) -> Client:
    """The client if the user may change the case: a case worker (manager or team lead) who
    sees the client. 404 for anyone else, exactly like a missing client."""
    if not scope_for(user).is_case_worker:
        raise Http404
    return get_client_or_404(user, code)


def get_consultation_or_404(user, code, withdrawn: bool = False) -> Consultation:
    """The contact if the user may see it; a withdrawn one only if ``withdrawn`` (its page)."""
    contacts = Consultation.all_objects if withdrawn else Consultation.objects
    return get_object_or_404(contacts.visible_to(user), code=code)
