"""Decisions on who runs IM from 1 January: recorded by the municipality, confirmed by the office,
which sets the provider of the municipality from 1 January; quarterly invoices of a cooperation.

Confirming is the only place that changes ``ProviderArea`` rows for a funding year: the area
running into the year ends on 31 December before it, the new one starts on 1 January. Past
years are never touched: a decision is confirmed (or reopened) only before its year begins.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from funding.invoice import invoice_figures, invoice_number, quarter_shares
from funding.models import (
    CooperationInvoice,
    Decision,
    FundingYear,
    quarter_period,
)
from funding.models.decisions import QUARTERS, latest_revision
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.dates import german_date
from imcase.errors import ServiceError, StaleVersionError
from imcase.locking import check_version, lock_visible
from imcase.organisation.access import scope_for
from imcase.organisation.models import Municipality, Provider, ProviderArea, Role

TERM_FIELDS = (
    "mode",
    "seat",
    "serving_municipality",
    "organisation",
    "passed_by",
    "weekly_hours",
    "billing",
    "hourly_rate",
    "quarterly_flat",
    "resolution_date",
    "note",
)
K = Provider.Kind
M = Decision.Mode

# --- the municipality records its decision ---------------------------------------------------


def clean_terms(municipality: Municipality, data: dict) -> dict:
    """The decision's fields for its mode (others cleared); ServiceError per field in German."""
    mode = data.get("mode")
    terms = dict.fromkeys(TERM_FIELDS)
    terms.update(
        mode=mode,
        billing="",
        organisation="",
        passed_by="",
        note=(data.get("note") or "").strip(),
        resolution_date=data.get("resolution_date"),
        partners=[],
    )
    errors: dict[str, str] = {}

    def other_town(town: Municipality | None) -> bool:
        return town.landkreis_id == municipality.landkreis_id and town.pk != municipality.pk

    if mode not in M.values:
        errors["mode"] = "Bitte wählen Sie, wer das Integrationsmanagement durchführt."
    elif mode == M.VERBUND:
        partners = list(data.get("partners") or [])
        seat = data.get("seat")
        if not partners:
            errors["partners"] = "Bitte wählen Sie die Gemeinden, mit denen Sie den Verbund bilden."
        elif not all(other_town(p) for p in partners):
            errors["partners"] = "Partner im Verbund sind andere Gemeinden desselben Kreises."
        members = {municipality.pk, *(p.pk for p in partners)}
        if seat is None:
            errors["seat"] = "Bitte geben Sie an, welche Gemeinde die Stelle des Verbunds trägt."
        elif seat.pk not in members:
            errors["seat"] = "Die Sitzgemeinde muss selbst zum Verbund gehören."
        terms.update(partners=sorted(partners, key=lambda p: p.name), seat=seat)
    elif mode == M.KOOPERATION:
        serving = data.get("serving_municipality")
        if serving is None:
            errors["serving_municipality"] = (
                "Bitte wählen Sie die Gemeinde, die das Integrationsmanagement für Ihre Gemeinde "
                "übernimmt."
            )
        elif not other_town(serving):
            errors["serving_municipality"] = (
                "Eine Kooperation ist mit einer anderen Gemeinde desselben Kreises möglich."
            )
        hours = data.get("weekly_hours")
        if hours is None or hours <= 0:
            errors["weekly_hours"] = "Bitte geben Sie die vereinbarten Wochenstunden an."
        billing = data.get("billing")
        if billing == Decision.Billing.HOURLY:
            rate = data.get("hourly_rate")
            if rate is None or rate <= 0:
                errors["hourly_rate"] = "Bitte geben Sie den vereinbarten Stundensatz (netto) an."
            terms["hourly_rate"] = rate
        elif billing == Decision.Billing.FLAT:
            flat = data.get("quarterly_flat")
            if flat is None or flat <= 0:
                errors["quarterly_flat"] = "Bitte geben Sie die Pauschale je Quartal (netto) an."
            terms["quarterly_flat"] = flat
        else:
            errors["billing"] = "Bitte wählen Sie, wie die Kooperation abgerechnet wird."
        terms.update(serving_municipality=serving, weekly_hours=hours, billing=billing or "")
    elif mode == M.WOHLFAHRT:
        organisation = " ".join((data.get("organisation") or "").split())
        passed_by = data.get("passed_by") or ""
        if not organisation:
            errors["organisation"] = (
                "Bitte geben Sie den Träger der freien Wohlfahrtspflege an, dem die Aufgabe "
                "übertragen wird."
            )
        if passed_by not in Decision.PassedBy.values:
            errors["passed_by"] = (
                "Bitte geben Sie an, ob die Gemeinde oder der Landkreis die Aufgabe überträgt."
            )
        terms.update(organisation=organisation, passed_by=passed_by)
    if errors:
        raise ServiceError(errors)
    return terms


