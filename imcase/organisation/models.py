"""Organisation of Integrationsmanagement in a Kreis: who is responsible for whom.

Landkreis → municipalities (Gemeinden) → the provider (Träger) of IM serving each municipality
in a given year → regional teams → staff members. Every user's place in this structure is one
StaffMember row; the role on it drives what the user may see (see ``access.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from imcase.dates import german_date

ags_validator = RegexValidator(
    r"^\d{8}$", "Der Amtliche Gemeindeschlüssel (AGS) besteht aus genau 8 Ziffern."
)


class Role(models.TextChoices):
    MANAGER = "manager", "Integrationsmanager:in"
    TEAM_LEAD = "team_lead", "Teamleitung"
    OFFICE = "office", "Koordinierungsstelle"
    MUNICIPALITY = "municipality", "Gemeinde"
    RP = "rp", "Regierungspräsidium"
    ADMIN = "admin", "Administration"
    # The social worker of the Kreis's vorläufige Unterbringung: external to IM, he only hands
    # a person over when he arrives in the AU (clients/handover.py), and sees nothing else.
    VU = "vu", "Sozialdienst vorläufige Unterbringung"


class Regierungspraesidium(models.Model):
    """One of the four Regierungspräsidien; receives the Kennzahlentabellen of its Kreise."""

    name = models.CharField("Name", max_length=100, unique=True)

    class Meta:
        verbose_name = "Regierungspräsidium"
        verbose_name_plural = "Regierungspräsidien"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Landkreis(models.Model):
    """A Land- or Stadtkreis: receives the Land's money and reports the key figures."""

    class Kind(models.TextChoices):
        LANDKREIS = "landkreis", "Landkreis"
        STADTKREIS = "stadtkreis", "Stadtkreis"

    name = models.CharField("Name", max_length=120, unique=True)
    kind = models.CharField("Art", max_length=12, choices=Kind, default=Kind.LANDKREIS)
    regierungspraesidium = models.ForeignKey(
        Regierungspraesidium,
        on_delete=models.PROTECT,
        related_name="landkreise",
        verbose_name="Regierungspräsidium",
    )

    class Meta:
        verbose_name = "Landkreis"
        verbose_name_plural = "Landkreise"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def visible_to(self, user) -> MunicipalityQuerySet:
        from imcase.organisation.access import scope_for

        return self.filter(scope_for(user).municipality_q())


class Municipality(models.Model):
    """A Stadt or Gemeinde, identified by its 8-digit Amtlicher Gemeindeschlüssel (AGS)."""

    landkreis = models.ForeignKey(
        Landkreis, on_delete=models.PROTECT, related_name="municipalities", verbose_name="Kreis"
    )
    name = models.CharField("Name", max_length=120)
    ags = models.CharField("AGS", max_length=8, unique=True, validators=[ags_validator])
    population = models.PositiveIntegerField("Einwohnerzahl", default=0)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = "Gemeinde"
        verbose_name_plural = "Gemeinden"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def provider_on(self, day: dt.date) -> Provider | None:
        area = ProviderArea.objects.active_on(day).filter(municipality=self).first()
        return area.provider if area else None


