"""Writes on Integrationspläne. Each function: one transaction, lock the plan, check the
guard (case worker in scope, open case, current version, unchanged since loaded), change,
write an audit entry for the client. Views and the demo data call these, nothing else writes
(the demo's bulk insert aside).

``expected_lock`` is the plan's ``lock_version`` the user's page was built from; a save based
on an older state is refused with ``StalePlanError`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from clients.models import Client, RegularService
from clients.outcomes import OutcomeInput, check_outcome, record_outcome
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.dates import german_date
from imcase.errors import ServiceError, StaleVersionError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for
from plans.dates import default_review_date
from plans.models import (
    Evaluation,
    Goal,
    GoalField,
    GoalStatus,
    GoalStatusChange,
    IndependenceRating,
    Plan,
    PlanVersion,
    Step,
    initial_status_history,
)

__all__ = [
    "GoalInput",
    "StalePlanError",
    "StepInput",
    "add_goal",
    "add_step",
    "continue_plan",
    "create_plan",
    "evaluate_goal",
    "rate_independence",
    "set_step_done",
    "update_dates",
    "update_goal",
]


class StalePlanError(StaleVersionError):
    """Someone else saved the plan since the user's page was loaded."""

    message_text = (
        "Der Integrationsplan wurde inzwischen von jemand anderem geändert. Ihre Eingabe "
        "wurde nicht gespeichert. Bitte laden Sie die Seite neu und tragen Sie sie erneut ein."
    )


@dataclass
class GoalInput:
    part: str
    field: GoalField
    text: str
    target_date: dt.date | None = None
    status: str = GoalStatus.AGREED


@dataclass
class StepInput:
    what: str
    who: str = Step.Who.CLIENT
    service: RegularService | None = None
    due_on: dt.date | None = None


# --- guards -------------------------------------------------------------------------------


def _locked_plan(actor, plan_id: int, expected_lock: int | None) -> Plan:
    """Lock the plan for a case worker who may see it; refuse a stale or closed one."""
    if not scope_for(actor).is_case_worker:
        raise ServiceError("Nur Integrationsmanager:innen und Teamleitungen bearbeiten Pläne.")
    plan = lock_visible(
        actor,
        Plan.objects.select_related("client"),
        plan_id,
        expected_lock,
        refusal="Dieser Plan liegt nicht in Ihrem Zuständigkeitsbereich.",
        stale_error=StalePlanError,
    )
    if plan.client.status != Client.Status.OPEN:
        raise ServiceError("Der Fall ist abgeschlossen; der Plan kann nicht mehr geändert werden.")
    return plan


def _current(plan: Plan, version: PlanVersion | None = None) -> PlanVersion:
    current = plan.versions.get(is_current=True)
    if version is not None and version.pk != current.pk:
        raise ServiceError(
            f"Die Fassung {version.number} ist fortgeschrieben und kann nicht mehr geändert werden."
        )
    return current


def _bump(actor, plan: Plan, event: str, **detail) -> None:
    plan.save_new_version()
    client = plan.client
    record(
        actor, AuditEntry.Action.CHANGE, client, label=client.aktenzeichen, event=event, **detail
    )


def _ensure_status_history(goal: Goal) -> None:
    """A goal recorded before its status history was kept (or by a bulk insert) gets its
    history reconstructed before the first change, so earlier years keep their status."""
    if goal.status_changes.exists():
        return
    carried = goal.carried_from.status if goal.carried_from_id else None
    GoalStatusChange.objects.bulk_create(
        GoalStatusChange(goal=goal, valid_from=valid_from, status=status)
        for valid_from, status in initial_status_history(goal, goal.evaluations.all(), carried)
    )


def _check_dates(agreed_on: dt.date, next_review_on: dt.date) -> None:
    if agreed_on > timezone.localdate():
        raise ServiceError("Das Datum der Vereinbarung darf nicht in der Zukunft liegen.")
    if next_review_on <= agreed_on:
        raise ServiceError("Die nächste Überprüfung muss nach dem Datum der Vereinbarung liegen.")


def _check_goal(data: GoalInput, version: PlanVersion) -> str:
    text = data.text.strip()
    if not text:
        raise ServiceError("Bitte beschreiben Sie das Ziel.")
    if data.part not in Goal.Part.values:
        raise ServiceError("Bitte wählen Sie Teil A oder Teil B.")
    if data.status not in GoalStatus.values:
        raise ServiceError("Unbekannter Stand des Ziels.")
    if data.target_date and data.target_date < version.agreed_on:
        raise ServiceError(
            "Das Zieldatum liegt vor der Vereinbarung des Plans "
            f"({german_date(version.agreed_on)})."
        )
    return text


