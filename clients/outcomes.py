"""Writes on outcomes (Wirkungen): record, correct and withdraw a person's outcome.

Like every service: one transaction, lock the row, check the guard, change, write an audit
entry. The rules by kind live here (``check_outcome``), so the client page, the goal
evaluation of the plans app and the demo refuse the same input with the same German words:

- a kind is offered for a date only if it is valid in that year (``first_year``..``last_year``);
- a period kind may have an end, on or after the start; other kinds have a single date;
- a level kind takes a certificate level and its date, both or none; the certificate's date
  is not before the start;
- the hours band only for a kind with hours;
- no date lies in the future.

A correction keeps the earlier state in the history (django-simple-history) and is refused
when someone else saved in between (``imcase.locking``); a withdrawn outcome stays, marked
with date, user and reason, and leaves every figure (``OutcomeEvent.objects.counted()``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from clients.models import Client, OutcomeEvent, OutcomeKind
from clients.models.outcome import CertificateLevel, HoursBand, OutcomeSource
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for

NOT_VISIBLE = "Diese Person liegt nicht in Ihrem Zuständigkeitsbereich."
OUTCOME_NOT_VISIBLE = "Diese Wirkung liegt nicht in Ihrem Zuständigkeitsbereich."
OUTCOME_WITHDRAWN = "Diese Wirkung ist zurückgenommen und kann nicht mehr geändert werden."
CASE_WORKERS_ONLY = "Nur Integrationsmanager:innen und Teamleitungen erfassen Wirkungen."

# The fields a correction may change (and the history shows).
OUTCOME_FIELDS = (
    "kind",
    "started_on",
    "ended_on",
    "certificate_level",
    "certificate_on",
    "hours_band",
    "source",
    "note",
)


@dataclass
class OutcomeInput:
    """What the user enters for one outcome; the details a kind does not take stay empty."""

    kind: OutcomeKind
    started_on: dt.date
    source: str = OutcomeSource.EVIDENCE_SEEN
    ended_on: dt.date | None = None
    certificate_level: str = ""
    certificate_on: dt.date | None = None
    hours_band: str = ""
    note: str = ""


# A person's window lasts at most four years: an outcome recorded late may lie that far back.
YEARS_BACK = 4


def kinds_offered(today: dt.date, include: OutcomeKind | None = None) -> list[OutcomeKind]:
    """The kinds to offer on a form: valid this year or in the years an outcome recorded
    today may lie in (``check_outcome`` then checks the year of its date). ``include`` (the
    kind an outcome already has) stays offered when it is corrected, even if retired since."""
    years = range(today.year - YEARS_BACK, today.year + 1)
    kinds = [kind for kind in OutcomeKind.objects.all() if any(kind.valid_in(y) for y in years)]
    if include is not None and include not in kinds:
        kinds.append(include)
    return kinds


def check_outcome(data: OutcomeInput, today: dt.date, keep_kind: OutcomeKind | None = None) -> None:
    """Refuse input that does not fit its kind; messages name the field they are about.

    ``keep_kind``: a correction may keep the outcome's own kind although it is retired."""
    kind = data.kind
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.started_on > today:
        refuse("started_on", "Das Datum einer Wirkung darf nicht in der Zukunft liegen.")
    if not kind.valid_in(data.started_on.year) and kind != keep_kind:
        refuse(
            "kind",
            f"„{kind.name}“ kann für das Jahr {data.started_on.year} nicht erfasst werden "
            "(nicht mehr oder noch nicht im Katalog).",
        )
    if data.source not in OutcomeSource.values:
        refuse("source", "Bitte wählen Sie die Quelle.")
    if data.ended_on is not None:
        if not kind.has_period:
            refuse("ended_on", f"„{kind.name}“ hat kein Ende, nur ein Datum.")
        elif data.ended_on < data.started_on:
            refuse("ended_on", "Das Ende darf nicht vor dem Beginn liegen.")
        elif data.ended_on > today:
            refuse("ended_on", "Das Ende darf nicht in der Zukunft liegen.")
    has_level, has_date = bool(data.certificate_level), data.certificate_on is not None
    if (has_level or has_date) and not kind.has_level:
        refuse("certificate_level", f"„{kind.name}“ hat kein Zertifikat.")
    elif has_level != has_date:
        name = "certificate_on" if has_level else "certificate_level"
        refuse(name, "Bitte geben Sie Niveau und Datum des Zertifikats an (beides oder keins).")
    elif has_level:
        if data.certificate_level not in CertificateLevel.values:
            refuse("certificate_level", "Unbekanntes Niveau.")
        if data.certificate_on > today:
            refuse("certificate_on", "Das Zertifikat darf nicht in der Zukunft liegen.")
        elif data.certificate_on < data.started_on:
            refuse("certificate_on", "Das Zertifikat darf nicht vor dem Beginn liegen.")
    if data.hours_band:
        if not kind.has_hours:
            refuse("hours_band", f"Für „{kind.name}“ wird kein Stundenumfang erfasst.")
        elif data.hours_band not in HoursBand.values:
            refuse("hours_band", "Unbekannter Stundenumfang.")
    if len(data.note.strip()) > 300:
        refuse("note", "Die Anmerkung ist zu lang (höchstens 300 Zeichen).")
    if errors:
        raise ServiceError(errors)


