"""Handover from the vorläufige Unterbringung (VU): the lookup, the note, the client page.

The VU's social worker (role ``vu``) is external to IM. He may find one person at a time who
is arriving in the AU of his Kreis — by the exact Aktenzeichen together with the birth date,
never by browsing — and write a handover note for him; he sees the notes he wrote and nothing
else. The coordinating office may do the same on his behalf (naming him). A wrong pair, a
person of another Kreis, a closed case or one that arrived long ago all get the same answer
as an Aktenzeichen that does not exist, so the lookup tells nothing about who exists. Every
lookup is audited (``clients/reads.py``, found or not), and after ``FAILED_LOOKUPS_PER_DAY``
misses in a day the lookup refuses, so birth dates cannot be tried one after another.

The new manager reads the notes at the top of the case's sections on the client page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from clients.client_page import client_page_section
from clients.models import Client, HandoverNote
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.organisation.access import scope_for
from imcase.organisation.models import Role

# A person counts as arriving for half a year after his assignment to the AU (or, without an
# assignment, after his case was opened), and before it when the list announced him early.
ARRIVAL_DAYS = 180
FAILED_LOOKUPS_PER_DAY = 20
LOOKUP_EVENT = "handover_lookup"

NOT_FOUND = (
    "Zu diesem Aktenzeichen und Geburtsdatum gibt es keine Person, die gerade in die "
    "Anschlussunterbringung Ihres Kreises kommt. Bitte prüfen Sie beide Angaben."
)
TOO_MANY = (
    "Heute waren zu viele Suchen ohne Treffer. Bitte wenden Sie sich an die "
    "Koordinierungsstelle oder versuchen Sie es morgen wieder."
)
ON_BEHALF_REQUIRED = (
    "Bitte geben Sie an, für welche Sozialarbeiter:in der VU Sie die Notiz erfassen."
)


@dataclass(frozen=True)
class Lookup:
    """The answer to one lookup: the person, or None (not found or refused: same answer)."""

    client: Client | None
    aktenzeichen: str
    throttled: bool = False

    @property
    def message(self) -> str:
        return TOO_MANY if self.throttled else NOT_FOUND


def arriving_q(day: dt.date) -> Q:
    since = day - dt.timedelta(days=ARRIVAL_DAYS)
    return Q(status=Client.Status.OPEN) & (
        Q(assignment_date__gte=since) | Q(assignment_date__isnull=True, opened_on__gte=since)
    )


def failed_lookups_on(user, day: dt.date) -> int:
    """Lookups without a person found that ``user`` made on ``day`` (from the audit log)."""
    return AuditEntry.objects.filter(
        actor=user,
        action=AuditEntry.Action.VIEW,
        detail__event=LOOKUP_EVENT,
        detail__found=False,
        at__date=day,
    ).count()


def look_up(user, aktenzeichen: str, birth_date: dt.date, day: dt.date) -> Lookup:
    """The arriving person with exactly this Aktenzeichen (case aside) and birth date."""
    aktenzeichen = aktenzeichen.strip()
    if failed_lookups_on(user, day) >= FAILED_LOOKUPS_PER_DAY:
        return Lookup(None, aktenzeichen, throttled=True)
    person = (
        Client.objects.open_to_handover(user)
        .filter(arriving_q(day), aktenzeichen__iexact=aktenzeichen, birth_date=birth_date)
        .select_related("municipality")
        .first()
    )
    return Lookup(person, aktenzeichen)


@dataclass(frozen=True)
class HandoverInput:
    languages: list[dict[str, str]] = field(default_factory=list)
    open_procedures: str = ""
    documents: list[str] = field(default_factory=list)
    health_consent: bool = False
    consent_declared_by: str = ""
    consent_declared_on: dt.date | None = None
    health_hints: str = ""
    on_behalf_of: str = ""


def record_handover_note(actor, client: Client, data: HandoverInput, day: dt.date) -> HandoverNote:
    """Save one note for a person the actor has just looked up; refused in German when the
    health hints lack the person's consent or the office does not name the VU's worker."""
    scope = scope_for(actor)
    if not scope.writes_handover_notes or not look_up_allowed(actor, client, day):
        raise ValidationError(NOT_FOUND)
    on_behalf_of = data.on_behalf_of.strip()
    if scope.role == Role.OFFICE and not on_behalf_of:
        raise ValidationError({"on_behalf_of": ON_BEHALF_REQUIRED})
    if scope.role == Role.VU:
        on_behalf_of = ""  # he writes in his own name
    if data.consent_declared_on and data.consent_declared_on > day:
        raise ValidationError(
            {"consent_declared_on": "Das Datum der Einwilligung darf nicht in der Zukunft liegen."}
        )
    note = HandoverNote(
        client=client,
        languages=data.languages,
        open_procedures=data.open_procedures.strip(),
        documents=list(data.documents),
        health_consent=data.health_consent,
        consent_declared_by=data.consent_declared_by if data.health_consent else "",
        consent_declared_on=data.consent_declared_on if data.health_consent else None,
        health_hints=data.health_hints.strip(),
        written_by=actor,
        on_behalf_of=on_behalf_of,
    )
    note.full_clean(exclude=["client", "written_by"])
    with transaction.atomic():
        note.save()
        record(
            actor,
            AuditEntry.Action.CREATE,
            client,
            label=client.aktenzeichen,
            event="handover_note",
            note=str(note.code),
            on_behalf_of=on_behalf_of,
            # What kinds of data were passed, never the health hints themselves.
            health_hints=bool(note.health_hints),
            documents=note.documents,
        )
    return note


def look_up_allowed(actor, client: Client, day: dt.date) -> bool:
    return Client.objects.open_to_handover(actor).filter(arriving_q(day), pk=client.pk).exists()


def notes_written_by(user, limit: int = 50) -> list[HandoverNote]:
    """The latest notes the writer (VU, office) wrote himself, for his own list."""
    return list(
        HandoverNote.objects.visible_to(user)
        .filter(written_by=user)
        .select_related("client", "client__municipality")
        .order_by("-created_at", "-pk")[:limit]
    )


@client_page_section(order=0)
def handover_notes(user, client: Client, today: dt.date):
    """The notes from the VU, newest first (a correction is a newer note)."""
    notes = list(
        HandoverNote.objects.visible_to(user).filter(client=client).select_related("written_by")
    )
    if not notes:
        return None
    return "clients/handover/_section.html", {"notes": notes}