def _check_ratings(ratings: Mapping[GoalField, int]) -> None:
    if any(rating not in (1, 2, 3, 4) for rating in ratings.values()):
        raise ServiceError("Die Selbständigkeit wird mit 1 bis 4 eingeschätzt.")


def _visible_goal(actor, goal: Goal) -> Goal:
    found = (
        Goal.objects.filter(version__plan__in=Plan.objects.visible_to(actor))
        .select_related("version")
        .filter(pk=goal.pk)
        .first()
    )
    if found is None:
        raise ServiceError("Dieses Ziel liegt nicht in Ihrem Zuständigkeitsbereich.")
    return found


# --- plan and versions --------------------------------------------------------------------


def create_plan(
    actor,
    client: Client,
    agreed_on: dt.date,
    next_review_on: dt.date | None = None,
    ratings: Mapping[GoalField, int] | None = None,
) -> Plan:
    """Start the client's plan with version 1 and, optionally, the independence at start."""
    next_review_on = next_review_on or default_review_date(agreed_on)
    _check_dates(agreed_on, next_review_on)
    _check_ratings(ratings or {})
    if not scope_for(actor).is_case_worker:
        raise ServiceError("Nur Integrationsmanager:innen und Teamleitungen legen Pläne an.")
    with transaction.atomic():
        locked = lock_visible(
            actor,
            Client.objects,
            client.pk,
            None,
            refusal="Diese Person liegt nicht in Ihrem Zuständigkeitsbereich.",
        )
        if locked.status != Client.Status.OPEN:
            raise ServiceError("Für einen abgeschlossenen Fall wird kein Plan mehr angelegt.")
        if Plan.objects.filter(client=locked).exists():
            raise ServiceError("Für diese Person gibt es schon einen Integrationsplan.")
        plan = Plan.objects.create(client=locked, created_by=actor)
        version = PlanVersion.objects.create(
            plan=plan,
            number=1,
            agreed_on=agreed_on,
            next_review_on=next_review_on,
            created_by=actor,
        )
        _add_ratings(actor, version, ratings or {}, agreed_on, IndependenceRating.Kind.START)
        record(
            actor, AuditEntry.Action.CREATE, locked, label=locked.aktenzeichen, event="plan_created"
        )
    return plan


def update_dates(
    actor, plan: Plan, agreed_on: dt.date, next_review_on: dt.date, expected_lock: int
) -> PlanVersion:
    """Correct the agreement and review dates of the current version."""
    _check_dates(agreed_on, next_review_on)
    with transaction.atomic():
        plan = _locked_plan(actor, plan.pk, expected_lock)
        version = _current(plan)
        if version.goals.filter(target_date__lt=agreed_on).exists():
            raise ServiceError("Ein Ziel hat ein Zieldatum vor dem neuen Datum der Vereinbarung.")
        if agreed_on < version.agreed_on:
            # The goals' first status held from the agreement: it moves with an earlier date.
            GoalStatusChange.objects.filter(
                goal__version=version, valid_from=version.agreed_on
            ).update(valid_from=agreed_on)
        version.agreed_on = agreed_on
        version.next_review_on = next_review_on
        version.save(update_fields=["agreed_on", "next_review_on"])
        _bump(actor, plan, "plan_dates", version=version.number)
    return version