def _write(decision: Decision, creating: bool, terms: dict, actor) -> None:
    """Store the terms as the decision's new version, recorded by ``actor`` now."""
    for name, value in terms.items():
        setattr(decision, name, value)
    decision.recorded_at = timezone.now()
    decision.recorded_by = actor
    try:
        with transaction.atomic():
            if creating:
                decision.save()
            else:
                decision.save_new_version(*terms, "recorded_at", "recorded_by")
    except IntegrityError:  # someone recorded the same municipality's decision just now
        raise StaleVersionError() from None


def record_decision(
    actor, funding_year: FundingYear, data: dict, expected_version: int | None = None
) -> Decision:
    """The municipality user records (or changes, until confirmed) his municipality's
    decision for ``funding_year``."""
    scope = scope_for(actor)
    if scope.role != Role.MUNICIPALITY or not scope.municipality_id:
        raise ServiceError("Die Entscheidung meldet die Gemeinde.")
    with transaction.atomic():
        municipality = Municipality.objects.get(pk=scope.municipality_id)
        if municipality.landkreis_id != funding_year.landkreis_id:
            raise ServiceError("Dieses Förderjahr gehört nicht zu Ihrem Kreis.")
        terms = clean_terms(municipality, data)
        partners = terms.pop("partners")
        decision = (
            Decision.objects.select_for_update()
            .filter(funding_year=funding_year, municipality=municipality)
            .first()
        )
        creating = decision is None
        if creating:
            decision = Decision(funding_year=funding_year, municipality=municipality)
        else:
            check_version(decision, expected_version)
            if not decision.is_editable:
                raise ServiceError(
                    "Die Entscheidung ist bereits bestätigt. Für eine Änderung bitten Sie die "
                    "Koordinierungsstelle, sie wieder zu öffnen."
                )
        _write(decision, creating, terms, actor)
        decision.partners.set(partners)
        record(
            actor,
            AuditEntry.Action.CREATE if creating else AuditEntry.Action.CHANGE,
            decision,
            label=str(decision),
            mode=decision.mode,
        )
    return decision


def pass_to_welfare(
    actor,
    funding_year: FundingYear,
    municipality: Municipality,
    data: dict,
    expected_version: int | None = None,
) -> Decision:
    """The Landkreis passes its own task for ``municipality`` to a welfare organisation
    (Nr. 3.2 VwV IntM): the office records the decision, as the municipality would. Only where
    the task is the Landkreis's: no decision yet, or one for the Landkreis (or its earlier
    transfer), not yet confirmed."""
    if scope_for(actor).role != Role.OFFICE:
        raise ServiceError("Die Aufgabe des Landkreises überträgt die Koordinierungsstelle.")
    if scope_for(actor).landkreis_id != funding_year.landkreis_id:
        raise ServiceError("Dieses Förderjahr gehört nicht zu Ihrem Kreis.")
    if municipality.landkreis_id != funding_year.landkreis_id:
        raise ServiceError("Diese Gemeinde gehört nicht zu Ihrem Kreis.")
    terms = clean_terms(
        municipality,
        {**data, "mode": M.WOHLFAHRT, "passed_by": Decision.PassedBy.LANDKREIS},
    )
    terms.pop("partners")
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update()
            .filter(funding_year=funding_year, municipality=municipality)
            .first()
        )
        creating = decision is None
        if creating:
            decision = Decision(funding_year=funding_year, municipality=municipality)
        else:
            check_version(decision, expected_version)
            if not decision.is_editable:
                raise ServiceError(
                    "Die Entscheidung ist bereits bestätigt; öffnen Sie sie zuerst wieder."
                )
            landkreis_task = decision.mode == M.LANDKREIS or (
                decision.mode == M.WOHLFAHRT and decision.passed_by == Decision.PassedBy.LANDKREIS
            )
            if not landkreis_task:
                raise ServiceError(
                    f"{municipality.name} hat gemeldet: {decision.summary()}. Übertragen kann der "
                    "Landkreis nur seine eigene Aufgabe."
                )
        _write(decision, creating, terms, actor)
        decision.partners.set([])
        record(
            actor,
            AuditEntry.Action.CREATE if creating else AuditEntry.Action.CHANGE,
            decision,
            label=str(decision),
            mode=decision.mode,
            event="passed_by_landkreis",
        )
    return decision


# --- the office confirms: the provider from 1 January ----------------------------------------


def _locked_for_office(actor, decision: Decision, expected_version: int | None) -> Decision:
    if scope_for(actor).role != Role.OFFICE:
        raise ServiceError("Entscheidungen bestätigt die Koordinierungsstelle.")
    return lock_visible(
        actor,
        Decision.objects.select_related(
            "funding_year__landkreis", "municipality", "seat", "serving_municipality"
        ),
        decision.pk,
        expected_version,
        refusal="Diese Entscheidung gehört nicht zu Ihrem Kreis.",
    )


