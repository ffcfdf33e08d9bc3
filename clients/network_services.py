"""Writes of Netzwerkarbeit (``NetworkActivity``): record, change, withdraw.

Like ``clients.services``: each write opens a transaction, locks the row at the version the
user's page was built from (``imcase.locking``), checks the rule, changes, and appends an audit
entry. An activity names no person, so the audit entry is about the activity itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from clients.models import NetworkActivity, NetworkActivityKind, RegularService
from clients.models.network import HISTORY
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for
from imcase.organisation.models import Provider

NOT_VISIBLE = "Diese Netzwerkaktivität gibt es nicht oder sie liegt nicht in Ihrem Bereich."
WITHDRAWN = "Diese Netzwerkaktivität wurde zurückgenommen und kann nicht mehr geändert werden."
ONLY_CASE_WORKERS = "Nur Integrationsmanager:innen und Teamleitungen erfassen Netzwerkarbeit."
MAX_MINUTES = 24 * 60
FIELDS = ("kind", "date", "duration_minutes", "topic", "other_partners", "participants")


@dataclass
class NetworkActivityInput:
    kind: str
    date: dt.date
    duration_minutes: int
    topic: str
    participants: int
    partners: Iterable[RegularService] = field(default_factory=list)
    other_partners: str = ""


def _validate(data: NetworkActivityInput, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if data.kind not in NetworkActivityKind.values:
        errors["kind"] = "Bitte wählen Sie die Art der Netzwerkarbeit."
    if data.date > today:
        errors["date"] = "Netzwerkarbeit wird erfasst, wenn sie stattgefunden hat."
    if not 0 < data.duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = "Die Dauer muss zwischen 1 Minute und 24 Stunden liegen."
    if not data.topic.strip():
        errors["topic"] = "Bitte geben Sie das Thema an."
    if data.participants < 1:
        errors["participants"] = "Mindestens eine Person hat teilgenommen."
    if errors:
        raise ServiceError(errors)


def _apply(activity: NetworkActivity, data: NetworkActivityInput) -> None:
    activity.kind = data.kind
    activity.date = data.date
    activity.duration_minutes = data.duration_minutes
    activity.topic = data.topic.strip()
    activity.other_partners = data.other_partners.strip()
    activity.participants = data.participants


def _set_partners_quietly(activity: NetworkActivity, partners: Iterable[RegularService]) -> None:
    """Set the partners without a version of their own: the caller writes one with them."""
    activity.skip_history_when_saving = True
    try:
        activity.partners.set(list(partners))
    finally:
        del activity.skip_history_when_saving


def record_network_activity(actor, data: NetworkActivityInput) -> NetworkActivity:
    """Record an activity for the actor's provider; its first version has the partners."""
    scope = scope_for(actor)
    if not scope.is_case_worker or not scope.provider_id:
        raise ServiceError(ONLY_CASE_WORKERS)
    _validate(data, timezone.localdate())
    with transaction.atomic():
        activity = NetworkActivity(provider=Provider.objects.get(pk=scope.provider_id))
        _apply(activity, data)
        activity.recorded_by = actor
        activity.save_without_historical_record()
        _set_partners_quietly(activity, data.partners)
        HISTORY.create_historical_record(activity, "+")
        record(actor, AuditEntry.Action.CREATE, activity, label=str(activity))
    return activity


def _locked(actor, activity: NetworkActivity, expected_version: int | None) -> NetworkActivity:
    if not scope_for(actor).is_case_worker:
        raise ServiceError(NOT_VISIBLE)
    current = lock_visible(
        actor, NetworkActivity.objects, activity.pk, expected_version, refusal=NOT_VISIBLE
    )
    if current.is_withdrawn:
        raise ServiceError(WITHDRAWN)
    return current


def update_network_activity(
    actor,
    activity: NetworkActivity,
    data: NetworkActivityInput,
    expected_version: int | None,
) -> NetworkActivity:
    """Change an activity; the earlier state stays in its history. Refuses a stale edit."""
    _validate(data, timezone.localdate())
    with transaction.atomic():
        current = _locked(actor, activity, expected_version)
        _apply(current, data)
        _set_partners_quietly(current, data.partners)
        current.save_new_version(*FIELDS)
        record(actor, AuditEntry.Action.CHANGE, current, label=str(current))
    return current


def withdraw_network_activity(
    actor, activity: NetworkActivity, reason: str, expected_version: int | None
) -> NetworkActivity:
    """Withdraw a wrong entry: kept with date, user and reason, counted in no figure."""
    reason = reason.strip()
    if not reason:
        raise ServiceError({"reason": "Bitte geben Sie den Grund der Rücknahme an."})
    with transaction.atomic():
        current = _locked(actor, activity, expected_version)
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.withdrawal_reason = reason
        current.save_new_version("withdrawn_at", "withdrawn_by", "withdrawal_reason")
        record(actor, AuditEntry.Action.CHANGE, current, label=str(current), event="withdrawn")
    return current