def continue_plan(
    actor,
    plan: Plan,
    agreed_on: dt.date,
    expected_lock: int,
    next_review_on: dt.date | None = None,
) -> PlanVersion:
    """Fortschreibung: freeze the current version and start the next one with the goals that
    are still open (same field, text, target date and status) and their open steps."""
    next_review_on = next_review_on or default_review_date(agreed_on)
    _check_dates(agreed_on, next_review_on)
    with transaction.atomic():
        plan = _locked_plan(actor, plan.pk, expected_lock)
        old = _current(plan)
        if agreed_on < old.agreed_on:
            raise ServiceError(
                "Die Fortschreibung kann nicht vor der bisherigen Fassung "
                f"({german_date(old.agreed_on)}) vereinbart werden."
            )
        old.is_current = False
        old.superseded_at = timezone.now()
        old.save(update_fields=["is_current", "superseded_at"])
        new = PlanVersion.objects.create(
            plan=plan,
            number=old.number + 1,
            agreed_on=agreed_on,
            next_review_on=next_review_on,
            created_by=actor,
        )
        open_goals = list(
            old.goals.filter(status__in=GoalStatus.open_values()).prefetch_related("steps")
        )
        copies = Goal.objects.bulk_create(
            Goal(
                version=new,
                part=goal.part,
                field_id=goal.field_id,
                text=goal.text,
                target_date=goal.target_date,
                status=goal.status,
                carried_from=goal,
            )
            for goal in open_goals
        )
        GoalStatusChange.objects.bulk_create(
            GoalStatusChange(goal=copy, valid_from=agreed_on, status=copy.status) for copy in copies
        )
        Step.objects.bulk_create(
            Step(
                goal=copy,
                what=step.what,
                who=step.who,
                service_id=step.service_id,
                due_on=step.due_on,
            )
            for goal, copy in zip(open_goals, copies, strict=True)
            for step in goal.steps.all()
            if not step.done
        )
        _bump(actor, plan, "plan_continued", version=new.number)
    return new


# --- goals and steps ----------------------------------------------------------------------


def add_goal(actor, version: PlanVersion, data: GoalInput, expected_lock: int) -> Goal:
    with transaction.atomic():
        plan = _locked_plan(actor, version.plan_id, expected_lock)
        version = _current(plan, version)
        text = _check_goal(data, version)
        goal = Goal.objects.create(
            version=version,
            part=data.part,
            field=data.field,
            text=text,
            target_date=data.target_date,
            status=data.status,
        )
        GoalStatusChange.objects.create(goal=goal, valid_from=version.agreed_on, status=goal.status)
        _bump(actor, plan, "plan_goal_added", goal=str(goal.code))
    return goal


def update_goal(actor, goal: Goal, data: GoalInput, expected_lock: int) -> Goal:
    """Change part, field, text, target date or status of a goal of the current version."""
    goal = _visible_goal(actor, goal)
    with transaction.atomic():
        plan = _locked_plan(actor, goal.version.plan_id, expected_lock)
        goal = Goal.objects.get(pk=goal.pk)
        version = _current(plan, goal.version)
        text = _check_goal(data, version)
        if data.status != goal.status:
            # An edit has no date of its own: the new status holds from the day of the edit.
            _ensure_status_history(goal)
            GoalStatusChange.objects.create(
                goal=goal,
                valid_from=max(timezone.localdate(), version.agreed_on),
                status=data.status,
            )
        goal.part = data.part
        goal.field = data.field
        goal.text = text
        goal.target_date = data.target_date
        goal.status = data.status
        goal.save(update_fields=["part", "field", "text", "target_date", "status"])
        _bump(actor, plan, "plan_goal_changed", goal=str(goal.code))
    return goal


def add_step(actor, goal: Goal, data: StepInput, expected_lock: int) -> Step:
    what = data.what.strip()
    if not what:
        raise ServiceError("Bitte beschreiben Sie den Schritt.")
    if data.who not in Step.Who.values:
        raise ServiceError("Bitte wählen Sie, wer den Schritt übernimmt.")
    if data.who == Step.Who.SERVICE and data.service is None:
        raise ServiceError("Bitte wählen Sie den Regeldienst, der den Schritt übernimmt.")
    goal = _visible_goal(actor, goal)
    with transaction.atomic():
        plan = _locked_plan(actor, goal.version.plan_id, expected_lock)
        _current(plan, goal.version)
        step = Step.objects.create(
            goal=goal,
            what=what,
            who=data.who,
            service=data.service if data.who == Step.Who.SERVICE else None,
            due_on=data.due_on,
        )
        _bump(actor, plan, "plan_step_added", goal=str(goal.code))
    return step


def set_step_done(actor, step: Step, done: bool, on: dt.date, expected_lock: int) -> Step:
    if done and on > timezone.localdate():
        raise ServiceError("Ein Schritt kann nicht in der Zukunft erledigt werden.")
    goal = _visible_goal(actor, step.goal)
    with transaction.atomic():
        plan = _locked_plan(actor, goal.version.plan_id, expected_lock)
        _current(plan, goal.version)
        step = Step.objects.get(pk=step.pk, goal=goal)
        step.done_on = on if done else None
        step.save(update_fields=["done_on"])
        _bump(actor, plan, "plan_step_done" if done else "plan_step_reopened", goal=str(goal.code))
    return step