def _require_case_worker(actor) -> None:
    if not scope_for(actor).is_case_worker:
        raise ServiceError(CASE_WORKERS_ONLY)


def _apply(outcome: OutcomeEvent, data: OutcomeInput) -> None:
    outcome.kind = data.kind
    outcome.started_on = data.started_on
    outcome.ended_on = data.ended_on
    outcome.certificate_level = data.certificate_level
    outcome.certificate_on = data.certificate_on
    outcome.hours_band = data.hours_band
    outcome.source = data.source
    outcome.note = data.note.strip()


def _audit(actor, client: Client, event: str, outcome: OutcomeEvent) -> None:
    record(
        actor,
        AuditEntry.Action.CHANGE,
        client,
        label=client.aktenzeichen,
        event=event,
        outcome=str(outcome.code),
        kind=outcome.kind.code,
    )


def record_outcome(actor, client: Client, data: OutcomeInput) -> OutcomeEvent:
    """Record an outcome of a person the actor (a case worker) sees, for his provider."""
    _require_case_worker(actor)
    check_outcome(data, timezone.localdate())
    with transaction.atomic():
        client = lock_visible(actor, Client.objects, client.pk, None, refusal=NOT_VISIBLE)
        outcome = OutcomeEvent(
            client=client, provider_id=scope_for(actor).provider_id, recorded_by=actor
        )
        _apply(outcome, data)
        outcome.save()
        _audit(actor, client, "outcome_recorded", outcome)
    return outcome


def _locked_outcome(actor, outcome: OutcomeEvent, expected_version: int | None) -> OutcomeEvent:
    _require_case_worker(actor)
    current = lock_visible(
        actor, OutcomeEvent.objects, outcome.pk, expected_version, refusal=OUTCOME_NOT_VISIBLE
    )
    if current.withdrawn_at is not None:
        raise ServiceError(OUTCOME_WITHDRAWN)
    return current


def correct_outcome(
    actor, outcome: OutcomeEvent, data: OutcomeInput, expected_version: int | None
) -> OutcomeEvent:
    """Correct an outcome; the earlier state stays in its history. Refuses a stale page and a
    withdrawn outcome; the outcome's own kind may be kept even if it is retired since."""
    check_outcome(data, timezone.localdate(), keep_kind=outcome.kind)
    with transaction.atomic():
        current = _locked_outcome(actor, outcome, expected_version)
        _apply(current, data)
        current.save_new_version(*OUTCOME_FIELDS)
        _audit(actor, current.client, "outcome_corrected", current)
    return current


def withdraw_outcome(
    actor, outcome: OutcomeEvent, reason: str, expected_version: int | None
) -> OutcomeEvent:
    """Withdraw (zurücknehmen) a wrongly entered outcome: it stays, marked with date, user and
    reason, and counts in no figure. Not deleted, not reversible."""
    reason = reason.strip()
    if not reason:
        raise ServiceError({"reason": "Bitte geben Sie den Grund der Rücknahme an."})
    with transaction.atomic():
        current = _locked_outcome(actor, outcome, expected_version)
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.withdrawn_reason = reason[:200]
        current.save_new_version("withdrawn_at", "withdrawn_by", "withdrawn_reason")
        _audit(actor, current.client, "outcome_withdrawn", current)
    return current
