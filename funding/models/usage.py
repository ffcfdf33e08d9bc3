"""The Verwendungsnachweis: each self-running provider proves its spending and its work.

Every provider that runs IM with money passed on by the Kreis (a municipality in Eigenregie, a
Verbund, a municipality serving another by cooperation, a welfare organisation) reports once a
year to the coordinating office: staff costs, other costs, the VZÄ employed and a short
Sachbericht (under the older VwV at most three pages). The office reviews the reports and
compiles the Kreis's Gesamtverwendungsnachweis; the Land pays only after it (Nr. 8 VwV IntM).

The Landratsamt's own IM (the provider of kind Landkreis) reports too, entered by the
coordinating office, so that the Gesamtverwendungsnachweis covers the whole Kreis amount.

Who enters a provider's report (a choice, see the README): the provider's **team lead**
(Teamleitung: knows the work and the staff) or a **municipality user of the provider's seat**
(the Hauptamt that keeps the books of a municipal provider). Integration managers do not:
the report is about their own work and is signed off by the person responsible for it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from funding.formatting import number
from funding.models.year import FundingYear
from imcase.locking import Versioned
from imcase.organisation.access import NOTHING, scope_for
from imcase.organisation.models import Provider, Role

SELF_RUNNING = (
    Provider.Kind.EIGENREGIE,
    Provider.Kind.VERBUND,
    Provider.Kind.KOOPERATION,
    Provider.Kind.WOHLFAHRT,
)
# Providers whose seat municipality's Hauptamt may report for them (a welfare organisation has
# no seat: its team lead reports).
MUNICIPAL = (Provider.Kind.EIGENREGIE, Provider.Kind.VERBUND, Provider.Kind.KOOPERATION)
# Every provider that reports: the self-running ones and the Landratsamt's own IM.
REPORTING = (*SELF_RUNNING, Provider.Kind.LANDKREIS)
SACHBERICHT_MAX_CHARS = 12_000  # about three pages


def position_warning(kind: str, vza: Decimal | None, min_vza: Decimal) -> str:
    """German warning when a municipal provider (Eigenregie, Verbund, Kooperation) reports a
    position below the minimum (Nr. 3.4 VwV IntM: 0.5 VZÄ); empty otherwise."""
    if kind not in MUNICIPAL or vza is None or vza >= min_vza:
        return ""
    return (
        f"Die gemeldete Stelle von {number(vza)} VZÄ liegt unter der Mindeststelle von "
        f"{number(min_vza)} VZÄ für das Integrationsmanagement in eigener Regie (Nr. 3.4 VwV IntM)."
    )


def reporter_q(user, prefix: str = "") -> Q:
    """Filter on providers the user reports for (``prefix`` e.g. ``"provider__"``)."""
    scope = scope_for(user)
    if scope.role == Role.OFFICE and scope.landkreis_id:
        return Q(
            **{
                f"{prefix}landkreis_id": scope.landkreis_id,
                f"{prefix}kind": Provider.Kind.LANDKREIS,
            }
        )
    if scope.role == Role.TEAM_LEAD and scope.provider_id:
        return Q(**{f"{prefix}pk": scope.provider_id, f"{prefix}kind__in": SELF_RUNNING})
    if scope.role == Role.MUNICIPALITY and scope.municipality_id:
        return Q(**{f"{prefix}seat_id": scope.municipality_id, f"{prefix}kind__in": MUNICIPAL})
    return NOTHING


def providers_reported_by(user):
    """The providers whose Verwendungsnachweis ``user`` enters (usually one)."""
    return Provider.objects.filter(reporter_q(user))


class UsageReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> UsageReportQuerySet:
        """The office of the Kreis, and the provider's reporters (see the module docstring)."""
        scope = scope_for(user)
        if scope.role == Role.OFFICE and scope.landkreis_id:
            return self.filter(funding_year__landkreis_id=scope.landkreis_id)
        return self.filter(reporter_q(user, "provider__"))


class UsageReport(Versioned, models.Model):
    """Verwendungsnachweis of one provider for one funding year.

    Editable while in progress; immutable once submitted, until the office reopens it (with a
    reason). ``version`` guards against two people saving at the same time.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "in Bearbeitung"
        SUBMITTED = "submitted", "eingereicht"
        REVIEWED = "reviewed", "geprüft"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    funding_year = models.ForeignKey(
        FundingYear, on_delete=models.PROTECT, related_name="usage_reports"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="usage_reports")
    status = models.CharField("Stand", max_length=10, choices=Status, default=Status.DRAFT)
    staff_costs = models.DecimalField(
        "Personalkosten (EUR)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    other_costs = models.DecimalField(
        "Sonstige Kosten (EUR)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    vza = models.DecimalField(
        "Beschäftigte VZÄ",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    sachbericht = models.TextField(
        "Sachbericht", blank=True, validators=[MaxLengthValidator(SACHBERICHT_MAX_CHARS)]
    )
    created_at = models.DateTimeField("angelegt", auto_now_add=True)
    updated_at = models.DateTimeField("zuletzt gespeichert", auto_now=True)
    submitted_at = models.DateTimeField("eingereicht am", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("geprüft am", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField("zuletzt wieder geöffnet am", null=True, blank=True)
    reopen_reason = models.TextField("Grund der Wiederöffnung", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = UsageReportQuerySet.as_manager()

    class Meta:
        verbose_name = "Verwendungsnachweis"
        verbose_name_plural = "Verwendungsnachweise"
        ordering = ["funding_year", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_year", "provider"], name="usage_report_unique_provider"
            )
        ]

    def __str__(self) -> str:
        return f"Verwendungsnachweis {self.provider} {self.funding_year.year}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.REVIEWED)

    @property
    def spending(self) -> Decimal | None:
        """Staff and other costs together; None until both are entered."""
        if self.staff_costs is None or self.other_costs is None:
            return None
        return self.staff_costs + self.other_costs
