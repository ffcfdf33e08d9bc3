"""Whose data each client page shows, for the audit log (``imcase.audit.reads``).

Each function gets the request and the URL's arguments after the view answered 200 (the user
may see what it names) and returns what the page showed: the person, the participants of a
contact, or, for a list, the user's Kreis with the filters used (one entry per request, like
the export). ``clients/urls.py`` ties them to the URL patterns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from clients.consultation_history import former_participant_ids
from clients.handover import notes_written_by
from clients.models import Client, Consultation, OutcomeEvent
from imcase.audit.reads import Shown
from imcase.dates import german_date
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis


def client(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """The person named by ``code`` in the URL."""
    person = Client.objects.visible_to(request.user).get(code=kwargs["code"])
    return [Shown(person, person.aktenzeichen)]


def household(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """The person and every member of his household the user may see (the page names them)."""
    person = Client.objects.visible_to(request.user).get(code=kwargs["code"])
    if person.household_id is None:
        return [Shown(person, person.aktenzeichen)]
    members = (
        Client.objects.visible_to(request.user)
        .filter(household_id=person.household_id)
        .order_by("pk")
    )
    return [Shown(member, member.aktenzeichen) for member in members]


def contact_participants(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """Every participant of the contact: the page names them all, with the note."""
    contact = Consultation.all_objects.visible_to(request.user).get(code=kwargs["code"])
    # The change history names former participants the user sees, too.
    former = Client.objects.visible_to(request.user).filter(pk__in=former_participant_ids(contact))
    participants = (
        Client.objects.filter(
            Q(participations__consultation=contact) | Q(pk__in=former.values("pk"))
        )
        .distinct()
        .order_by("pk")
    )
    read = f"Kontakt vom {german_date(contact.date)}: Notiz, Beteiligte, Vermittlungen, Verlauf"
    return [
        Shown(person, person.aktenzeichen, {"read": read, "contact": str(contact.code)})
        for person in participants
    ]


def outcome_client(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """The person whose outcome the page shows (with its history)."""
    outcome = (
        OutcomeEvent.objects.visible_to(request.user)
        .select_related("client", "kind")
        .get(code=kwargs["code"])
    )
    read = f"Wirkung: {outcome.kind.name}, Verlauf"
    return [
        Shown(
            outcome.client,
            outcome.client.aktenzeichen,
            {"read": read, "outcome": str(outcome.code)},
        )
    ]


def kreis_list(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """A list of persons: one entry for the user's Kreis with the search and filters used."""
    kreis = Landkreis.objects.get(pk=scope_for(request.user).landkreis_id)
    filters = {key: value for key, value in request.GET.items() if value}
    return [Shown(kreis, kreis.name, {"filters": filters})]


def duplicate_check(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """The new-person form shows stored persons only when a submitted form comes back (the
    possible duplicates); the empty form shows nobody."""
    if request.method != "POST":
        return []
    return kreis_list(request, kwargs)


def handover_lookup(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """Every lookup of the handover page, found or not: the person found (the page names him),
    or the user's Kreis with the Aktenzeichen typed (the birth date is not written)."""
    found = getattr(request, "handover_lookup", None)
    if found is None:
        return []  # the empty form
    if found.client is not None:
        return [
            Shown(found.client, found.client.aktenzeichen, {"found": True, "lookup": "Treffer"})
        ]
    kreis = Landkreis.objects.get(pk=scope_for(request.user).landkreis_id)
    result = "abgewiesen (zu viele Suchen ohne Treffer)" if found.throttled else "kein Treffer"
    detail = {
        "found": False,
        "lookup": result,
        "aktenzeichen": found.aktenzeichen,
        "refused": found.throttled,
    }
    return [Shown(kreis, kreis.name, detail)]


def own_handover_notes(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """The persons of the notes the writer's list shows, one entry each."""
    persons = {note.client_id: note.client for note in notes_written_by(request.user)}
    return [Shown(person, person.aktenzeichen) for person in persons.values()]
