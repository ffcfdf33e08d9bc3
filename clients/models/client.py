"""Refugees in Anschlussunterbringung (AU) and what belongs to the person: household,
consents, the counselling window and its extension, moves and the closing (Ausleitung)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clients.names import SKELETON_FIELDS, fill_name_skeletons
from clients.window import ENDS_SOON_DAYS, Window, WindowStatus
from imcase.dates import german_date
from imcase.locking import Versioned
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Municipality, Provider


class ResidenceStatus(models.TextChoices):
    PROTECTION = "schutzstatus", "Schutzstatus mit Aufenthaltserlaubnis"
    DULDUNG = "duldung", "Duldung"
    GESTATTUNG = "gestattung", "Aufenthaltsgestattung (Verfahren länger als 24 Monate)"
    UKRAINE = "paragraph24", "§ 24 AufenthG (Ukraine)"
    OTHER = "sonstiger", "sonstiger Status"


CLOSED_WINDOW_LABEL = "Fall abgeschlossen"
NO_WINDOW_LABEL = "ohne Beratungszeitraum"


def window_label(
    status: str, window_start: dt.date | None, window_extended: bool, day: dt.date
) -> str:
    """The window's state in German on ``day``, from a client's stored fields (so a list of
    plain rows needs no model instances); ``Client.window_label`` is the same."""
    if status == Client.Status.CLOSED:
        return CLOSED_WINDOW_LABEL
    if window_start is None:
        return NO_WINDOW_LABEL
    return Window(window_start, window_extended).status_on(day).label


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user) -> ClientQuerySet:
        """The only entry point for person-level data: what this user may see in person."""
        return self.filter(scope_for(user).client_q())

    def open_to_handover(self, user) -> ClientQuerySet:
        """The persons a handover writer (VU, office) may look up — one at a time by exact
        Aktenzeichen and birth date, never listed (``clients/handover.py``)."""
        return self.filter(scope_for(user).handover_q())

    def with_window_status(self, status: str, day: dt.date) -> ClientQuerySet:
        """Filter in SQL by the window status on ``day`` (same rules as ``Window.status_on``)."""
        soon = day + dt.timedelta(days=ENDS_SOON_DAYS)
        conditions = {
            WindowStatus.NOT_STARTED: Q(window_start__gt=day),
            WindowStatus.ENDED: Q(window_end__lt=day),
            WindowStatus.ENDS_SOON: Q(
                window_start__lte=day, window_end__gte=day, window_end__lte=soon
            ),
            WindowStatus.EXTENDED: Q(
                window_start__lte=day, window_end__gt=soon, window_extended=True
            ),
            WindowStatus.IN_WINDOW: Q(
                window_start__lte=day, window_end__gt=soon, window_extended=False
            ),
        }
        # A closed case has no window state (see ``Client.window_status``).
        return self.filter(conditions[WindowStatus(status)], status=Client.Status.OPEN)


class Household(models.Model):
    """A family living together in AU; ``key`` is the shared key from the Kreis's import."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    landkreis = models.ForeignKey(Landkreis, on_delete=models.PROTECT, verbose_name="Kreis")
    key = models.CharField("Haushaltsschlüssel", max_length=40)

    class Meta:
        verbose_name = "Haushalt"
        verbose_name_plural = "Haushalte"
        constraints = [
            models.UniqueConstraint(fields=["landkreis", "key"], name="household_unique_key")
        ]

    def __str__(self) -> str:
        return f"Haushalt {self.key}"


