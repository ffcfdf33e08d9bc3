"""The Verwendungsnachweis: the provider's reporter enters and submits it, the office reviews
it or reopens it. Immutable once submitted; every change bumps ``version`` (a form loaded before
someone else's save is refused, nothing is overwritten)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from funding.formatting import number
from funding.models import REPORTING, SACHBERICHT_MAX_CHARS, FundingYear, UsageReport
from funding.models.usage import providers_reported_by
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for
from imcase.organisation.models import Provider, Role

FIGURES = ("staff_costs", "other_costs", "vza")
REOPEN_FIELDS = ("status", "reopened_at", "reopen_reason", "reviewed_at", "reviewed_by")


def start_report(actor, funding_year: FundingYear, provider: Provider) -> tuple[UsageReport, bool]:
    """The provider's report for the year, created (in progress) if there is none yet."""
    if not providers_reported_by(actor).filter(pk=provider.pk).exists():
        raise ServiceError("Den Verwendungsnachweis dieses Trägers erstellen Sie nicht.")
    if provider.kind not in REPORTING:
        raise ServiceError("Einen Verwendungsnachweis erstellen nur Träger in eigener Regie.")
    if provider.landkreis_id != funding_year.landkreis_id:
        raise ServiceError("Dieses Förderjahr gehört nicht zum Kreis des Trägers.")
    with transaction.atomic():
        report, created = UsageReport.objects.get_or_create(
            funding_year=funding_year, provider=provider
        )
        if created:
            record(actor, AuditEntry.Action.CREATE, report, label=str(report))
    return report, created


def _locked(actor, report: UsageReport, expected_version: int | None) -> UsageReport:
    return lock_visible(
        actor,
        UsageReport.objects.select_related("funding_year", "provider"),
        report.pk,
        expected_version,
        refusal="Dieser Verwendungsnachweis liegt nicht in Ihrem Bereich.",
    )


def _for_reporter(actor, report: UsageReport, expected_version: int | None) -> UsageReport:
    # The office reports only for the Landratsamt's own IM (``reporter_q``).
    own = providers_reported_by(actor).filter(pk=report.provider_id).exists()
    if scope_for(actor).role == Role.OFFICE and not own:
        raise ServiceError(
            "Den Verwendungsnachweis erstellt der Träger, nicht die Koordinierungsstelle."
        )
    locked = _locked(actor, report, expected_version)
    if not locked.is_editable:
        raise ServiceError(
            "Der Verwendungsnachweis ist eingereicht und kann nicht mehr geändert werden. Für eine "
            "Korrektur bitten Sie die Koordinierungsstelle, ihn wieder zu öffnen."
        )
    return locked


def _changed(actor, report: UsageReport, event: str, written: Sequence[str], **detail) -> None:
    report.save_new_version(*written)
    record(actor, AuditEntry.Action.CHANGE, report, label=str(report), event=event, **detail)


def save_report(
    actor, report: UsageReport, data: dict, expected_version: int | None
) -> UsageReport:
    """Save the figures and the Sachbericht while in progress (incomplete is fine)."""
    text = (data.get("sachbericht") or "").replace("\r\n", "\n").strip()
    if len(text) > SACHBERICHT_MAX_CHARS:
        raise ServiceError(
            {
                "sachbericht": f"Der Sachbericht darf höchstens {number(SACHBERICHT_MAX_CHARS, 0)} "
                f"Zeichen lang sein (etwa drei Seiten); er hat {number(len(text), 0)}."
            }
        )
    errors = {
        name: "Der Wert darf nicht negativ sein."
        for name in FIGURES
        if data.get(name) is not None and data[name] < 0
    }
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        locked = _for_reporter(actor, report, expected_version)
        values = {name: data.get(name) for name in FIGURES} | {"sachbericht": text}
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name, value in values.items():
            setattr(locked, name, value)
        _changed(actor, locked, "saved", changed, fields=changed)
    return locked


def submit_report(actor, report: UsageReport, expected_version: int | None) -> UsageReport:
    """Submit to the office; needs all figures and the Sachbericht. Read-only afterwards."""
    with transaction.atomic():
        locked = _for_reporter(actor, report, expected_version)
        missing = [
            UsageReport._meta.get_field(name).verbose_name
            for name in FIGURES
            if getattr(locked, name) is None
        ]
        if not locked.sachbericht:
            missing.append("Sachbericht")
        if missing:
            raise ServiceError(
                "Zum Einreichen fehlen noch: " + ", ".join(str(m) for m in missing) + "."
            )
        locked.status = UsageReport.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        _changed(actor, locked, "submitted", ("status", "submitted_at", "submitted_by"))
    return locked


def _for_office(actor, report: UsageReport, expected_version: int | None) -> UsageReport:
    if scope_for(actor).role != Role.OFFICE:
        raise ServiceError("Verwendungsnachweise prüft die Koordinierungsstelle.")
    return _locked(actor, report, expected_version)


def review_report(actor, report: UsageReport, expected_version: int | None) -> UsageReport:
    """The office marks a submitted report as reviewed (geprüft)."""
    with transaction.atomic():
        locked = _for_office(actor, report, expected_version)
        if locked.status != UsageReport.Status.SUBMITTED:
            raise ServiceError("Nur ein eingereichter Verwendungsnachweis kann geprüft werden.")
        locked.status = UsageReport.Status.REVIEWED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        _changed(actor, locked, "reviewed", ("status", "reviewed_at", "reviewed_by"))
    return locked


def reopen_report(
    actor, report: UsageReport, reason: str, expected_version: int | None
) -> UsageReport:
    """The office gives a submitted report back to the provider for a correction."""
    reason = reason.strip()
    if not reason:
        raise ServiceError({"reason": "Bitte geben Sie an, was der Träger korrigieren soll."})
    with transaction.atomic():
        locked = _for_office(actor, report, expected_version)
        if not locked.is_submitted:
            raise ServiceError(
                "Nur ein eingereichter Verwendungsnachweis kann wieder geöffnet werden."
            )
        locked.status = UsageReport.Status.DRAFT
        locked.reopened_at = timezone.now()
        locked.reopen_reason = reason
        locked.reviewed_at = None
        locked.reviewed_by = None
        _changed(actor, locked, "reopened", REOPEN_FIELDS)
    return locked
