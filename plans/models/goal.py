"""What a plan version holds: goals in part A (short-term) and B (long-term), their steps and
evaluations, and the independence (Selbständigkeit) ratings per field."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from clients.models import OutcomeEvent, RegularService
from imcase.dates import german_date
from plans.models.plan import GoalField, PlanVersion


class GoalStatus(models.TextChoices):
    NEW = "neu", "neu"
    AGREED = "vereinbart", "vereinbart"
    IN_PROGRESS = "in_umsetzung", "in Umsetzung"
    PAUSED = "angehalten", "angehalten"
    REACHED = "erreicht", "erreicht"
    PARTLY_REACHED = "teilweise_erreicht", "teilweise erreicht"
    MISSED = "verfehlt", "verfehlt"
    DROPPED = "entfallen", "entfallen"

    @classmethod
    def open_values(cls) -> list[str]:
        """Goals still being worked on; a Fortschreibung carries these into the next version."""
        return [cls.NEW, cls.AGREED, cls.IN_PROGRESS, cls.PAUSED]


class Goal(models.Model):
    """A goal of a plan version. ``carried_from`` is the same goal in the previous version,
    so a goal's history can be followed across Fortschreibungen."""

    class Part(models.TextChoices):
        A = "A", "Teil A – kurzfristige Ziele"
        B = "B", "Teil B – langfristige Ziele"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    part = models.CharField("Teil", max_length=1, choices=Part)
    field = models.ForeignKey(GoalField, on_delete=models.PROTECT, verbose_name="Handlungsfeld")
    text = models.TextField("Ziel")
    target_date = models.DateField("Zieldatum", null=True, blank=True)
    status = models.CharField("Stand", max_length=20, choices=GoalStatus, default=GoalStatus.NEW)
    carried_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name="übernommen aus",
    )
    created_at = models.DateTimeField("angelegt", auto_now_add=True)

    class Meta:
        verbose_name = "Ziel"
        verbose_name_plural = "Ziele"
        ordering = ["version", "part", "pk"]

    def __str__(self) -> str:
        return f"{self.part}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in GoalStatus.open_values()


class Step(models.Model):
    """A step towards a goal: what, who does it (the client, the manager or a Regeldienst),
    by when, and whether it is done."""

    class Who(models.TextChoices):
        CLIENT = "klient", "Klient:in"
        MANAGER = "im", "Integrationsmanager:in"
        SERVICE = "regeldienst", "Regeldienst"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    what = models.CharField("Schritt", max_length=300)
    who = models.CharField("Wer", max_length=12, choices=Who, default=Who.CLIENT)
    service = models.ForeignKey(
        RegularService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="Regeldienst",
    )
    due_on = models.DateField("bis", null=True, blank=True)
    done_on = models.DateField("erledigt am", null=True, blank=True)

    class Meta:
        verbose_name = "Schritt"
        verbose_name_plural = "Schritte"
        ordering = ["goal", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(who="regeldienst", service__isnull=False)
                | (~Q(who="regeldienst") & Q(service__isnull=True)),
                name="step_service_only_for_regeldienst",
            )
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def who_label(self) -> str:
        if self.who == self.Who.SERVICE and self.service_id:
            return str(self.service)
        return self.get_who_display()


class Evaluation(models.Model):
    """Auswertung of a goal on a date; its result becomes the goal's status. ``outcome`` is the
    outcome (Wirkung) recorded in the same step, so nothing is entered twice."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField("ausgewertet am")
    result = models.CharField("Ergebnis", max_length=20, choices=GoalStatus)
    note = models.TextField("Notiz", blank=True)
    outcome = models.ForeignKey(
        OutcomeEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name="Wirkung",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Auswertung"
        verbose_name_plural = "Auswertungen"
        ordering = ["goal", "evaluated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_result_display()} am {german_date(self.evaluated_on)}"


class GoalStatusChange(models.Model):
    """A goal's status from ``valid_from`` on. Written by ``plans.services`` with every status
    a goal takes: when it is set (from the agreement of its version), by an evaluation (on the
    evaluation's date), by an edit (on the day of the edit) and when a Fortschreibung carries
    it on (from the new version's agreement). The Kennzahlen of a year read a goal's status on
    31.12. from here, not its status today."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="status_changes")
    valid_from = models.DateField("gültig ab")
    status = models.CharField("Stand", max_length=20, choices=GoalStatus)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Änderung des Stands eines Ziels"
        verbose_name_plural = "Änderungen des Stands von Zielen"
        ordering = ["goal", "valid_from", "pk"]
        indexes = [models.Index(fields=["goal", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ab {german_date(self.valid_from)}"


def initial_status_history(goal, evaluations, carried_from_status: str | None) -> list:
    """``(valid_from, status)`` pairs that reconstruct the history of a goal recorded before
    the history was kept: its status from its version's agreement (a carried goal: the status
    it was carried with; an evaluated one: "vereinbart" until its first evaluation), then each
    evaluation, then today's status if an edit changed it after the last evaluation. Used by
    the data migration and before the first change of such a goal (``plans.services``)."""
    agreed_on = goal.version.agreed_on
    evaluations = sorted(evaluations, key=lambda e: (e.evaluated_on, e.pk))
    if carried_from_status is not None:
        first = carried_from_status
    elif evaluations:
        first = GoalStatus.AGREED
    else:
        first = goal.status
    pairs = [(agreed_on, first)]
    pairs.extend((max(e.evaluated_on, agreed_on), e.result) for e in evaluations)
    if pairs[-1][1] != goal.status:
        pairs.append((pairs[-1][0], goal.status))
    return pairs


class IndependenceRating(models.Model):
    """Selbständigkeit in one field on a day, from 1 (needs full support) to 4 (independent):
    rated at plan start and at each evaluation, so progress can be shown and counted."""

    class Kind(models.TextChoices):
        START = "start", "Planbeginn"
        EVALUATION = "auswertung", "Auswertung"

    SCALE = [
        (1, "1 – braucht umfassende Unterstützung"),
        (2, "2 – braucht regelmäßige Unterstützung"),
        (3, "3 – überwiegend selbständig"),
        (4, "4 – selbständig"),
    ]

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="ratings")
    field = models.ForeignKey(GoalField, on_delete=models.PROTECT, verbose_name="Handlungsfeld")
    rating = models.PositiveSmallIntegerField(
        "Selbständigkeit",
        choices=SCALE,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    rated_on = models.DateField("eingeschätzt am")
    kind = models.CharField("Anlass", max_length=12, choices=Kind)
    evaluation = models.OneToOneField(
        Evaluation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rating",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "Einschätzung der Selbständigkeit"
        verbose_name_plural = "Einschätzungen der Selbständigkeit"
        ordering = ["version", "rated_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="independence_rating_1_to_4"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.rating} ({german_date(self.rated_on)})"