class Client(Versioned, models.Model):
    """A person in AU. ``code`` is the opaque identifier used in URLs.

    ``window_start``, ``window_end`` and ``window_extended`` are derived from the assignment date
    and an approved extension by ``clients.services`` and stored so lists can filter in SQL.
    """

    class Sex(models.TextChoices):
        MALE = "m", "männlich"
        FEMALE = "w", "weiblich"
        DIVERSE = "d", "divers"

    class ArrivalKind(models.TextChoices):
        ZUWEISUNG = "zuweisung", "Zuweisung"
        FAMILIENNACHZUG = "familiennachzug", "Familiennachzug"
        GEBURT = "geburt", "Geburt"

    class HouseholdRole(models.TextChoices):
        HEAD = "bezugsperson", "Bezugsperson"
        PARTNER = "partner", "Ehe-/Lebenspartner:in"
        CHILD = "kind", "Kind"
        OTHER = "sonstige", "sonstige:r Angehörige:r"

    class Status(models.TextChoices):
        OPEN = "open", "offen"
        CLOSED = "closed", "abgeschlossen"

    class ClosedReason(models.TextChoices):
        WINDOW_ENDED = "window_ended", "Beratungszeitraum beendet"
        MOVED_AWAY = "moved_away", "weggezogen"
        INDEPENDENT = "independent", "selbständig"
        DECLINED = "declined", "Beratung abgelehnt"
        DECEASED = "deceased", "verstorben"
        OTHER = "other", "sonstiger Grund"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    landkreis = models.ForeignKey(Landkreis, on_delete=models.PROTECT, verbose_name="Kreis")
    aktenzeichen = models.CharField("Aktenzeichen", max_length=40)
    last_name = models.CharField("Nachname", max_length=120)
    first_name = models.CharField("Vorname", max_length=120)
    native_name = models.CharField(
        "Name in Originalschrift",
        max_length=200,
        blank=True,
        help_text="z. B. in arabischer oder kyrillischer Schrift, wie im Pass",
    )
    birth_date = models.DateField("Geburtsdatum")
    sex = models.CharField("Geschlecht", max_length=1, choices=Sex)
    nationality = models.CharField(
        "Staatsangehörigkeit", max_length=3, blank=True, help_text="ISO 3166 alpha-3, z. B. SYR"
    )
    further_nationalities = models.JSONField(
        "weitere Staatsangehörigkeiten", default=list, blank=True
    )
    languages = models.JSONField("Sprachen", default=list, blank=True)
    residence_status = models.CharField(
        "Aufenthaltsstatus",
        max_length=12,
        choices=ResidenceStatus,
        default=ResidenceStatus.PROTECTION,
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="Haushalt",
    )
    household_role = models.CharField(
        "Rolle im Haushalt", max_length=12, choices=HouseholdRole, default=HouseholdRole.HEAD
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="clients", verbose_name="Wohngemeinde"
    )
    arrival_kind = models.CharField(
        "Zugangsart", max_length=16, choices=ArrivalKind, default=ArrivalKind.ZUWEISUNG
    )
    assignment_date = models.DateField("Zuweisung in die AU", null=True, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name="zuständige:r Integrationsmanager:in",
    )
    status = models.CharField("Fallstatus", max_length=8, choices=Status, default=Status.OPEN)
    opened_on = models.DateField("Fall eröffnet", default=timezone.localdate)
    closed_on = models.DateField("Ausleitung am", null=True, blank=True)
    closed_reason = models.CharField(
        "Grund der Ausleitung", max_length=16, choices=ClosedReason, blank=True
    )
    # Filled by a PostgreSQL trigger (see migration 0005) for the spelling-tolerant search.
    first_name_skeleton = models.CharField(max_length=120, blank=True, editable=False)
    last_name_skeleton = models.CharField(max_length=120, blank=True, editable=False)
    window_start = models.DateField("Beginn Beratungszeitraum", null=True, editable=False)
    window_end = models.DateField("letzter Beratungstag", null=True, editable=False, db_index=True)
    window_extended = models.BooleanField("verlängert", default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("angelegt", auto_now_add=True)
    updated_at = models.DateTimeField("geändert", auto_now=True)

    objects = ClientQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["version", "updated_at", "first_name_skeleton", "last_name_skeleton"]
    )

    class Meta:
        verbose_name = "Klient:in"
        verbose_name_plural = "Klient:innen"
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["landkreis", "aktenzeichen"], name="client_unique_aktenzeichen"
            )
        ]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name} ({self.aktenzeichen})"

    def save(self, *args, **kwargs) -> None:
        # The name skeletons of the search: PostgreSQL's trigger writes the same (SQLite has none).
        fill_name_skeletons(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = list(dict.fromkeys([*update_fields, *SKELETON_FIELDS]))
        super().save(*args, **kwargs)

    @property
    def is_target_group(self) -> bool:
        """Eligible for funded counselling: assigned to AU, or under § 24 AufenthG."""
        return self.assignment_date is not None or self.residence_status == ResidenceStatus.UKRAINE

    @property
    def window(self) -> Window | None:
        if self.window_start is None:
            return None
        return Window(self.window_start, self.window_extended)

    def window_status(self, day: dt.date) -> WindowStatus | None:
        """The window's state on ``day``; None without a window and for a closed case (a
        closed case is never "Ausleitung fällig" or "endet bald": it is closed)."""
        window = self.window
        if window is None or self.status == self.Status.CLOSED:
            return None
        return window.status_on(day)

    def window_label(self, day: dt.date) -> str:
        """The window's state in German, as lists, exports and the client page show it."""
        return window_label(self.status, self.window_start, self.window_extended, day)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CaseStatusChange(models.Model):
    """The case's status from ``valid_from`` on: a closing (Ausleitung, dated by its closing
    date, with its reason) or a reopening (dated the day the case was reopened). Written by
    ``clients.services`` with every change of ``Client.status``; the Kennzahlen of a year read
    the status on 31.12. from here (``clients.asof``), not today's status."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="status_changes")
    valid_from = models.DateField("gültig ab")
    status = models.CharField("Fallstatus", max_length=8, choices=Client.Status)
    reason = models.CharField(
        "Grund der Ausleitung", max_length=16, choices=Client.ClosedReason, blank=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Änderung des Fallstatus"
        verbose_name_plural = "Änderungen des Fallstatus"
        ordering = ["client", "valid_from", "pk"]
        indexes = [models.Index(fields=["client", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ab {german_date(self.valid_from)}"


class ConsentCategory(models.TextChoices):
    """The data categories a Jobcenter consent may cover (its scope), in the order of the
    Übermittlungsbogen. Name and birth date are on every sheet, so that the Jobcenter can tell
    whom it is about; everything else only with its category."""

    MASTER_DATA = "stammdaten", "Weitere Stammdaten (Geschlecht, Staatsangehörigkeit, Wohngemeinde)"
    RESIDENCE = "aufenthalt", "Aufenthaltsstatus und Zuweisung in die Anschlussunterbringung"
    HOUSEHOLD = "haushalt", "Haushalt (Rolle und Alter der Mitglieder)"
    LANGUAGE = "sprache", "Sprachkenntnisse, Deutschkurse und Sprachzertifikate"
    EDUCATION = "bildung", "Schule und Anerkennung von Abschlüssen"
    WORK = "arbeit", "Arbeit und Ausbildung"
    HOUSING = "wohnen", "Wohnen (eigene Wohnung)"
    PLAN_GOALS = "planziele", "Ziele des Integrationsplans zu Arbeit und Ausbildung"
    REFERRALS = "vermittlungen", "Vermittlungen an das Jobcenter"
    CONTACT_PERSON = "ansprechperson", "Ansprechperson im Integrationsmanagement"

    @classmethod
    def labels_of(cls, values) -> list[str]:
        """The labels of ``values`` in the fixed order of the list (unknown values left out)."""
        chosen = set(values)
        return [label for value, label in cls.choices if value in chosen]


class Consent(models.Model):
    """A consent given by the client; revoking keeps the row (and its history).

    A Jobcenter consent names the data categories (``categories``, values of
    ``ConsentCategory``) that may be passed on; ``note`` is a free remark (the former free-text
    scope lives on there)."""

    class Kind(models.TextChoices):
        DATA_PROCESSING = "datenverarbeitung", "Verarbeitung personenbezogener Daten"
        JOBCENTER = "jobcenter", "Weitergabe von Daten an das Jobcenter"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField("Art", max_length=20, choices=Kind)
    given_on = models.DateField("erteilt am")
    categories = models.JSONField("Umfang (Datenkategorien)", default=list, blank=True)
    note = models.CharField("Anmerkung", max_length=300, blank=True)
    revoked_on = models.DateField("widerrufen am", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Einwilligung"
        verbose_name_plural = "Einwilligungen"
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({german_date(self.given_on)})"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None

    def is_valid_on(self, day: dt.date) -> bool:
        """Given on or before ``day`` and not revoked (a revocation ends it for good)."""
        return self.given_on <= day and self.revoked_on is None

    @property
    def category_labels(self) -> list[str]:
        return ConsentCategory.labels_of(self.categories)


class WindowExtension(models.Model):
    """Request to extend the window by one year: requested by the manager with a written reason,
    decided by a team lead who is not the requester (four-eyes principle)."""

    class Decision(models.TextChoices):
        PENDING = "pending", "beantragt"
        APPROVED = "approved", "genehmigt"
        REFUSED = "refused", "abgelehnt"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="extensions")
    reason = models.TextField("Begründung")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("beantragt am", auto_now_add=True)
    decision = models.CharField(
        "Entscheidung", max_length=8, choices=Decision, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("entschieden am", null=True)
    decision_note = models.TextField("Anmerkung zur Entscheidung", blank=True)

    class Meta:
        verbose_name = "Verlängerung"
        verbose_name_plural = "Verlängerungen"
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(decision="approved"),
                name="one_approved_extension_per_client",
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(decision="pending"),
                name="one_pending_extension_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"Verlängerung {self.get_decision_display()}"


class Move(models.Model):
    """A dated move to another municipality; a change of provider is a handover (Übergabe)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="moves")
    moved_on = models.DateField("Umzug am")
    from_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="von"
    )
    to_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name="nach"
    )
    from_provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Umzug"
        verbose_name_plural = "Umzüge"
        ordering = ["-moved_on"]

    def __str__(self) -> str:
        return f"{self.from_municipality} → {self.to_municipality} ({german_date(self.moved_on)})"

    @property
    def is_handover(self) -> bool:
        return self.from_provider_id != self.to_provider_id