class Provider(models.Model):
    """Träger of Integrationsmanagement: whoever employs the managers for some municipalities.

    Data of one provider's clients belongs to that provider: other providers never see it.
    """

    class Kind(models.TextChoices):
        LANDKREIS = "landkreis", "Landkreis (Landratsamt)"
        EIGENREGIE = "eigenregie", "Gemeinde in Eigenregie"
        VERBUND = "verbund", "Verbund von Gemeinden"
        KOOPERATION = "kooperation", "Gemeinde in Kooperation für eine andere"
        WOHLFAHRT = "wohlfahrt", "Träger der freien Wohlfahrtspflege"

    landkreis = models.ForeignKey(
        Landkreis, on_delete=models.PROTECT, related_name="providers", verbose_name="Kreis"
    )
    name = models.CharField("Name", max_length=160)
    kind = models.CharField("Art", max_length=12, choices=Kind)
    seat = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Sitzgemeinde",
        help_text="Die Gemeinde, die die Stelle trägt (Eigenregie, Verbund, Kooperation).",
    )
    counsels_beyond_window = models.BooleanField(
        "berät über den Förderzeitraum hinaus",
        default=False,
        help_text="Auf eigene Kosten; solche Kontakte zählen nicht als geförderte Kennzahlen.",
    )

    class Meta:
        verbose_name = "Träger"
        verbose_name_plural = "Träger"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["landkreis", "name"], name="provider_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        needs_seat = self.kind in (self.Kind.EIGENREGIE, self.Kind.VERBUND, self.Kind.KOOPERATION)
        if needs_seat and not self.seat_id:
            raise ValidationError({"seat": "Für diese Trägerart ist eine Sitzgemeinde nötig."})

    def municipalities_on(self, day: dt.date) -> MunicipalityQuerySet:
        return Municipality.objects.filter(
            provider_areas__in=ProviderArea.objects.active_on(day).filter(provider=self)
        )


