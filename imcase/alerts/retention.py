"""Retention: personal data of cases closed longer ago than ``RETENTION_DAYS`` is anonymised.

The rows stay, so every aggregate stays countable (persons per municipality, nationality,
year of birth, contacts, referrals, extensions, closings); what identifies the person goes:

- names → "anonymisiert", name in original script cleared, birth date → 1 January of its year,
  Aktenzeichen → "anonymisiert-<id>" (it points to the person in the Kreis's other files);
- the same in the client's edit history (django-simple-history keeps every old state);
- free text: notes of contacts in which only anonymised persons took part, referral notes,
  the written reasons of extension requests (with their histories);
- consents are deleted, with their history; alerts about the person are deleted.

Submitted Kennzahlentabellen and published allocations are stored files and snapshots of their
own apps and are not touched. The audit log is append-only and keeps who accessed which record
(by its code and Aktenzeichen at the time), as the audit requires.

Other apps add what they store about a person (plans and goals, for instance) with
``@anonymiser("name")`` in their ``retention.py``; each step gets the ids of the clients being
anonymised in the current batch and returns what it changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils.module_loading import autodiscover_modules

from clients.models import Client, Consent, Consultation, Referral, WindowExtension
from imcase.alerts.models import Alert
from imcase.audit.models import AuditEntry

ANONYMISED = "anonymisiert"
BATCH_SIZE = 500

Step = Callable[[list[int]], dict[str, int]]
ANONYMISERS: dict[str, Step] = {}


def anonymiser(name: str) -> Callable[[Step], Step]:
    """Register a step that removes personal data of the given clients (called per batch,
    inside the batch's transaction, after the client rows themselves are anonymised)."""

    def decorator(step: Step) -> Step:
        ANONYMISERS[name] = step
        return step

    return decorator


@dataclass
class RetentionResult:
    cutoff: dt.date
    clients: int = 0
    changed: dict[str, int] = field(default_factory=dict)

    def add(self, counts: dict[str, int]) -> None:
        for key, value in counts.items():
            self.changed[key] = self.changed.get(key, 0) + value


def cutoff_for(today: dt.date) -> dt.date:
    """Cases closed before this day are due for anonymisation."""
    return today - dt.timedelta(days=settings.RETENTION_DAYS)


def is_anonymised_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}last_name": ANONYMISED, f"{prefix}first_name": ANONYMISED})


def due_for_retention(today: dt.date):
    return Client.objects.filter(
        status=Client.Status.CLOSED, closed_on__lt=cutoff_for(today)
    ).exclude(is_anonymised_q())


def apply_retention(today: dt.date, dry_run: bool = False) -> RetentionResult:
    """Anonymise every case closed before the cutoff, in batches of one transaction each;
    a batch that fails leaves its clients as they were for the next night."""
    autodiscover_modules("retention")
    result = RetentionResult(cutoff=cutoff_for(today))
    ids = list(due_for_retention(today).order_by("pk").values_list("pk", flat=True))
    if dry_run:
        result.clients = len(ids)
        return result
    for start in range(0, len(ids), BATCH_SIZE):
        with transaction.atomic():
            batch = list(
                due_for_retention(today)
                .filter(pk__in=ids[start : start + BATCH_SIZE])
                .select_for_update()
                .values_list("pk", flat=True)
            )
            if not batch:
                continue
            for step in ANONYMISERS.values():
                result.add(step(batch))
            _audit(batch, result.cutoff)
            result.clients += len(batch)
    return result


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
    clients = Client.objects.filter(pk__in=ids).update(
        **_anonymised_person(), aktenzeichen=_pseudonym()
    )
    Client.history.filter(id__in=ids).update(**_anonymised_person(), aktenzeichen=_pseudonym("id"))

    # A joint contact keeps its note while one participant is not anonymised.
    consultations = list(
        Consultation.objects.filter(participants__client_id__in=ids)
        .exclude(
            participants__client__in=Client.objects.exclude(is_anonymised_q()).exclude(pk__in=ids)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    notes = Consultation.objects.filter(pk__in=consultations).exclude(note="").update(note="")
    Consultation.history.filter(id__in=consultations).update(note="")
    Referral.objects.filter(consultation_id__in=consultations).update(note="")
    Referral.history.filter(consultation_id__in=consultations).update(note="")

    extensions = WindowExtension.objects.filter(client_id__in=ids).update(
        reason=ANONYMISED, decision_note=""
    )
    consents, _ = Consent.objects.filter(client_id__in=ids).delete()
    Consent.history.filter(client_id__in=ids).delete()  # also the rows the deletion just added

    alerts = _delete_alerts(Client, ids)
    alerts += _delete_alerts(
        WindowExtension, WindowExtension.objects.filter(client_id__in=ids).values("pk")
    )
    return {
        "clients": clients,
        "consultation_notes": notes,
        "extension_reasons": extensions,
        "consents": consents,
        "alerts": alerts,
    }


def _delete_alerts(model, ids: Iterable) -> int:
    subject_type = ContentType.objects.get_for_model(model)
    deleted, _ = Alert.objects.filter(subject_type=subject_type, subject_id__in=ids).delete()
    return deleted


def _audit(ids: list[int], cutoff: dt.date) -> None:
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
