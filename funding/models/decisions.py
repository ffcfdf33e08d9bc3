"""Step B of the procedure: each municipality decides who runs IM for it from 1 January.

By the end of May of the year before (Heilbronn: "bis Ende Mai 2024 … ab 01.01.2025") each
municipality tells the coordinating office whether IM stays with the Landkreis, or whether it
runs IM itself: in Eigenregie (a position of at least 0.5 VZÄ, Nr. 3.4 VwV IntM), in a Verbund
of municipalities sharing a position, or through another municipality by cooperation
(Brackenheim for Cleebronn from 2025, billed quarterly with VAT). The municipality or the
Landkreis may also pass the task to a Träger der freien Wohlfahrtspflege (Nr. 3.2 VwV IntM).
The office confirms the decision; confirming sets the municipality's provider from 1 January of
the funding year.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from funding.formatting import euro, number
from funding.models.allocation import AllocationRevision
from funding.models.year import FundingYear
from imcase.locking import Versioned
from imcase.organisation.access import NOTHING, scope_for
from imcase.organisation.models import Municipality, Provider, Role

WEEKS_PER_QUARTER = 13  # 52 weeks a year, a fourth of them per quarter
QUARTERS = (1, 2, 3, 4)


def decision_deadline(year: int) -> dt.date:
    """Municipalities decide by the end of May of the year before (Heilbronn 2023)."""
    return dt.date(year - 1, 5, 31)


def quarter_period(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar quarter."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def latest_revision(funding_year: FundingYear) -> AllocationRevision | None:
    """The published split that counts (the newest revision), if any."""
    return funding_year.revisions.order_by("-number").first()


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> DecisionQuerySet:
        """The office of the Kreis; a municipality its own decisions and those naming it (as
        the serving town of a cooperation or as a partner in a Verbund). Nobody else."""
        scope = scope_for(user)
        if scope.role == Role.OFFICE and scope.landkreis_id:
            return self.filter(funding_year__landkreis_id=scope.landkreis_id)
        if scope.role == Role.MUNICIPALITY and scope.municipality_id:
            partner_of = Decision.partners.through.objects.filter(
                municipality_id=scope.municipality_id
            ).values("decision_id")
            return self.filter(
                Q(municipality_id=scope.municipality_id)
                | Q(serving_municipality_id=scope.municipality_id)
                | Q(pk__in=partner_of)
            )
        return self.filter(NOTHING)


class Decision(Versioned, models.Model):
    """Entscheidung über die Aufgabenwahrnehmung: who runs IM for a municipality in a funding
    year. Recorded by the municipality, confirmed by the office; ``provider`` is the provider
    the confirmation set from 1 January."""

    class Mode(models.TextChoices):
        LANDKREIS = "landkreis", "durch den Landkreis"
        EIGENREGIE = "eigenregie", "in Eigenregie"
        VERBUND = "verbund", "im Verbund mit anderen Gemeinden"
        KOOPERATION = "kooperation", "durch eine andere Gemeinde (Kooperation)"
        WOHLFAHRT = "wohlfahrt", "durch einen Träger der freien Wohlfahrtspflege (Nr. 3.2)"

    class PassedBy(models.TextChoices):
        MUNICIPALITY = "municipality", "die Gemeinde"
        LANDKREIS = "landkreis", "den Landkreis"

    class Status(models.TextChoices):
        RECORDED = "recorded", "gemeldet, Bestätigung offen"
        CONFIRMED = "confirmed", "bestätigt"

    class Billing(models.TextChoices):
        HOURLY = "hourly", "nach Stunden (Wochenstunden × 13 Wochen × Stundensatz)"
        FLAT = "flat", "Pauschale je Quartal"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    funding_year = models.ForeignKey(
        FundingYear, on_delete=models.PROTECT, related_name="decisions", verbose_name="Förderjahr"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="im_decisions", verbose_name="Gemeinde"
    )
    mode = models.CharField("Aufgabenwahrnehmung", max_length=12, choices=Mode)
    partners = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name="Partner im Verbund"
    )
    seat = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Sitzgemeinde des Verbunds",
    )
    serving_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="served_decisions",
        verbose_name="Kooperation mit",
    )
    organisation = models.CharField(
        "Träger der freien Wohlfahrtspflege", max_length=160, blank=True
    )
    passed_by = models.CharField(
        "Aufgabe übertragen durch", max_length=12, choices=PassedBy, blank=True
    )
    weekly_hours = models.DecimalField(
        "vereinbarte Wochenstunden",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("168"))],
    )
    billing = models.CharField("Abrechnung", max_length=8, choices=Billing, blank=True)
    hourly_rate = models.DecimalField(
        "Stundensatz netto (EUR)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    quarterly_flat = models.DecimalField(
        "Pauschale je Quartal netto (EUR)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    resolution_date = models.DateField("Beschluss des Gemeinderats vom", null=True, blank=True)
    note = models.TextField("Bemerkung", max_length=1000, blank=True)
    status = models.CharField("Stand", max_length=10, choices=Status, default=Status.RECORDED)
    recorded_at = models.DateTimeField("gemeldet am")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("bestätigt am", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Träger ab 1. Januar",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "Entscheidung zur Aufgabenwahrnehmung"
        verbose_name_plural = "Entscheidungen zur Aufgabenwahrnehmung"
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_year", "municipality"], name="decision_unique_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"Aufgabenwahrnehmung {self.municipality} {self.funding_year.year}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.RECORDED

    @property
    def is_self_run(self) -> bool:
        return self.mode in (self.Mode.EIGENREGIE, self.Mode.VERBUND)

    def came_late(self) -> bool:
        deadline = decision_deadline(self.funding_year.year)
        return timezone.localtime(self.recorded_at).date() > deadline

    def summary(self, partners: list[Municipality] | None = None) -> str:
        """The decision in one German phrase, e.g. "durch Brackenheim (Kooperation)"."""
        if self.mode == self.Mode.VERBUND:
            names = ", ".join(p.name for p in (partners or self.partners.all()))
            seat = f", Sitz {self.seat.name}" if self.seat_id else ""
            return f"im Verbund mit {names}{seat}"
        if self.mode == self.Mode.KOOPERATION and self.serving_municipality_id:
            return f"durch {self.serving_municipality.name} (Kooperation)"
        if self.mode == self.Mode.WOHLFAHRT and self.organisation:
            by = f", übertragen durch {self.get_passed_by_display()}" if self.passed_by else ""
            return f"durch {self.organisation} (freier Träger{by})"
        return self.get_mode_display()


class CooperationInvoiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> CooperationInvoiceQuerySet:
        """The office of the Kreis and the two municipalities of the cooperation."""
        scope = scope_for(user)
        if scope.role == Role.OFFICE and scope.landkreis_id:
            return self.filter(decision__funding_year__landkreis_id=scope.landkreis_id)
        if scope.role == Role.MUNICIPALITY and scope.municipality_id:
            return self.filter(
                Q(decision__municipality_id=scope.municipality_id)
                | Q(decision__serving_municipality_id=scope.municipality_id)
            )
        return self.filter(NOTHING)


class CooperationInvoice(models.Model):
    """Quartalsrechnung of a cooperation: the serving municipality bills the served one for a
    quarter. Every figure is copied when the invoice is issued, so it reads the same on every
    download, whatever changes later (terms, VAT setting, a new revision of the split)."""

    class Billing(models.TextChoices):
        HOURLY = Decision.Billing.HOURLY.value, "nach Stunden"
        FLAT = Decision.Billing.FLAT.value, "Pauschale je Quartal"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="invoices", verbose_name="Entscheidung"
    )
    quarter = models.PositiveSmallIntegerField(
        "Quartal", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    number = models.CharField("Rechnungsnummer", max_length=40, unique=True)
    period_start = models.DateField("Leistungszeitraum von")
    period_end = models.DateField("Leistungszeitraum bis")
    issued_at = models.DateTimeField("erstellt am")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    seller_name = models.CharField("Rechnungssteller", max_length=120)
    seller_ags = models.CharField("AGS Rechnungssteller", max_length=8)
    buyer_name = models.CharField("Rechnungsempfänger", max_length=120)
    buyer_ags = models.CharField("AGS Rechnungsempfänger", max_length=8)
    weekly_hours = models.DecimalField("Wochenstunden", max_digits=5, decimal_places=2)
    billing = models.CharField("Abrechnung", max_length=8, choices=Billing)
    hours = models.DecimalField("Stunden im Quartal", max_digits=7, decimal_places=2, null=True)
    rate = models.DecimalField("Satz netto (EUR)", max_digits=12, decimal_places=2)
    net = models.DecimalField("netto (EUR)", max_digits=12, decimal_places=2)
    vat_percent = models.DecimalField("Umsatzsteuersatz (%)", max_digits=5, decimal_places=2)
    vat = models.DecimalField("Umsatzsteuer (EUR)", max_digits=12, decimal_places=2)
    gross = models.DecimalField("brutto (EUR)", max_digits=12, decimal_places=2)
    allocation_amount = models.DecimalField(
        "Zuteilung der Gemeinde (EUR)", max_digits=14, decimal_places=2, null=True
    )
    allocation_quarter = models.DecimalField(
        "davon je Quartal (EUR)", max_digits=14, decimal_places=2, null=True
    )
    revision_number = models.PositiveSmallIntegerField("Revision der Verteilung", null=True)

    objects = CooperationInvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = "Quartalsrechnung Kooperation"
        verbose_name_plural = "Quartalsrechnungen Kooperation"
        ordering = ["decision", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "quarter"], name="invoice_unique_quarter")
        ]

    def __str__(self) -> str:
        return f"Rechnung {self.number}"


def eigenregie_warning(
    decision: Decision,
    partners: list[Municipality],
    amounts: dict[int, Decimal],
    revision: AllocationRevision | None,
) -> str:
    """A German warning when a self-run IM would fall short of the minimum position: alone or
    in a Verbund, the published allocations together must reach it (Nr. 3.4 VwV IntM). Empty
    when there is nothing to warn about. ``amounts`` are the revision's amounts by
    municipality id."""
    if not decision.is_self_run:
        return ""
    if revision is None:
        return (
            "Die Verteilung ist noch nicht veröffentlicht: ob die Zuteilung für die "
            "Mindeststelle reicht, lässt sich erst danach prüfen."
        )
    members = [decision.municipality]
    if decision.mode == Decision.Mode.VERBUND:
        members += [p for p in partners if p.pk != decision.municipality_id]
    total = sum((amounts.get(m.pk, Decimal("0.00")) for m in members), Decimal("0.00"))
    minimum = revision.eigenregie_min_amount
    if total >= minimum:
        return ""
    vza = number(total / revision.cost_per_vza)
    min_vza = number(revision.eigenregie_min_vza)
    missing = euro(minimum - total)
    if decision.mode == Decision.Mode.VERBUND:
        names = ", ".join(m.name for m in members)
        return (
            f"Achtung: Die Zuteilungen des Verbunds ({names}) ergeben zusammen nur "
            f"{euro(total)}, das sind {vza} VZÄ. Auch im Verbund muss die gemeinsame Stelle "
            f"mindestens {min_vza} VZÄ umfassen ({euro(minimum)}); es fehlen {missing}, die die "
            "Gemeinden aus eigenen Mitteln tragen müssten."
        )
    return (
        f"Achtung: Die Zuteilung an {decision.municipality.name} beträgt nur {euro(total)}, das "
        f"sind {vza} VZÄ. Für das Integrationsmanagement in Eigenregie ist eine Stelle von "
        f"mindestens {min_vza} VZÄ nötig ({euro(minimum)}, Nr. 3.4 VwV IntM). Es fehlen "
        f"{missing}, die die Gemeinde aus eigenen Mitteln tragen müsste; sonst kommen ein "
        "Verbund, eine Kooperation oder das Integrationsmanagement durch den Landkreis in Betracht."
    )
