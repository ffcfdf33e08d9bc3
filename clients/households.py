"""The household of a person: its members and their roles.

The role follows age: a child (under 18) is never "Bezugsperson". ``default_household_role``
gives the import's (and a new member's) role; the case worker can change it afterwards. Writes
lock each changed person at the version his page showed, keep the history and are audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from clients.duplicates import household_key_clash
from clients.models import Client, Household
from clients.services import report_clashes
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for

ADULT_AGE = 18
Role = Client.HouseholdRole

NOT_VISIBLE = "Diese Person liegt nicht in Ihrem Zuständigkeitsbereich."
CHILD_NOT_HEAD = "Ein Kind (unter 18 Jahren) kann nicht Bezugsperson sein."
ONE_HEAD = "Ein Haushalt hat höchstens eine Bezugsperson."


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_minor(birth_date: dt.date | None, day: dt.date) -> bool:
    return birth_date is not None and age_on(birth_date, day) < ADULT_AGE


def default_household_role(birth_date: dt.date | None, day: dt.date, *, head_taken: bool) -> str:
    """The role by age on ``day``: a child is "Kind"; an adult is "Bezugsperson" unless the
    household already has one, then "sonstige:r Angehörige:r" (a partner is set by hand)."""
    if is_minor(birth_date, day):
        return Role.CHILD
    return Role.OTHER if head_taken else Role.HEAD


def check_role(birth_date: dt.date | None, role: str, day: dt.date) -> None:
    if role not in Role.values:
        raise ServiceError("Unbekannte Rolle im Haushalt.")
    if role == Role.HEAD and is_minor(birth_date, day):
        raise ServiceError(CHILD_NOT_HEAD)


def _require_case_worker(actor) -> None:
    if not scope_for(actor).is_case_worker:
        raise ServiceError("Nur Integrationsmanager:innen und Teamleitungen bearbeiten Fälle.")


def _lock(actor, client: Client, version: int | None) -> Client:
    return lock_visible(actor, Client.objects, client.pk, version, refusal=NOT_VISIBLE)


def _audit(actor, client: Client, event: str) -> None:
    record(actor, AuditEntry.Action.CHANGE, client, label=client.aktenzeichen, event=event)


def _check_one_head(actor, household_id: int) -> None:
    # Only members the user sees count: the answer must not reveal anyone else.
    heads = (
        Client.objects.visible_to(actor)
        .filter(household_id=household_id, household_role=Role.HEAD)
        .count()
    )
    if heads > 1:
        raise ServiceError(ONE_HEAD)


def set_household_roles(
    actor, changes: Sequence[tuple[Client, str, int | None]], today: dt.date | None = None
) -> list[Client]:
    """Set each member's role (member, role, page version); returns the members changed."""
    today = today or timezone.localdate()
    _require_case_worker(actor)
    changed = []
    households = set()
    with transaction.atomic():
        for member, role, version in sorted(changes, key=lambda change: change[0].pk):
            locked = _lock(actor, member, version)
            if locked.household_role == role:
                continue
            try:
                check_role(locked.birth_date, role, today)
            except ServiceError as error:
                raise ServiceError(f"{locked.full_name}: {error.messages[0]}") from None
            locked.household_role = role
            locked.save_new_version("household_role")
            _audit(actor, locked, "household_role")
            households.add(locked.household_id)
            changed.append(locked)
        for household_id in households - {None}:
            _check_one_head(actor, household_id)
    return changed


def add_household_member(
    actor,
    client: Client,
    member: Client,
    role: str | None = None,
    new_key: str = "",
    today: dt.date | None = None,
) -> Client:
    """Bring ``member`` (a person the actor sees) into ``client``'s household; a client living
    alone gets a new household with ``new_key``. Without ``role`` it follows age."""
    today = today or timezone.localdate()
    _require_case_worker(actor)
    if member.pk == client.pk:
        raise ServiceError("Die Person kann nicht sich selbst hinzugefügt werden.")
    if client.household_id is None:
        # Checked before the transaction: a report to the office must outlive the refusal.
        new_key = _free_household_key(actor, client, new_key)
    with transaction.atomic():
        first, second = sorted([client, member], key=lambda person: person.pk)
        locked = {person.pk: _lock(actor, person, None) for person in (first, second)}
        client, member = locked[client.pk], locked[member.pk]
        if client.household_id is None:
            client.household = Household.objects.create(
                landkreis_id=client.landkreis_id, key=new_key
            )
            client.save_new_version("household")
            _audit(actor, client, "household_joined")
        elif member.household_id == client.household_id:
            raise ServiceError(f"{member.full_name} gehört bereits zu diesem Haushalt.")
        head_taken = (
            Client.objects.filter(household_id=client.household_id, household_role=Role.HEAD)
            .exclude(pk=member.pk)
            .exists()
        )
        role = role or default_household_role(member.birth_date, today, head_taken=head_taken)
        check_role(member.birth_date, role, today)
        member.household = client.household
        member.household_role = role
        member.save_new_version("household", "household_role")
        _audit(actor, member, "household_joined")
        _check_one_head(actor, client.household_id)
    return member


def _free_household_key(actor, client: Client, key: str) -> str:
    key = key.strip()
    if not key:
        raise ServiceError("Bitte geben Sie einen Haushaltsschlüssel für den neuen Haushalt an.")
    if len(key) > 40:
        raise ServiceError("Der Haushaltsschlüssel darf höchstens 40 Zeichen lang sein.")
    if clash := household_key_clash(actor, client.landkreis_id, key):
        if clash.neutral:
            # Report to the office like the new-person form does (no oracle for the user).
            report_clashes(actor, [clash], creating=False)
            raise ServiceError(
                "Dieser Haushaltsschlüssel kann nicht verwendet werden; "
                "bitte wenden Sie sich an die Koordinierungsstelle."
            )
        raise ServiceError("Diesen Haushaltsschlüssel gibt es im Kreis bereits.")
    return key


def remove_household_member(
    actor, member: Client, version: int | None, today: dt.date | None = None
) -> Client:
    """``member`` leaves his household and lives alone: an adult becomes his own Bezugsperson,
    a child stays "Kind"."""
    today = today or timezone.localdate()
    _require_case_worker(actor)
    with transaction.atomic():
        member = _lock(actor, member, version)
        if member.household_id is None:
            raise ServiceError(f"{member.full_name} gehört zu keinem Haushalt.")
        member.household = None
        member.household_role = default_household_role(member.birth_date, today, head_taken=False)
        member.save_new_version("household", "household_role")
        _audit(actor, member, "household_left")
    return member
