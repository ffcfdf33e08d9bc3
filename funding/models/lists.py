"""Steps 1–4 of the funding procedure: the list of persons per municipality.

The Landratsamt draws, for every municipality, the persons assigned to AU in the
Betrachtungszeitraum (Zuweisung and Familiennachzug) from its data and sends the list. The
municipality checks it against its population register, strikes persons no longer registered
at the end of the period (with a reason) and adds children born since, then returns it.

Each list row is a snapshot of the person (name, birth date, Aktenzeichen, assignment date):
later changes of the client data do not change a list that was sent.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from funding.models.year import FundingYear
from imcase.dates import german_date
from imcase.locking import Versioned
from imcase.organisation.access import NOTHING, scope_for
from imcase.organisation.models import Municipality, Role


class PersonListQuerySet(models.QuerySet):
    def visible_to(self, user) -> PersonListQuerySet:
        """Names on the lists: the office of the Kreis, and each municipality its own list once
        it was sent. Everyone else (managers, RP) sees none."""
        scope = scope_for(user)
        if scope.role == Role.OFFICE and scope.landkreis_id:
            return self.filter(funding_year__landkreis_id=scope.landkreis_id)
        if scope.role == Role.MUNICIPALITY and scope.municipality_id:
            return self.filter(municipality_id=scope.municipality_id).exclude(
                status=PersonList.Status.DRAFT
            )
        return self.filter(NOTHING)


class PersonList(Versioned, models.Model):
    """Personenliste: one municipality's persons of the target group for one funding year.

    ``code`` is the opaque identifier used in URLs; ``version`` guards against two people
    changing the list at the same time.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "erstellt, noch nicht versandt"
        SENT = "sent", "versandt, in Prüfung bei der Gemeinde"
        SUBMITTED = "submitted", "zurückgemeldet"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    funding_year = models.ForeignKey(
        FundingYear, on_delete=models.CASCADE, related_name="lists", verbose_name="Förderjahr"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="person_lists", verbose_name="Gemeinde"
    )
    status = models.CharField("Stand", max_length=10, choices=Status, default=Status.DRAFT)
    generated_at = models.DateTimeField("erstellt am")
    sent_at = models.DateTimeField("versandt am", null=True, blank=True)
    submitted_at = models.DateTimeField("zurückgemeldet am", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="zurückgemeldet von",
    )
    reopened_at = models.DateTimeField("zuletzt wieder geöffnet am", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PersonListQuerySet.as_manager()

    class Meta:
        verbose_name = "Personenliste"
        verbose_name_plural = "Personenlisten"
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_year", "municipality"], name="person_list_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Personenliste {self.municipality} {self.funding_year.year}"

    @property
    def is_editable(self) -> bool:
        """The municipality corrects the list between sending and returning it."""
        return self.status == self.Status.SENT

    def is_late(self, today: dt.date) -> bool:
        """Sent, not back, and the deadline has passed."""
        return self.status == self.Status.SENT and today > self.funding_year.list_deadline

    @property
    def came_back_late(self) -> bool:
        if self.submitted_at is None:
            return False
        return timezone.localtime(self.submitted_at).date() > self.funding_year.list_deadline


class ListEntry(models.Model):
    """One person on a list: drawn from the client data, or a child the municipality added.

    The person's data is copied (a snapshot); ``client`` only links back while the client
    exists. A struck entry stays on the list with its reason and no longer counts.
    """

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "aus den Zuweisungsdaten"
        CHILD = "child", "nachgeborenes Kind (von der Gemeinde ergänzt)"

    class StrikeReason(models.TextChoices):
        MOVED_AWAY = "weggezogen", "weggezogen"
        DECEASED = "verstorben", "verstorben"
        NOT_REGISTERED = "nicht_gemeldet", "nicht (mehr) gemeldet"
        OTHER = "sonstiges", "sonstiger Grund"

    person_list = models.ForeignKey(
        PersonList, on_delete=models.CASCADE, related_name="entries", verbose_name="Liste"
    )
    kind = models.CharField("Herkunft", max_length=10, choices=Kind, default=Kind.ASSIGNED)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Klient:in",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="Elternteil",
    )
    last_name = models.CharField("Nachname", max_length=120)
    first_name = models.CharField("Vorname", max_length=120)
    birth_date = models.DateField("Geburtsdatum")
    aktenzeichen = models.CharField("Aktenzeichen", max_length=40, blank=True)
    assignment_date = models.DateField("Zuweisung in die AU", null=True, blank=True)
    arrival_kind = models.CharField("Zugangsart", max_length=16, blank=True)
    struck = models.BooleanField("gestrichen", default=False)
    strike_reason = models.CharField(
        "Grund der Streichung", max_length=16, choices=StrikeReason, blank=True
    )
    strike_note = models.CharField("Erläuterung", max_length=300, blank=True)
    struck_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    struck_at = models.DateTimeField("gestrichen am", null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "Listeneintrag"
        verbose_name_plural = "Listeneinträge"
        ordering = ["last_name", "first_name", "birth_date", "pk"]
        indexes = [models.Index(fields=["person_list", "struck"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(struck=False) | ~Q(strike_reason=""),
                name="list_entry_strike_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="child") | Q(parent__isnull=False),
                name="list_entry_child_needs_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({german_date(self.birth_date)})"

    @property
    def strike_reason_text(self) -> str:
        label = self.get_strike_reason_display()
        return f"{label}: {self.strike_note}" if self.strike_note else label
