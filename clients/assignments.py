"""The responsible manager of a case: the team lead assigns and reassigns (one case or many at
once), a manager takes an unassigned case of his scope ("übernehmen"). Every change is one
transaction: the client row is locked at the version the user's page showed (nothing is
overwritten), the change is dated in ``ManagerAssignment``, audited, and the new manager gets
an alert (unless he made the change himself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, ManagerAssignment
from imcase.alerts.registry import alert_kind
from imcase.alerts.services import raise_alert
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.dates import german_date
from imcase.errors import ServiceError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for
from imcase.organisation.models import Role

CASE_ASSIGNED = alert_kind("case_assigned", "Fall zugewiesen")
EVENTS = {
    ManagerAssignment.Kind.ASSIGNED: "manager_assigned",
    ManagerAssignment.Kind.TAKEN_OVER: "manager_taken_over",
}
NOT_VISIBLE = "Mindestens eine Person liegt nicht in Ihrem Zuständigkeitsbereich."


def staff_name(user) -> str:
    if user is None:
        return "niemand"
    return user.get_full_name() or user.username


def assignable_staff(actor) -> QuerySet:
    """Who the actor may name as responsible: working managers and team leads of his provider."""
    provider_id = scope_for(actor).provider_id
    if not provider_id:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff__provider_id=provider_id,
            staff__role__in=[Role.MANAGER, Role.TEAM_LEAD],
        )
        .order_by("last_name", "first_name", "username")
    )


def can_assign(actor) -> bool:
    return scope_for(actor).role == Role.TEAM_LEAD


def can_take_over(actor, client: Client) -> bool:
    return (
        scope_for(actor).role == Role.MANAGER
        and client.manager_id is None
        and client.status == Client.Status.OPEN
    )


def assign_cases(
    actor,
    targets: Sequence[tuple[Client, int | None]],
    manager,
    today: dt.date | None = None,
) -> list[Client]:
    """Make ``manager`` responsible for each client of ``targets`` (client, page version).

    Only a team lead, only for open cases he sees, only staff of his provider who see the
    case too. All or nothing; returns the clients that changed (an unchanged one is skipped).
    """
    today = today or timezone.localdate()
    if not can_assign(actor):
        raise ServiceError("Fälle weist die Teamleitung zu.")
    if not targets:
        raise ServiceError("Bitte wählen Sie mindestens einen Fall aus.")
    if manager is None or not assignable_staff(actor).filter(pk=manager.pk).exists():
        raise ServiceError(
            "Bitte wählen Sie eine Mitarbeiterin oder einen Mitarbeiter Ihres Trägers."
        )
    changed = []
    with transaction.atomic():
        # Always lock in the same order, so two team leads cannot deadlock each other.
        for client, version in sorted(targets, key=lambda target: target[0].pk):
            locked = lock_visible(actor, Client.objects, client.pk, version, refusal=NOT_VISIBLE)
            if locked.status != Client.Status.OPEN:
                raise ServiceError(f"Der Fall von {locked.full_name} ist abgeschlossen.")
            if not Client.objects.visible_to(manager).filter(pk=locked.pk).exists():
                raise ServiceError(
                    f"{staff_name(manager)} ist für die Wohngemeinde von {locked.full_name} "
                    "nicht zuständig."
                )
            if locked.manager_id == manager.pk:
                continue
            _change(actor, locked, manager, ManagerAssignment.Kind.ASSIGNED, today)
            changed.append(locked)
    return changed


def take_over(actor, client: Client, today: dt.date | None = None) -> Client:
    """A manager makes himself responsible for an unassigned open case of his scope."""
    today = today or timezone.localdate()
    if scope_for(actor).role != Role.MANAGER:
        raise ServiceError("Einen Fall übernehmen Integrationsmanager:innen.")
    with transaction.atomic():
        locked = lock_visible(actor, Client.objects, client.pk, None, refusal=NOT_VISIBLE)
        if locked.status != Client.Status.OPEN:
            raise ServiceError("Der Fall ist abgeschlossen.")
        if locked.manager_id is not None:
            if locked.manager_id == actor.pk:
                raise ServiceError("Der Fall ist Ihnen bereits zugeordnet.")
            raise ServiceError(
                f"Der Fall ist inzwischen {staff_name(locked.manager)} zugeordnet; "
                "eine Neuzuordnung nimmt die Teamleitung vor."
            )
        _change(actor, locked, actor, ManagerAssignment.Kind.TAKEN_OVER, today)
    return locked


def record_initial_manager(actor, client: Client, today: dt.date | None = None) -> None:
    """A new person with a manager chosen on the form: date it, and tell the manager."""
    if client.manager_id is None:
        return
    today = today or timezone.localdate()
    ManagerAssignment.objects.create(
        client=client,
        manager_id=client.manager_id,
        valid_from=today,
        kind=ManagerAssignment.Kind.CREATED,
        assigned_by=actor,
    )
    _tell(actor, client, client.manager, today)


def record_release(actor, client: Client, previous, on: dt.date) -> None:
    """The case lost its manager (a handover to another provider): date it."""
    if previous is None:
        return
    ManagerAssignment.objects.create(
        client=client,
        manager=None,
        previous_manager=previous,
        valid_from=on,
        kind=ManagerAssignment.Kind.RELEASED,
        assigned_by=actor,
    )


def _change(actor, client: Client, manager, kind: str, today: dt.date) -> None:
    previous = client.manager
    client.manager = manager
    client.save_new_version("manager")
    ManagerAssignment.objects.create(
        client=client,
        manager=manager,
        previous_manager=previous,
        valid_from=today,
        kind=kind,
        assigned_by=actor,
    )
    record(
        actor,
        AuditEntry.Action.CHANGE,
        client,
        label=client.aktenzeichen,
        event=EVENTS[kind],
        manager=manager.pk,
        previous_manager=previous.pk if previous else None,
        valid_from=today.isoformat(),
    )
    _tell(actor, client, manager, today)


def _tell(actor, client: Client, manager, today: dt.date) -> None:
    if manager is None or manager.pk == actor.pk:
        return
    raise_alert(
        [manager.pk],
        CASE_ASSIGNED,
        client,
        today,
        f"{staff_name(actor)} hat Ihnen am {german_date(today)} den Fall {client.full_name} "
        f"({client.aktenzeichen}) zugewiesen.",
        reverse("clients:detail", kwargs={"code": client.code}),
    )


def assignment_history(client: Client, limit: int = 10) -> list[ManagerAssignment]:
    return list(
        client.manager_assignments.select_related("manager", "previous_manager", "assigned_by")[
            :limit
        ]
    )