def _before_the_year(decision: Decision, today: dt.date | None, what: str) -> None:
    year = decision.funding_year.year
    if (today or timezone.localdate()) >= dt.date(year, 1, 1):
        raise ServiceError(
            f"Das Jahr {year} hat bereits begonnen: {what} ist nur vor dem 1. Januar {year} "
            "möglich, denn ein Trägerwechsel gilt nie rückwirkend."
        )


def _new_provider(landkreis, name: str, kind: str, seat: Municipality | None) -> Provider:
    base, number = name, 2
    while Provider.objects.filter(landkreis=landkreis, name=name).exists():
        name, number = f"{base} {number}", number + 1
    provider = Provider(landkreis=landkreis, name=name, kind=kind, seat=seat)
    provider.full_clean()
    provider.save()
    return provider


def _seated(landkreis, seat: Municipality, kinds: tuple[str, ...], name: str) -> Provider:
    """The provider seated in ``seat`` of the first of ``kinds`` that exists, else a new one of
    the first kind: a town in Eigenregie that also serves a neighbour stays one provider."""
    found = {
        p.kind: p
        for p in Provider.objects.filter(landkreis=landkreis, seat=seat, kind__in=kinds).order_by(
            "-pk"
        )
    }
    for kind in kinds:
        if kind in found:
            return found[kind]
    return _new_provider(landkreis, name, kinds[0], seat)


def provider_for(decision: Decision) -> Provider:
    """The provider that follows from the decision; created if there is none yet."""
    landkreis = decision.funding_year.landkreis
    town = decision.municipality
    if decision.mode == M.LANDKREIS:
        found = Provider.objects.filter(landkreis=landkreis, kind=K.LANDKREIS).order_by("pk")
        return found.first() or _new_provider(
            landkreis, f"{landkreis.name} (Landratsamt)", K.LANDKREIS, None
        )
    if decision.mode == M.EIGENREGIE:
        return _seated(landkreis, town, (K.EIGENREGIE, K.KOOPERATION), f"{town.name} (Eigenregie)")
    if decision.mode == M.WOHLFAHRT:
        found = Provider.objects.filter(
            landkreis=landkreis, kind=K.WOHLFAHRT, name=decision.organisation
        ).first()
        return found or _new_provider(landkreis, decision.organisation, K.WOHLFAHRT, None)
    if decision.mode == M.VERBUND:
        names = sorted([town.name, *(p.name for p in decision.partners.all())])
        return _seated(landkreis, decision.seat, (K.VERBUND,), "Verbund " + "–".join(names))
    serving = decision.serving_municipality
    current = serving.provider_on(dt.date(decision.funding_year.year, 1, 1))
    if current and current.seat_id == serving.pk and current.kind in (K.EIGENREGIE, K.KOOPERATION):
        return current
    return _seated(
        landkreis, serving, (K.KOOPERATION, K.EIGENREGIE), f"{serving.name} (Kooperation)"
    )


def apply_provider(municipality: Municipality, provider: Provider, year: int) -> bool:
    """Make ``provider`` serve ``municipality`` from 1 January of ``year``; True if anything
    changed. The area running into the year ends on 31 December before it."""
    start = dt.date(year, 1, 1)
    day_before = start - dt.timedelta(days=1)
    areas = ProviderArea.objects.select_for_update().filter(municipality=municipality)
    at_start = areas.filter(valid_from=start).first()
    if at_start is not None:
        if at_start.provider_id == provider.pk:
            return False
        at_start.provider = provider
        at_start.full_clean()
        at_start.save(update_fields=["provider"])
        return True
    current = areas.active_on(day_before).first()
    runs_on = current is not None and (current.valid_until is None or current.valid_until >= start)
    if runs_on and current.provider_id == provider.pk:
        return False
    if runs_on:
        until = current.valid_until
        current.valid_until = day_before
        current.full_clean()
        current.save(update_fields=["valid_until"])
    else:
        later = areas.filter(valid_from__gt=start).order_by("valid_from").first()
        until = later.valid_from - dt.timedelta(days=1) if later else None
    area = ProviderArea(
        provider=provider, municipality=municipality, valid_from=start, valid_until=until
    )
    area.full_clean()
    area.save()
    return True


