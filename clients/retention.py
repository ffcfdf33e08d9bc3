"""Retention of clients (see ``imcase.alerts.retention``): which cases are due and what of the
person goes.

- names → "anonymisiert", name in original script cleared, birth date → 1 January of its year,
  Aktenzeichen → "anonymisiert-<id>" (it points to the person in the Kreis's other files);
- the same in the client's edit history (django-simple-history keeps every old state);
- free text: notes of contacts in which only anonymised persons took part, referral notes,
  the written reasons of extension requests (with their histories);
- the notes and withdrawal reasons of the person's outcomes (Wirkungen; the outcomes stay,
  they count in the figures);
- consents are deleted, with their history; alerts about the person are deleted.

Each anonymisation is recorded in the audit log with the case's code, its (now pseudonymous)
Aktenzeichen and the day it was closed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncYear

from clients.models import (
    Client,
    Consent,
    Consultation,
    HandoverNote,
    OutcomeEvent,
    Referral,
    WindowExtension,
)
from clients.names import name_skeleton
from imcase.alerts.retention import (
    ANONYMISED,
    Subjects,
    anonymiser,
    delete_alerts,
    register_subjects,
)
from imcase.audit.models import AuditEntry


def is_anonymised_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}last_name": ANONYMISED, f"{prefix}first_name": ANONYMISED})


@register_subjects
class ClosedCases(Subjects):
    def due(self, cutoff: dt.date) -> QuerySet:
        return Client.objects.filter(status=Client.Status.CLOSED, closed_on__lt=cutoff).exclude(
            is_anonymised_q()
        )

    def record(self, ids: list[int], cutoff: dt.date) -> None:
        rows = Client.objects.filter(pk__in=ids).values_list("code", "aktenzeichen", "closed_on")
        AuditEntry.objects.bulk_create(
            AuditEntry(
                actor=None,
                actor_name="System",
                action=AuditEntry.Action.CHANGE,
                object_type=Client._meta.label_lower,
                object_id=str(code),
                object_label=aktenzeichen,
                detail={
                    "event": "anonymised",
                    "closed_on": closed_on.isoformat(),
                    "retention_days": settings.RETENTION_DAYS,
                    "cutoff": cutoff.isoformat(),
                },
            )
            for code, aktenzeichen, closed_on in rows
        )


def _anonymised_person() -> dict:
    return {
        "last_name": Value(ANONYMISED),
        "first_name": Value(ANONYMISED),
        "native_name": Value(""),
        "birth_date": TruncYear("birth_date"),
    }


def _pseudonym(field_name: str = "pk"):
    return Concat(Value(f"{ANONYMISED}-"), Cast(field_name, CharField()))


@anonymiser("clients")
def anonymise_clients(ids: list[int]) -> dict[str, int]:
    # The search's name skeletons go too (PostgreSQL's trigger writes the same; SQLite has none).
    skeleton = Value(name_skeleton(ANONYMISED))
    clients = Client.objects.filter(pk__in=ids).update(
        **_anonymised_person(),
        aktenzeichen=_pseudonym(),
        first_name_skeleton=skeleton,
        last_name_skeleton=skeleton,
    )
    Client.history.filter(id__in=ids).update(**_anonymised_person(), aktenzeichen=_pseudonym("id"))

    # A joint contact keeps its note while one participant is not anonymised. Withdrawn
    # contacts too (``all_objects``): their note and the reason of withdrawal are free text.
    consultations = list(
        Consultation.all_objects.filter(participants__client_id__in=ids)
        .exclude(
            participants__client__in=Client.objects.exclude(is_anonymised_q()).exclude(pk__in=ids)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    notes = Consultation.all_objects.filter(pk__in=consultations).exclude(note="").update(note="")
    Consultation.all_objects.filter(pk__in=consultations).exclude(withdrawal_reason="").update(
        withdrawal_reason=""
    )
    Consultation.history.filter(id__in=consultations).update(note="", withdrawal_reason="")
    Referral.all_objects.filter(consultation_id__in=consultations).update(note="")
    Referral.history.filter(consultation_id__in=consultations).update(note="")

    extensions = WindowExtension.objects.filter(client_id__in=ids).update(
        reason=ANONYMISED, decision_note=""
    )
    outcomes = OutcomeEvent.objects.filter(client_id__in=ids)
    outcome_notes = outcomes.exclude(note="", withdrawn_reason="").update(
        note="", withdrawn_reason=""
    )
    OutcomeEvent.history.filter(client_id__in=ids).update(note="", withdrawn_reason="")
    consents, _ = Consent.objects.filter(client_id__in=ids).delete()
    Consent.history.filter(client_id__in=ids).delete()  # also the rows the deletion just added

    alerts = delete_alerts(Client, ids)
    alerts += delete_alerts(
        WindowExtension, WindowExtension.objects.filter(client_id__in=ids).values("pk")
    )
    return {
        "clients": clients,
        "consultation_notes": notes,
        "extension_reasons": extensions,
        "outcome_notes": outcome_notes,
        "consents": consents,
        "alerts": alerts,
    }


@anonymiser("handover_notes")
def delete_handover_notes(ids: list[int]) -> dict[str, int]:
    # The VU's notes are free text about the person (health hints among them): they go whole.
    deleted, _ = HandoverNote.objects.filter(client_id__in=ids).delete()
    return {"handover_notes": deleted}
