"""Writes on clients and consultations. Each function: one transaction, lock the row, check
the guard, change, write an audit entry. Views and imports call these, nothing else writes.

Errors are ``imcase.errors.ServiceError`` (a ValidationError) with a German message for the user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clients.assignments import record_release
from clients.duplicates import AKTENZEICHEN, Clash
from clients.models import (
    CaseStatusChange,
    Client,
    Consent,
    ConsentCategory,
    Consultation,
    ConsultationParticipant,
    JobcenterTransmission,
    Move,
    Referral,
    RegularService,
    Topic,
    WindowExtension,
)
from clients.models.client import ResidenceStatus
from clients.models.consultation import complete_first_version
from clients.window import Window
from imcase.alerts.registry import alert_kind
from imcase.alerts.scope import alerts_about_person, person_records, withdraw_alerts
from imcase.alerts.services import notify_office
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.dates import german_date
from imcase.errors import ServiceError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for
from imcase.organisation.models import Municipality, Provider, Role

WINDOW_FIELDS = ("window_start", "window_end", "window_extended")
CONSULTATION_FIELDS = (
    "date",
    "duration_minutes",
    "kind",
    "setting",
    "interpreter_language",
    "note",
    "next_appointment",
)
CONSULTATION_NOT_VISIBLE = "Dieser Kontakt liegt nicht in Ihrem Zuständigkeitsbereich."
CONSULTATION_WITHDRAWN = "Dieser Kontakt ist storniert und kann nicht mehr geändert werden."

# Raised at once (not by the nightly run) for the coordinating office of the Kreis.
RECORD_CLASH = alert_kind("record_clash", "Aktenzeichen-Konflikt bei Neuanlage")
HOUSEHOLD_CLASH = alert_kind("household_clash", "Haushaltsschlüssel-Konflikt bei Neuanlage")


# --- the counselling window -------------------------------------------------------------


def window_start_for(client: Client) -> dt.date | None:
    """The window starts with the AU assignment; a § 24 person without one from case opening."""
    if client.assignment_date:
        return client.assignment_date
    if client.residence_status == ResidenceStatus.UKRAINE:
        return client.opened_on
    return None


def refresh_window(client: Client) -> None:
    """Recompute the stored window fields from the assignment date and extensions."""
    client.window_start = window_start_for(client)
    client.window_extended = (
        client.extensions.filter(decision=WindowExtension.Decision.APPROVED).exists()
        if client.pk
        else False
    )
    client.window_end = (
        Window(client.window_start, client.window_extended).end if client.window_start else None
    )


def _locked_for(actor, client: Client, expected_version: int | None = None) -> Client:
    """Lock the client for a case worker who may see it; anyone else is refused."""
    if not scope_for(actor).is_case_worker:
        raise ServiceError("Nur Integrationsmanager:innen und Teamleitungen bearbeiten Fälle.")
    return lock_visible(
        actor,
        Client.objects,
        client.pk,
        expected_version,
        refusal="Diese Person liegt nicht in Ihrem Zuständigkeitsbereich.",
    )


# The fields a person edits; bookkeeping and derived ones (version, time stamps, name
# skeletons) change along with them and are left out of the audit entry.
AUDITED_FIELDS = {
    f.name
    for f in Client._meta.concrete_fields
    if f.editable and f.name not in ("version", "updated_at", "created_at")
}


def _changed_fields(client: Client, stored: Client) -> list[str]:
    return [
        f.name
        for f in Client._meta.concrete_fields
        if not f.primary_key and getattr(client, f.attname) != getattr(stored, f.attname)
    ]


# --- clients ----------------------------------------------------------------------------


def save_client(actor, client: Client, expected_version: int | None = None) -> Client:
    """Create or update a client with its derived window; refuses a stale edit."""
    with transaction.atomic():
        creating = client.pk is None
        stored = None if creating else _locked_for(actor, client, expected_version)
        client.landkreis_id = client.municipality.landkreis_id
        refresh_window(client)
        client.full_clean()
        changed: list[str] = []
        if stored is None:
            client.save()
        else:
            client.version = stored.version
            changed = _changed_fields(client, stored)
            client.save_new_version(*changed)
        # The audit entry names the changed fields (never their values: the log stays lean).
        detail = {"fields": [name for name in changed if name in AUDITED_FIELDS]}
        record(
            actor,
            AuditEntry.Action.CREATE if creating else AuditEntry.Action.CHANGE,
            client,
            label=client.aktenzeichen,
            **(detail if detail["fields"] else {}),
        )
    return client


def open_case_check(client: Client) -> None:
    if not client.is_target_group:
        raise ServiceError(
            "Diese Person gehört nicht zur Zielgruppe: ohne Zuweisung in die Anschluss"
            "unterbringung und ohne § 24 AufenthG kann kein geförderter Fall eröffnet werden."
        )


def close_case(actor, client: Client, reason: str, closed_on: dt.date) -> Client:
    with transaction.atomic():
        client = _locked_for(actor, client)
        if client.status == Client.Status.CLOSED:
            raise ServiceError("Der Fall ist bereits abgeschlossen.")
        if reason not in Client.ClosedReason.values:
            raise ServiceError("Bitte wählen Sie einen Grund für die Ausleitung.")
        if closed_on > timezone.localdate():
            raise ServiceError("Das Datum der Ausleitung darf nicht in der Zukunft liegen.")
        reopened = client.status_changes.filter(valid_from__gt=closed_on).order_by("-valid_from")
        if reopened.exists():
            raise ServiceError(
                "Die Ausleitung kann nicht vor der Wiedereröffnung des Falls am "
                f"{german_date(reopened[0].valid_from)} liegen."
            )
        client.status = Client.Status.CLOSED
        client.closed_reason = reason
        client.closed_on = closed_on
        client.save_new_version("status", "closed_reason", "closed_on")
        CaseStatusChange.objects.create(
            client=client, valid_from=closed_on, status=Client.Status.CLOSED, reason=reason
        )
        record(actor, AuditEntry.Action.CHANGE, client, label=client.aktenzeichen, event="closed")
    return client


def reopen_case(actor, client: Client, today: dt.date | None = None) -> Client:
    today = today or timezone.localdate()
    with transaction.atomic():
        client = _locked_for(actor, client)
        if client.status != Client.Status.CLOSED:
            raise ServiceError("Der Fall ist nicht abgeschlossen.")
        window = client.window
        if window is None or not window.contains(today):
            raise ServiceError(
                "Der Fall kann nur innerhalb des Beratungszeitraums wieder eröffnet werden."
            )
        if client.closed_on is not None and not client.status_changes.exists():
            # A case closed before the history was kept (or by a bulk import): its closing
            # goes on record first, so the years before the reopening keep it closed.
            CaseStatusChange.objects.create(
                client=client,
                valid_from=client.closed_on,
                status=Client.Status.CLOSED,
                reason=client.closed_reason,
            )
        client.status = Client.Status.OPEN
        client.closed_reason = ""
        client.closed_on = None
        client.save_new_version("status", "closed_reason", "closed_on")
        CaseStatusChange.objects.create(client=client, valid_from=today, status=Client.Status.OPEN)
        record(actor, AuditEntry.Action.CHANGE, client, label=client.aktenzeichen, event="reopened")
    return client


# --- clashes of Aktenzeichen and household keys -------------------------------------------


def report_clashes(actor, clashes: Iterable[Clash], creating: bool = True) -> int:
    """Tell the coordinating office of each clash with a record ``actor`` may not see.

    The user was refused with words that confirm nothing; the office may know who asked for
    which Aktenzeichen or key, but learns nothing of the person it belongs to (the office sees
    aggregates only): not the name, not the provider counselling him. Returns the number of
    alerts created or reopened.
    """
    scope = scope_for(actor)
    provider = Provider.objects.filter(pk=scope.provider_id).first()
    name = actor.get_full_name() or actor.username
    who = f"{name} ({provider.name})" if provider else name
    doing = "beim Anlegen einer Person" if creating else "beim Ändern einer Person"
    today = german_date(timezone.localdate())
    raised = 0
    for clash in clashes:
        if clash.hidden is None:
            continue
        if clash.field == AKTENZEICHEN:
            kind = RECORD_CLASH
            message = (
                f"{who} wollte am {today} {doing} das Aktenzeichen „{clash.value}“ verwenden; "
                "es gehört im Kreis zu einer Person außerhalb dieses Zuständigkeitsbereichs. "
                "Nichts gespeichert. Umzug: Übergabe durch den bisherigen Träger; "
                "Tippfehler: Aktenzeichen berichtigen lassen."
            )
        else:
            kind = HOUSEHOLD_CLASH
            message = (
                f"{who} wollte am {today} {doing} den neuen Haushaltsschlüssel „{clash.value}“ "
                "verwenden; es gibt ihn im Kreis für einen Haushalt außerhalb dieses "
                "Zuständigkeitsbereichs. Nichts gespeichert. Bitte klären (Familie bei zwei "
                "Trägern oder Tippfehler)."
            )
        raised += notify_office(clash.landkreis_id, kind, clash.hidden, message)
    return raised


# --- extension (four-eyes) --------------------------------------------------------------


def request_extension(actor, client: Client, reason: str) -> WindowExtension:
    reason = reason.strip()
    if len(reason) < 20:
        raise ServiceError(
            "Bitte begründen Sie die Verlängerung schriftlich (mindestens 20 Zeichen)."
        )
    with transaction.atomic():
        client = _locked_for(actor, client)
        decisions = set(client.extensions.values_list("decision", flat=True))
        if WindowExtension.Decision.APPROVED in decisions:
            raise ServiceError("Der Beratungszeitraum wurde bereits um ein Jahr verlängert.")
        if WindowExtension.Decision.PENDING in decisions:
            raise ServiceError("Es liegt bereits ein offener Verlängerungsantrag vor.")
        if client.window is None:
            raise ServiceError("Ohne Beratungszeitraum ist keine Verlängerung möglich.")
        extension = WindowExtension.objects.create(client=client, reason=reason, requested_by=actor)
        record(
            actor,
            AuditEntry.Action.CHANGE,
            client,
            label=client.aktenzeichen,
            event="extension_requested",
        )
    return extension


def decide_extension(
    actor, extension: WindowExtension, approve: bool, note: str = ""
) -> WindowExtension:
    """Approve or refuse; only a team lead who sees the client and did not file the request."""
    with transaction.atomic():
        extension = WindowExtension.objects.select_for_update().get(pk=extension.pk)
        client = _locked_for(actor, extension.client)
        if extension.decision != WindowExtension.Decision.PENDING:
            raise ServiceError("Über diesen Antrag wurde bereits entschieden.")
        if scope_for(actor).role != Role.TEAM_LEAD:
            raise ServiceError("Über Verlängerungen entscheidet die Teamleitung.")
        if extension.requested_by_id == actor.pk:
            raise ServiceError(
                "Vier-Augen-Prinzip: Über den eigenen Antrag kann nicht selbst entschieden werden."
            )
        if not approve and not note.strip():
            raise ServiceError("Bitte begründen Sie die Ablehnung.")
        extension.decision = (
            WindowExtension.Decision.APPROVED if approve else WindowExtension.Decision.REFUSED
        )
        extension.decided_by = actor
        extension.decided_at = timezone.now()
        extension.decision_note = note.strip()
        extension.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
        refresh_window(client)
        client.save_new_version(*WINDOW_FIELDS)
        record(
            actor,
            AuditEntry.Action.CHANGE,
            client,
            label=client.aktenzeichen,
            event="extension_approved" if approve else "extension_refused",
        )
    return extension


# --- moves and handover -------------------------------------------------------------------


def record_move(actor, client: Client, to_municipality: Municipality, moved_on: dt.date) -> Move:
    """A dated move; if the new municipality has another provider, the case is handed over and
    the old provider no longer sees the person."""
    with transaction.atomic():
        client = _locked_for(actor, client)
        if to_municipality.pk == client.municipality_id:
            raise ServiceError("Die neue Gemeinde ist dieselbe wie die bisherige.")
        if to_municipality.landkreis_id != client.landkreis_id:
            raise ServiceError(
                "Ein Umzug in einen anderen Kreis ist eine Ausleitung (Grund: weggezogen)."
            )
        if moved_on > timezone.localdate():
            raise ServiceError("Das Umzugsdatum darf nicht in der Zukunft liegen.")
        move = Move.objects.create(
            client=client,
            moved_on=moved_on,
            from_municipality_id=client.municipality_id,
            to_municipality=to_municipality,
            from_provider=client.municipality.provider_on(moved_on),
            to_provider=to_municipality.provider_on(moved_on),
            recorded_by=actor,
        )
        client.municipality = to_municipality
        if move.is_handover:
            record_release(actor, client, client.manager, moved_on)
            client.manager = None
        client.save_new_version("municipality", "manager")
        withdraw_alerts_out_of_scope(client)
        record(
            actor,
            AuditEntry.Action.CHANGE,
            client,
            label=client.aktenzeichen,
            event="handover" if move.is_handover else "moved",
        )
    return move


@person_records("clients")
def _client_records(person_id: int):
    yield Client, [person_id]
    yield WindowExtension, WindowExtension.objects.filter(client_id=person_id).values("pk")


def withdraw_alerts_out_of_scope(client: Client) -> int:
    """After a move: case workers who no longer see the person lose every alert about him
    (his name, Aktenzeichen and deadlines), done ones included. The coordinating office's
    alerts stay: they name no person and may be what the move resolves."""
    case_workers = get_user_model().objects.filter(
        pk__in=alerts_about_person(client.pk).values("recipient_id"),
        staff__role__in=[Role.MANAGER, Role.TEAM_LEAD],
    )
    gone = [
        user.pk
        for user in case_workers
        if not Client.objects.visible_to(user).filter(pk=client.pk).exists()
    ]
    return withdraw_alerts(client.pk, gone)


# --- consents ---------------------------------------------------------------------------


def give_consent(
    actor,
    client: Client,
    kind: str,
    given_on: dt.date,
    categories: Sequence[str] = (),
    note: str = "",
) -> Consent:
    """Record a consent; a Jobcenter consent names at least one data category (its scope)."""
    if given_on > timezone.localdate():
        raise ServiceError("Das Datum der Einwilligung darf nicht in der Zukunft liegen.")
    chosen = set(categories)
    if chosen - set(ConsentCategory.values):
        raise ServiceError("Unbekannte Datenkategorie in der Einwilligung.")
    if kind == Consent.Kind.JOBCENTER and not chosen:
        raise ServiceError(
            "Bitte wählen Sie, welche Daten an das Jobcenter weitergegeben werden dürfen."
        )
    # Stored in the fixed order of the list; only the Jobcenter consent has categories.
    ordered = [value for value in ConsentCategory.values if value in chosen]
    with transaction.atomic():
        client = _locked_for(actor, client)
        consent = Consent.objects.create(
            client=client,
            kind=kind,
            given_on=given_on,
            categories=ordered if kind == Consent.Kind.JOBCENTER else [],
            note=note.strip(),
            recorded_by=actor,
        )
        record(actor, AuditEntry.Action.CHANGE, client, label=client.aktenzeichen, event="consent")
    return consent


def revoke_consent(actor, consent: Consent, revoked_on: dt.date) -> Consent:
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        _locked_for(actor, consent.client)
        if consent.revoked_on:
            raise ServiceError("Diese Einwilligung ist bereits widerrufen.")
        if revoked_on < consent.given_on:
            raise ServiceError("Der Widerruf kann nicht vor der Einwilligung liegen.")
        consent.revoked_on = revoked_on
        consent.save(update_fields=["revoked_on"])
        record(
            actor,
            AuditEntry.Action.CHANGE,
            consent.client,
            label=consent.client.aktenzeichen,
            event="consent_revoked",
        )
    return consent


@dataclass(frozen=True)
class Handover:
    """A made Übermittlungsbogen: its record and the PDF."""

    transmission: JobcenterTransmission
    pdf: bytes


def hand_over_to_jobcenter(actor, client: Client, today: dt.date) -> Handover:
    """Make the Übermittlungsbogen on the client's valid Jobcenter consent, record it (who,
    when, which categories, the consent, the PDF's SHA-256) and audit it; refused in German
    without a valid consent with categories."""
    # Imported here: the sheet renders templates and loads WeasyPrint, which the other
    # services do not need.
    from clients import jobcenter

    with transaction.atomic():
        client = _locked_for(actor, client)
        consent = jobcenter.valid_jobcenter_consent(client, today)
        if message := jobcenter.refusal(consent):
            raise ServiceError(message)
        provider = Provider.objects.get(pk=scope_for(actor).provider_id)
        sheet = jobcenter.build_sheet(actor, client, consent, provider, today)
        pdf = jobcenter.render_sheet_pdf(sheet)
        transmission = JobcenterTransmission.objects.create(
            client=client,
            provider=provider,
            created_by=actor,
            categories=sheet.categories,
            consent=consent,
            consent_given_on=consent.given_on,
            sha256=hashlib.sha256(pdf).hexdigest(),
        )
        record(
            actor,
            AuditEntry.Action.EXPORT,
            client,
            label=client.aktenzeichen,
            event="jobcenter_transmission",
            transmission=str(transmission.code),
            categories=sheet.categories,
            consent_given_on=consent.given_on.isoformat(),
            sha256=transmission.sha256,
        )
    return Handover(transmission, pdf)


# --- consultations ----------------------------------------------------------------------


@dataclass
class ReferralInput:
    """A referral of a contact; ``pk`` names an existing one when a contact is edited."""

    service: RegularService
    note: str = ""
    status: str = Referral.Status.REFERRED
    pk: int | None = None


@dataclass
class ConsultationInput:
    clients: Sequence[Client]
    date: dt.date
    duration_minutes: int
    kind: str = Consultation.Kind.COUNSELLING
    setting: str = Consultation.Setting.OFFICE_HOURS
    topics: Iterable[Topic] = ()
    referrals: Sequence[ReferralInput] = field(default_factory=list)
    interpreter_language: str = ""
    note: str = ""
    next_appointment: dt.datetime | None = None


def funded_participation(client: Client, day: dt.date, provider) -> bool:
    """True if the contact counts as funded; raises if it may not be stored at all."""
    window = client.window
    if window is not None and window.contains(day):
        return True
    if provider.counsels_beyond_window:
        return False
    if window is None:
        raise ServiceError(
            f"{client.full_name} gehört nicht zur Zielgruppe (keine Zuweisung in die AU, "
            "kein § 24 AufenthG): ein geförderter Kontakt ist nicht möglich."
        )
    if day < window.start:
        raise ServiceError(
            f"Der Kontakt liegt vor dem Beginn des Beratungszeitraums von {client.full_name} "
            f"({german_date(window.start)})."
        )
    raise ServiceError(
        f"Der Beratungszeitraum von {client.full_name} endete am {german_date(window.end)}. "
        "Ein Kontakt danach kann nicht als Beratung erfasst werden."
    )


def _check_participants(actor, clients: Sequence[Client]) -> None:
    if not clients:
        raise ServiceError("Bitte wählen Sie mindestens eine Person aus.")
    visible = set(
        Client.objects.visible_to(actor)
        .filter(pk__in=[c.pk for c in clients])
        .values_list("pk", flat=True)
    )
    if len(visible) != len({c.pk for c in clients}):
        raise ServiceError("Mindestens eine Person liegt nicht in Ihrem Zuständigkeitsbereich.")
    households = {c.household_id for c in clients}
    if len(clients) > 1 and (None in households or len(households) > 1):
        raise ServiceError(
            "Ein gemeinsamer Kontakt ist nur mit Mitgliedern eines Haushalts möglich."
        )


def _validate_input(data: ConsultationInput) -> None:
    if data.date > timezone.localdate():
        raise ServiceError("Ein Kontakt kann nicht in der Zukunft liegen.")
    if not 1 <= data.duration_minutes <= 600:
        raise ServiceError("Die Dauer muss zwischen 1 und 600 Minuten liegen.")


def log_consultation(actor, data: ConsultationInput) -> Consultation:
    scope = scope_for(actor)
    if not scope.is_case_worker:
        raise ServiceError("Nur Integrationsmanager:innen und Teamleitungen erfassen Kontakte.")
    _validate_input(data)
    _check_participants(actor, data.clients)
    provider = Provider.objects.get(pk=scope.provider_id)
    funded = {c.pk: funded_participation(c, data.date, provider) for c in data.clients}
    with transaction.atomic():
        consultation = Consultation.objects.create(
            provider=provider,
            date=data.date,
            duration_minutes=data.duration_minutes,
            kind=data.kind,
            setting=data.setting,
            interpreter_language=data.interpreter_language.strip(),
            note=data.note.strip(),
            next_appointment=data.next_appointment,
            recorded_by=actor,
        )
        _set_topics_quietly(consultation, data.topics)
        ConsultationParticipant.objects.bulk_create(
            ConsultationParticipant(consultation=consultation, client=c, funded=funded[c.pk])
            for c in data.clients
        )
        _create_referrals(consultation, data.referrals)
        complete_first_version(consultation)
        for client in data.clients:
            record(
                actor,
                AuditEntry.Action.CHANGE,
                client,
                label=client.aktenzeichen,
                event="consultation",
            )
    return consultation


def update_consultation(
    actor, consultation: Consultation, data: ConsultationInput, expected_version: int
) -> Consultation:
    """Edit a contact, its participants and referrals; the earlier state stays in its history.

    ``data.clients`` are the participants the actor chose; a participant he no longer sees
    (moved to another provider) stays. ``data.referrals`` is the complete new list: an entry
    with ``pk`` keeps (and may change) that referral, one without is added, a missing one is
    removed. Refuses a stale edit and a withdrawn contact."""
    _validate_input(data)
    with transaction.atomic():
        current = _locked_consultation(actor, consultation, expected_version)
        before = list(current.participants.select_related("client"))
        hidden = _hidden_participants(actor, before)
        chosen = list(data.clients)
        _check_participants(actor, chosen)
        clients = {c.pk: c for c in [*chosen, *hidden]}
        funded = {
            pk: funded_participation(c, data.date, current.provider) for pk, c in clients.items()
        }
        current.date = data.date
        current.duration_minutes = data.duration_minutes
        current.kind = data.kind
        current.setting = data.setting
        current.interpreter_language = data.interpreter_language.strip()
        current.note = data.note.strip()
        current.next_appointment = data.next_appointment
        _replace_participants(current, before, funded)
        _replace_referrals(current, data.referrals)
        _set_topics_quietly(current, data.topics)
        # One new version with everything: fields, topics, participants and referrals.
        current.save_new_version(*CONSULTATION_FIELDS)
        touched = {p.client_id: p.client for p in before} | clients
        for client in touched.values():
            record(
                actor,
                AuditEntry.Action.CHANGE,
                client,
                label=client.aktenzeichen,
                event="consultation_changed",
            )
    return current


def withdraw_consultation(
    actor, consultation: Consultation, reason: str, expected_version: int | None
) -> Consultation:
    """Withdraw (stornieren) a wrongly entered contact: it stays in the history, the timeline
    and the audit log, marked with date, user and reason, and leaves every figure. Who may edit
    the contact may withdraw it; it cannot be changed afterwards."""
    reason = reason.strip()
    if not reason:
        raise ServiceError({"reason": "Bitte geben Sie den Grund der Stornierung an."})
    with transaction.atomic():
        current = _locked_consultation(actor, consultation, expected_version)
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.withdrawal_reason = reason
        current.save_new_version("withdrawn_at", "withdrawn_by", "withdrawal_reason")
        for participant in ConsultationParticipant.all_objects.filter(
            consultation=current
        ).select_related("client"):
            record(
                actor,
                AuditEntry.Action.CHANGE,
                participant.client,
                label=participant.client.aktenzeichen,
                event="consultation_withdrawn",
            )
    return current


def _set_topics_quietly(consultation: Consultation, topics: Iterable[Topic]) -> None:
    """Set the topics without a version of their own: the caller writes one with them."""
    consultation.skip_history_when_saving = True
    try:
        consultation.topics.set(list(topics))
    finally:
        del consultation.skip_history_when_saving


def _locked_consultation(
    actor, consultation: Consultation, expected_version: int | None
) -> Consultation:
    """The contact locked for a change by a case worker who sees it; a withdrawn one is
    refused (it is seen, but no longer changed)."""
    if not scope_for(actor).is_case_worker:
        raise ServiceError("Nur Integrationsmanager:innen und Teamleitungen ändern Kontakte.")
    current = lock_visible(
        actor,
        Consultation.all_objects,
        consultation.pk,
        expected_version,
        refusal=CONSULTATION_NOT_VISIBLE,
    )
    if current.is_withdrawn:
        raise ServiceError(CONSULTATION_WITHDRAWN)
    return current


def _hidden_participants(actor, participants: list[ConsultationParticipant]) -> list[Client]:
    visible = set(
        Client.objects.visible_to(actor)
        .filter(pk__in=[p.client_id for p in participants])
        .values_list("pk", flat=True)
    )
    return [p.client for p in participants if p.client_id not in visible]


def _replace_participants(
    consultation: Consultation, before: list[ConsultationParticipant], funded: dict[int, bool]
) -> None:
    for participant in before:
        if participant.client_id not in funded:
            participant.delete()
        elif participant.funded != funded[participant.client_id]:
            participant.funded = funded[participant.client_id]
            participant.save(update_fields=["funded"])
    kept = {p.client_id for p in before}
    ConsultationParticipant.objects.bulk_create(
        ConsultationParticipant(consultation=consultation, client_id=pk, funded=is_funded)
        for pk, is_funded in funded.items()
        if pk not in kept
    )


def _replace_referrals(consultation: Consultation, referrals: Sequence[ReferralInput]) -> None:
    existing = {r.pk: r for r in consultation.referrals.select_for_update()}
    wanted = {r.pk for r in referrals if r.pk is not None}
    if not wanted <= existing.keys():
        raise ServiceError("Diese Vermittlung gehört nicht zu diesem Kontakt.")
    for pk, referral in existing.items():
        if pk not in wanted:
            referral.delete()
    for data in referrals:
        if data.pk is None:
            _create_referrals(consultation, [data])
            continue
        referral = existing[data.pk]
        if (referral.service_id, referral.note) != (data.service.pk, data.note.strip()):
            referral.service = data.service
            referral.note = data.note.strip()
            referral.save(update_fields=["service", "note"])  # the status is not the form's


def update_referral_status(actor, referral: Referral, status: str, on: dt.date) -> Referral:
    if status not in Referral.Status.values:
        raise ServiceError("Unbekannter Stand der Vermittlung.")
    with transaction.atomic():
        referral = Referral.all_objects.select_for_update().filter(pk=referral.pk).first()
        if referral is None:  # removed from its contact in the meantime
            raise ServiceError("Diese Vermittlung wurde inzwischen aus dem Kontakt entfernt.")
        _visible_consultation(actor, referral.consultation_id)
        referral.status = status
        referral.status_changed_on = on
        referral.save()
        for participant in referral.consultation.participants.select_related("client"):
            record(
                actor,
                AuditEntry.Action.CHANGE,
                participant.client,
                label=participant.client.aktenzeichen,
                event="referral_status",
            )
    return referral


def _visible_consultation(actor, consultation_id: int) -> None:
    found = Consultation.all_objects.visible_to(actor).filter(pk=consultation_id).first()
    if found is None:
        raise ServiceError(CONSULTATION_NOT_VISIBLE)
    if found.is_withdrawn:
        raise ServiceError(CONSULTATION_WITHDRAWN)


def _create_referrals(consultation: Consultation, referrals: Sequence[ReferralInput]) -> None:
    # One by one (not bulk) so each referral starts its own history.
    today = timezone.localdate()
    for referral in referrals:
        Referral.objects.create(
            consultation=consultation,
            service=referral.service,
            note=referral.note.strip(),
            status=referral.status,
            status_changed_on=today,
        )