def confirm_decision(
    actor, decision: Decision, expected_version: int | None, today: dt.date | None = None
) -> Decision:
    """The office confirms; the municipality's provider from 1 January follows from it."""
    with transaction.atomic():
        locked = _locked_for_office(actor, decision, expected_version)
        if locked.status == Decision.Status.CONFIRMED:
            raise ServiceError("Die Entscheidung ist bereits bestätigt.")
        _before_the_year(locked, today, "die Bestätigung")
        provider = provider_for(locked)
        changed = apply_provider(locked.municipality, provider, locked.funding_year.year)
        locked.status = Decision.Status.CONFIRMED
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = actor
        locked.provider = provider
        locked.save_new_version("status", "confirmed_at", "confirmed_by", "provider")
        record(
            actor,
            AuditEntry.Action.CHANGE,
            locked,
            label=str(locked),
            event="decision_confirmed",
            provider=provider.name,
            area_changed=changed,
        )
    return locked


def reopen_decision(
    actor, decision: Decision, expected_version: int | None, today: dt.date | None = None
) -> Decision:
    """Give a confirmed decision back to the municipality. The provider stays as set until the
    decision is confirmed again (then it follows the new decision)."""
    with transaction.atomic():
        locked = _locked_for_office(actor, decision, expected_version)
        if locked.status != Decision.Status.CONFIRMED:
            raise ServiceError("Nur eine bestätigte Entscheidung kann wieder geöffnet werden.")
        _before_the_year(locked, today, "eine Änderung")
        if locked.invoices.exists():
            raise ServiceError(
                "Für diese Kooperation wurden schon Rechnungen erstellt; sie bleibt bestehen."
            )
        locked.status = Decision.Status.RECORDED
        locked.save_new_version("status")
        record(actor, AuditEntry.Action.CHANGE, locked, label=str(locked), event="reopened")
    return locked


# --- quarterly invoices of a cooperation -----------------------------------------------------


def issue_invoice(
    actor, decision: Decision, quarter: int, today: dt.date | None = None
) -> tuple[CooperationInvoice, bool]:
    """Issue the invoice of ``quarter`` (serving municipality or office) with every figure
    frozen; returns the existing one unchanged if it was issued before."""
    scope = scope_for(actor)
    with transaction.atomic():
        locked = lock_visible(
            actor,
            Decision.objects.select_related("funding_year", "municipality", "serving_municipality"),
            decision.pk,
            None,
            refusal="Diese Entscheidung liegt nicht in Ihrem Zuständigkeitsbereich.",
        )
        serving = scope.role == Role.MUNICIPALITY and (
            scope.municipality_id == locked.serving_municipality_id
        )
        if scope.role != Role.OFFICE and not serving:
            raise ServiceError("Die Rechnung stellt die Gemeinde, die die Leistung erbringt.")
        if locked.mode != M.KOOPERATION or locked.status != Decision.Status.CONFIRMED:
            raise ServiceError("Rechnungen gibt es nur für eine bestätigte Kooperation.")
        if quarter not in QUARTERS:
            raise ServiceError("Ein Jahr hat die Quartale 1 bis 4.")
        existing = locked.invoices.filter(quarter=quarter).first()
        if existing is not None:
            return existing, False
        year = locked.funding_year.year
        start, end = quarter_period(year, quarter)
        if (today or timezone.localdate()) < start:
            raise ServiceError(
                f"Die Rechnung für das {quarter}. Quartal {year} kann ab dem "
                f"{german_date(start)} erstellt werden."
            )
        invoice = _new_invoice(actor, locked, quarter, start, end)
        record(
            actor,
            AuditEntry.Action.CREATE,
            invoice,
            label=str(invoice),
            net=str(invoice.net),
            gross=str(invoice.gross),
        )
    return invoice, True


def _new_invoice(actor, decision: Decision, quarter: int, start, end) -> CooperationInvoice:
    vat_percent = Decimal(settings.FUNDING_VAT_PERCENT)
    figures = invoice_figures(
        decision.billing,
        decision.weekly_hours,
        decision.hourly_rate,
        decision.quarterly_flat,
        vat_percent,
    )
    revision = latest_revision(decision.funding_year)
    allocation = (
        revision.allocations.filter(municipality=decision.municipality).first()
        if revision
        else None
    )
    served, serving = decision.municipality, decision.serving_municipality
    return CooperationInvoice.objects.create(
        decision=decision,
        quarter=quarter,
        number=invoice_number(decision.funding_year.year, served.ags, quarter),
        period_start=start,
        period_end=end,
        issued_at=timezone.now(),
        issued_by=actor,
        seller_name=serving.name,
        seller_ags=serving.ags,
        buyer_name=served.name,
        buyer_ags=served.ags,
        weekly_hours=decision.weekly_hours,
        billing=decision.billing,
        hours=figures.hours,
        rate=figures.rate,
        net=figures.net,
        vat_percent=vat_percent,
        vat=figures.vat,
        gross=figures.gross,
        allocation_amount=allocation.amount if allocation else None,
        allocation_quarter=quarter_shares(allocation.amount)[quarter] if allocation else None,
        revision_number=revision.number if allocation else None,
    )