# --- evaluation and independence ----------------------------------------------------------


def evaluate_goal(
    actor,
    goal: Goal,
    evaluated_on: dt.date,
    result: str,
    expected_lock: int,
    note: str = "",
    rating: int | None = None,
    outcome: OutcomeInput | None = None,
) -> Evaluation:
    """Auswertung: the result becomes the goal's status; with a rating, the independence in
    the goal's field is recorded for the same day; with ``outcome``, that outcome (Wirkung) of
    the client is recorded in the same step (``clients.outcomes``) and linked to the
    evaluation. All or nothing: a refused outcome saves no evaluation either."""
    if result not in GoalStatus.values or result == GoalStatus.NEW:
        raise ServiceError("Bitte wählen Sie ein Ergebnis der Auswertung.")
    if evaluated_on > timezone.localdate():
        raise ServiceError("Eine Auswertung kann nicht in der Zukunft liegen.")
    if rating is not None:
        _check_ratings({goal.field: rating})
    if outcome is not None:
        _check_evaluation_outcome(outcome)
    goal = _visible_goal(actor, goal)
    with transaction.atomic():
        plan = _locked_plan(actor, goal.version.plan_id, expected_lock)
        version = _current(plan, goal.version)
        if evaluated_on < version.agreed_on:
            raise ServiceError(
                "Die Auswertung liegt vor der Vereinbarung dieser Fassung "
                f"({german_date(version.agreed_on)})."
            )
        goal = Goal.objects.select_related("field", "version").get(pk=goal.pk)
        _ensure_status_history(goal)
        recorded = None
        if outcome is not None:
            recorded = record_outcome(actor, plan.client, outcome)
        evaluation = Evaluation.objects.create(
            goal=goal,
            evaluated_on=evaluated_on,
            result=result,
            note=note.strip(),
            outcome=recorded,
            recorded_by=actor,
        )
        goal.status = result
        goal.save(update_fields=["status"])
        GoalStatusChange.objects.create(goal=goal, valid_from=evaluated_on, status=result)
        if rating is not None:
            IndependenceRating.objects.create(
                version=version,
                field=goal.field,
                rating=rating,
                rated_on=evaluated_on,
                kind=IndependenceRating.Kind.EVALUATION,
                evaluation=evaluation,
                recorded_by=actor,
            )
        _bump(actor, plan, "plan_goal_evaluated", goal=str(goal.code), result=result)
    return evaluation


def _check_evaluation_outcome(outcome: OutcomeInput) -> None:
    """The outcome's rules (``clients.outcomes.check_outcome``), its refusals named after the
    evaluation form's fields (``outcome_<field>``) so they appear next to them."""
    try:
        check_outcome(outcome, timezone.localdate())
    except ServiceError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ServiceError(
            {f"outcome_{name}": errors for name, errors in error.error_dict.items()}
        ) from None


def rate_independence(
    actor,
    plan: Plan,
    ratings: Mapping[GoalField, int],
    rated_on: dt.date,
    expected_lock: int,
    kind: str = IndependenceRating.Kind.START,
) -> list[IndependenceRating]:
    """Record the independence per field on a day (at plan start, or between evaluations)."""
    if not ratings:
        raise ServiceError("Bitte schätzen Sie mindestens ein Handlungsfeld ein.")
    _check_ratings(ratings)
    if rated_on > timezone.localdate():
        raise ServiceError("Eine Einschätzung kann nicht in der Zukunft liegen.")
    with transaction.atomic():
        plan = _locked_plan(actor, plan.pk, expected_lock)
        version = _current(plan)
        rows = _add_ratings(actor, version, ratings, rated_on, kind)
        _bump(actor, plan, "plan_independence", fields=len(rows))
    return rows


def _add_ratings(
    actor, version: PlanVersion, ratings: Mapping[GoalField, int], rated_on: dt.date, kind: str
) -> list[IndependenceRating]:
    return IndependenceRating.objects.bulk_create(
        IndependenceRating(
            version=version,
            field=field,
            rating=rating,
            rated_on=rated_on,
            kind=kind,
            recorded_by=actor,
        )
        for field, rating in ratings.items()
    )
