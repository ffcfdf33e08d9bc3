"""The funding year: created and edited by the coordinating office, with its deductions."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from funding.models import (
    Deduction,
    FundingYear,
    PersonList,
    default_list_deadline,
    default_usage_deadline,
)
from funding.models import default_period as period_for
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Role

YEAR_FIELDS = (
    "land_total",
    "quota_percent",
    "amount_entered",
    "period_start",
    "period_end",
    "reference_date",
    "list_deadline",
    "usage_deadline",
)
PERIOD_FIELDS = ("period_start", "period_end", "reference_date")


def _require_office(actor) -> None:
    if scope_for(actor).role != Role.OFFICE:
        raise ServiceError("Das Förderverfahren führt die Koordinierungsstelle.")


def _fill_defaults(data: dict, year: int) -> dict:
    """Empty dates take the defaults for the year (period, Stichtag = end, deadline)."""
    start, end = period_for(year)
    filled = dict(data)
    filled["period_start"] = data.get("period_start") or start
    filled["period_end"] = data.get("period_end") or end
    filled["reference_date"] = data.get("reference_date") or filled["period_end"]
    filled["list_deadline"] = data.get("list_deadline") or default_list_deadline(year)
    filled["usage_deadline"] = data.get("usage_deadline") or default_usage_deadline(year)
    return filled


def _validated(funding_year: FundingYear) -> None:
    try:
        funding_year.full_clean(exclude=["landkreis"])
    except ValidationError as error:
        raise ServiceError(
            error.message_dict if hasattr(error, "message_dict") else error
        ) from None


def create_year(actor, landkreis: Landkreis, year: int, data: dict) -> FundingYear:
    """A new funding year of the office's Kreis; cost per VZÄ and threshold from the settings."""
    _require_office(actor)
    if scope_for(actor).landkreis_id != landkreis.pk:
        raise ServiceError("Sie können nur Förderjahre Ihres Kreises anlegen.")
    with transaction.atomic():
        if FundingYear.objects.filter(landkreis=landkreis, year=year).exists():
            raise ServiceError(f"Das Förderjahr {year} ist bereits angelegt.")
        data = _fill_defaults(data, year)
        funding_year = FundingYear(
            landkreis=landkreis, year=year, **{k: data.get(k) for k in YEAR_FIELDS}
        )
        _validated(funding_year)
        funding_year.save()
        record(actor, AuditEntry.Action.CREATE, funding_year, label=str(funding_year))
    return funding_year


def lock_year(actor, funding_year: FundingYear, expected_version: int | None = None) -> FundingYear:
    """The office's funding year, locked for the caller's transaction (refused for anyone else,
    or when it changed since the user's page was built)."""
    _require_office(actor)
    return lock_visible(
        actor,
        FundingYear.objects,
        funding_year.pk,
        expected_version,
        refusal="Dieses Förderjahr gehört nicht zu Ihrem Kreis.",
    )


def update_year(
    actor, funding_year: FundingYear, data: dict, expected_version: int | None
) -> FundingYear:
    """Change amounts and dates; the period is fixed once lists have been sent."""
    with transaction.atomic():
        locked = lock_year(actor, funding_year, expected_version)
        data = _fill_defaults(data, locked.year)
        sent = locked.lists.exclude(status=PersonList.Status.DRAFT).exists()
        if sent and any(data[name] != getattr(locked, name) for name in PERIOD_FIELDS):
            raise ServiceError(
                "Betrachtungszeitraum und Stichtag können nach dem Versand der Listen nicht mehr "
                "geändert werden: die Gemeinden prüfen ihre Listen für diesen Zeitraum."
            )
        changed = [name for name in YEAR_FIELDS if data.get(name) != getattr(locked, name)]
        for name in YEAR_FIELDS:
            setattr(locked, name, data.get(name))
        _validated(locked)
        if not changed:
            return locked
        locked.save_new_version(*changed)
        record(actor, AuditEntry.Action.CHANGE, locked, label=str(locked), fields=changed)
    return locked


def add_deduction(
    actor, funding_year: FundingYear, name: str, amount: Decimal, expected_version: int | None
) -> Deduction:
    """An amount taken off before the split; all deductions together stay within the Kreis
    amount."""
    name = name.strip()
    if not name:
        raise ServiceError("Bitte geben Sie eine Bezeichnung für den Abzug an.")
    if amount <= 0:
        raise ServiceError("Der Betrag des Abzugs muss größer als null sein.")
    with transaction.atomic():
        locked = lock_year(actor, funding_year, expected_version)
        kreis_amount = locked.kreis_amount
        if kreis_amount is not None and locked.deductions_total + amount > kreis_amount:
            raise ServiceError("Die Vorwegabzüge wären zusammen höher als der Betrag des Kreises.")
        deduction = Deduction.objects.create(funding_year=locked, name=name, amount=amount)
        locked.save_new_version()
        record(
            actor,
            AuditEntry.Action.CHANGE,
            locked,
            label=str(locked),
            event="deduction_added",
            name=name,
            amount=str(amount),
        )
    return deduction


def remove_deduction(
    actor, funding_year: FundingYear, deduction_id: int, expected_version: int | None
) -> None:
    with transaction.atomic():
        locked = lock_year(actor, funding_year, expected_version)
        deduction = locked.deductions.filter(pk=deduction_id).first()
        if deduction is None:
            raise ServiceError("Dieser Abzug ist nicht (mehr) vorhanden.")
        deduction.delete()
        locked.save_new_version()
        record(
            actor,
            AuditEntry.Action.CHANGE,
            locked,
            label=str(locked),
            event="deduction_removed",
            name=deduction.name,
            amount=str(deduction.amount),
        )


def report_deduction_use(
    actor, funding_year: FundingYear, deduction_id: int, data: dict, expected_version: int | None
) -> Deduction:
    """After the year the office enters what a Vorwegabzug (the coordinating position, …) was
    spent on, for the Gesamtverwendungsnachweis."""
    errors = {
        name: "Der Wert darf nicht negativ sein."
        for name in ("spent", "vza")
        if data.get(name) is not None and data[name] < 0
    }
    if errors:
        raise ServiceError(errors)
    note = " ".join((data.get("use_note") or "").split())
    with transaction.atomic():
        locked = lock_year(actor, funding_year, expected_version)
        deduction = locked.deductions.select_for_update().filter(pk=deduction_id).first()
        if deduction is None:
            raise ServiceError("Dieser Abzug ist nicht (mehr) vorhanden.")
        values = {"spent": data.get("spent"), "vza": data.get("vza"), "use_note": note}
        changed = [name for name, value in values.items() if getattr(deduction, name) != value]
        if not changed:
            return deduction
        for name, value in values.items():
            setattr(deduction, name, value)
        deduction.save(update_fields=changed)
        locked.save_new_version()
        record(
            actor,
            AuditEntry.Action.CHANGE,
            locked,
            label=str(locked),
            event="deduction_use_reported",
            name=deduction.name,
            spent=str(deduction.spent),
            vza=str(deduction.vza),
        )
    return deduction