class ProviderAreaQuerySet(models.QuerySet):
    def active_on(self, day: dt.date) -> ProviderAreaQuerySet:
        return self.filter(
            Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class ProviderArea(models.Model):
    """Which provider serves a municipality, from 1 January of one year (until a 31 December)."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="areas", verbose_name="Träger"
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="provider_areas",
        verbose_name="Gemeinde",
    )
    valid_from = models.DateField("gültig ab")
    valid_until = models.DateField("gültig bis", null=True, blank=True)

    objects = ProviderAreaQuerySet.as_manager()

    class Meta:
        verbose_name = "Zuständigkeit"
        verbose_name_plural = "Zuständigkeiten"
        ordering = ["municipality__name", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="provider_area_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} → {self.provider} ab {german_date(self.valid_from)}"

    def clean(self) -> None:
        errors = {}
        if self.valid_from and (self.valid_from.month, self.valid_from.day) != (1, 1):
            errors["valid_from"] = "Ein Trägerwechsel gilt immer ab dem 1. Januar."
        if self.valid_until and (self.valid_until.month, self.valid_until.day) != (12, 31):
            errors["valid_until"] = "Eine Zuständigkeit endet immer am 31. Dezember."
        if errors:
            raise ValidationError(errors)
        if self.municipality_id and self.valid_from:
            overlapping = ProviderArea.objects.filter(municipality_id=self.municipality_id).exclude(
                pk=self.pk
            )
            overlapping = overlapping.filter(
                Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from)
            )
            if self.valid_until:
                overlapping = overlapping.filter(valid_from__lte=self.valid_until)
            if overlapping.exists():
                raise ValidationError(
                    "Für diese Gemeinde gibt es in diesem Zeitraum schon einen Träger."
                )


class Team(models.Model):
    """A regional team of one provider; its members stand in for each other."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="teams", verbose_name="Träger"
    )
    name = models.CharField("Name", max_length=120)
    municipalities = models.ManyToManyField(
        Municipality, related_name="teams", blank=True, verbose_name="Gemeinden der Region"
    )

    class Meta:
        verbose_name = "Regionalteam"
        verbose_name_plural = "Regionalteams"
        ordering = ["provider__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"


class StaffMember(models.Model):
    """A user's place in the organisation: role, where, and (for IM staff) position data.

    Integration managers, team leads and the coordinating office are staff of a provider with
    VZÄ and qualification. Users of a municipality or a Regierungspräsidium carry only the
    municipality or RP they act for.
    """

    class Qualification(models.TextChoices):
        SOZIALWESEN = "sozialwesen", "Studium Soziale Arbeit / Sozialwesen"
        OTHER = "andere", "andere Qualifikation (Nachqualifizierung nötig)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="Benutzer",
    )
    role = models.CharField("Rolle", max_length=16, choices=Role)
    landkreis = models.ForeignKey(
        Landkreis, on_delete=models.PROTECT, null=True, blank=True, verbose_name="Kreis"
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="Träger",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="Regionalteam",
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="Gemeinde",
    )
    regierungspraesidium = models.ForeignKey(
        Regierungspraesidium,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="Regierungspräsidium",
    )
    vza = models.DecimalField(
        "VZÄ",
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    qualification = models.CharField(
        "Qualifikation", max_length=12, choices=Qualification, blank=True
    )
    requalification_started = models.DateField("Nachqualifizierung begonnen", null=True, blank=True)
    requalification_finished = models.DateField(
        "Nachqualifizierung abgeschlossen", null=True, blank=True
    )
    start_date = models.DateField("Beginn", null=True, blank=True)
    end_date = models.DateField("Ende", null=True, blank=True)

    class Meta:
        verbose_name = "Mitarbeiter:in / Zugang"
        verbose_name_plural = "Mitarbeitende und Zugänge"
        ordering = ["role", "user__last_name"]

    def __str__(self) -> str:
        name = self.user.get_full_name() if self.user else "(ohne Zugang)"
        return f"{name} – {self.get_role_display()}"

    def save(self, *args, **kwargs) -> None:
        # The Kreis follows from the provider or municipality, so it is never entered twice.
        if self.provider_id:
            self.landkreis_id = self.provider.landkreis_id
        elif self.municipality_id:
            self.landkreis_id = self.municipality.landkreis_id
        before = None
        if not self._state.adding and self.pk:
            before = StaffMember.objects.filter(pk=self.pk).values(*STAFF_TRACKED).first()
        super().save(*args, **kwargs)
        _record_staff_change(self, before)

    def tracked(self) -> dict:
        return {name: getattr(self, name) for name in STAFF_TRACKED}

    def clean(self) -> None:
        required = {
            Role.MANAGER: ["provider"],
            Role.TEAM_LEAD: ["provider", "team"],
            Role.OFFICE: ["landkreis"],
            Role.MUNICIPALITY: ["municipality"],
            Role.RP: ["regierungspraesidium"],
            Role.VU: ["landkreis"],
        }.get(self.role, [])
        errors = {
            field: "Für diese Rolle ist dieses Feld nötig."
            for field in required
            if not getattr(self, f"{field}_id")
        }
        if self.team_id and self.provider_id and self.team.provider_id != self.provider_id:
            errors["team"] = "Das Team gehört zu einem anderen Träger."
        if errors:
            raise ValidationError(errors)


STAFF_TRACKED = ("role", "provider_id", "vza", "qualification")


def _record_staff_change(staff: StaffMember, before: dict | None) -> None:
    """Keep ``StaffChange`` in step with every save: the first state holds from the
    beginning, a change from the day it is saved (there is no other date for it)."""
    now = staff.tracked()
    if before is None:
        StaffChange.objects.create(staff=staff, valid_from=None, **now)
        return
    if before == now:
        return
    if not staff.changes.exists():
        StaffChange.objects.create(staff=staff, valid_from=None, **before)
    StaffChange.objects.create(staff=staff, valid_from=timezone.localdate(), **now)


class StaffChange(models.Model):
    """A staff member's role, provider, VZÄ and qualification from ``valid_from`` on (empty:
    from the beginning). Written with every save of a ``StaffMember``; the Kennzahlen of a
    year read these on 31.12. from here, so a later change of role or VZÄ leaves the year's
    figures as they were."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="changes")
    valid_from = models.DateField("gültig ab", null=True, blank=True)
    role = models.CharField("Rolle", max_length=16, choices=Role)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vza = models.DecimalField("VZÄ", max_digits=3, decimal_places=2, null=True, blank=True)
    qualification = models.CharField(
        "Qualifikation", max_length=12, choices=StaffMember.Qualification, blank=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Änderung bei Mitarbeiter:in"
        verbose_name_plural = "Änderungen bei Mitarbeitenden"
        ordering = ["staff", "valid_from", "pk"]
        indexes = [models.Index(fields=["staff", "valid_from"])]

    def __str__(self) -> str:
        since = german_date(self.valid_from) if self.valid_from else "Beginn"
        return f"{self.get_role_display()} ab {since}"
