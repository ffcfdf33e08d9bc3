"""Steps 1–4: draw the lists, send them, let each municipality correct and return its list,
and let the office reopen a returned list.

Every change to a list bumps its ``version``; a form that was loaded before someone else's
change is refused (``StaleVersionError``), nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from funding import notifications
from funding.computation import STICHTAG_MUNICIPALITY, clients_by_stichtag_municipality
from funding.models import FundingYear, ListEntry, PersonList
from funding.services.years import lock_year
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.counted import counted
from imcase.dates import german_date
from imcase.errors import ServiceError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for
from imcase.organisation.models import Municipality, Role

SNAPSHOT_FIELDS = (
    "pk",
    "municipality_id",
    "last_name",
    "first_name",
    "birth_date",
    "aktenzeichen",
    "assignment_date",
    "arrival_kind",
)

# --- steps 1 and 2: the office draws and sends the lists -------------------------------------
STRIKE_FIELDS = ["struck", "strike_reason", "strike_note", "struck_by", "struck_at"]


@dataclass(frozen=True)
class GenerateResult:
    created: int
    refreshed: int
    kept: int
    persons: int

    @property
    def summary(self) -> str:
        text = (
            f"{counted(self.created, 'Liste', 'Listen')} erstellt, "
            f"{self.refreshed} noch nicht versandte erneuert"
        )
        if self.kept:
            text += f", {self.kept} bereits versandte unverändert"
        return f"{text} ({counted(self.persons, 'Person', 'Personen')} auf den neuen Listen)."


def _snapshot(person_list: PersonList, client) -> ListEntry:
    return ListEntry(
        person_list=person_list,
        kind=ListEntry.Kind.ASSIGNED,
        client=client,
        last_name=client.last_name,
        first_name=client.first_name,
        birth_date=client.birth_date,
        aktenzeichen=client.aktenzeichen,
        assignment_date=client.assignment_date,
        arrival_kind=client.arrival_kind,
    )


def generate_lists(actor, funding_year: FundingYear) -> GenerateResult:
    """Draw a list for every municipality of the Kreis from the client data (step 1): each
    person under the municipality he lived in on the Stichtag (``computation``).

    Lists not yet sent are drawn again (the data may have changed); sent lists stay as they
    are, so the municipalities' corrections are never lost.
    """
    with transaction.atomic():
        locked = lock_year(actor, funding_year)
        now = timezone.now()
        existing = {pl.municipality_id: pl for pl in locked.lists.all()}
        by_municipality: dict[int, list] = {}
        clients = clients_by_stichtag_municipality(
            locked.landkreis_id, locked.period_start, locked.period_end, locked.reference_date
        ).only(*SNAPSHOT_FIELDS)
        for client in clients.order_by():
            by_municipality.setdefault(getattr(client, STICHTAG_MUNICIPALITY), []).append(client)
        created = refreshed = kept = persons = 0
        entries: list[ListEntry] = []
        for municipality in Municipality.objects.filter(landkreis_id=locked.landkreis_id):
            person_list = existing.get(municipality.pk)
            if person_list is None:
                person_list = PersonList.objects.create(
                    funding_year=locked, municipality=municipality, generated_at=now
                )
                created += 1
            elif person_list.status == PersonList.Status.DRAFT:
                person_list.entries.all().delete()
                person_list.generated_at = now
                person_list.save_new_version("generated_at")
                refreshed += 1
            else:
                kept += 1
                continue
            clients = by_municipality.get(municipality.pk, [])
            entries.extend(_snapshot(person_list, client) for client in clients)
            persons += len(clients)
        ListEntry.objects.bulk_create(entries, batch_size=2000)
        result = GenerateResult(created, refreshed, kept, persons)
        record(
            actor,
            AuditEntry.Action.CREATE,
            locked,
            label=str(locked),
            event="lists_generated",
            created=created,
            refreshed=refreshed,
            persons=persons,
        )
    return result


def send_lists(actor, funding_year: FundingYear, base_url: str) -> int:
    """Send every list not yet sent (step 2): the municipality users get an e-mail."""
    with transaction.atomic():
        locked = lock_year(actor, funding_year)
        drafts = list(locked.lists.filter(status=PersonList.Status.DRAFT))
        if not drafts:
            raise ServiceError(
                "Es gibt keine neuen Listen zu versenden. Bitte erstellen Sie zuerst die Listen."
            )
        now = timezone.now()
        PersonList.objects.filter(pk__in=[pl.pk for pl in drafts]).update(
            status=PersonList.Status.SENT, sent_at=now
        )
        record(actor, AuditEntry.Action.CHANGE, locked, label=str(locked), event="lists_sent")
        ids = [pl.pk for pl in drafts]
        transaction.on_commit(lambda: notifications.lists_sent(ids, base_url))
    return len(drafts)


# --- steps 3 and 4: the municipality corrects and returns its list ---------------------------


def _locked_list(actor, person_list: PersonList, role: str, expected_version: int | None):
    if scope_for(actor).role != role:
        raise ServiceError(
            "Die Liste bearbeitet die Gemeinde."
            if role == Role.MUNICIPALITY
            else "Listen öffnet die Koordinierungsstelle wieder."
        )
    return lock_visible(
        actor,
        PersonList.objects.select_related("funding_year", "municipality"),
        person_list.pk,
        expected_version,
        refusal="Diese Liste liegt nicht in Ihrem Zuständigkeitsbereich.",
    )


def _editable(actor, person_list: PersonList, expected_version: int | None) -> PersonList:
    locked = _locked_list(actor, person_list, Role.MUNICIPALITY, expected_version)
    if not locked.is_editable:
        raise ServiceError(
            "Die Liste wurde bereits zurückgemeldet. Für eine Korrektur bitten Sie die "
            "Koordinierungsstelle, sie wieder zu öffnen."
        )
    return locked


def _changed(
    actor, person_list: PersonList, event: str, written: Sequence[str] = (), **detail
) -> None:
    person_list.save_new_version(*written)
    record(
        actor, AuditEntry.Action.CHANGE, person_list, label=str(person_list), event=event, **detail
    )


def _entry(person_list: PersonList, entry_id: int) -> ListEntry:
    entry = person_list.entries.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise ServiceError("Diese Person steht nicht (mehr) auf der Liste.")
    return entry


def strike_entry(
    actor, person_list: PersonList, entry_id: int, reason: str, note: str, expected_version
) -> ListEntry:
    """Strike a person no longer registered at the end of the period; a reason is required."""
    note = note.strip()
    if reason not in ListEntry.StrikeReason.values:
        raise ServiceError("Bitte wählen Sie einen Grund für die Streichung.")
    if reason == ListEntry.StrikeReason.OTHER and not note:
        raise ServiceError("Bitte erläutern Sie den sonstigen Grund der Streichung.")
    with transaction.atomic():
        locked = _editable(actor, person_list, expected_version)
        entry = _entry(locked, entry_id)
        if entry.struck:
            raise ServiceError(f"{entry.first_name} {entry.last_name} ist bereits gestrichen.")
        entry.struck = True
        entry.strike_reason = reason
        entry.strike_note = note
        entry.struck_by = actor
        entry.struck_at = timezone.now()
        entry.save(update_fields=STRIKE_FIELDS)
        _changed(actor, locked, "entry_struck", entry=entry.pk, reason=reason)
    return entry


def unstrike_entry(actor, person_list: PersonList, entry_id: int, expected_version) -> ListEntry:
    with transaction.atomic():
        locked = _editable(actor, person_list, expected_version)
        entry = _entry(locked, entry_id)
        if not entry.struck:
            raise ServiceError(f"{entry.first_name} {entry.last_name} ist nicht gestrichen.")
        entry.struck = False
        entry.strike_reason = ""
        entry.strike_note = ""
        entry.struck_by = None
        entry.struck_at = None
        entry.save(update_fields=STRIKE_FIELDS)
        _changed(actor, locked, "entry_unstruck", entry=entry.pk)
    return entry


def add_child(
    actor,
    person_list: PersonList,
    parent_id: int,
    last_name: str,
    first_name: str,
    birth_date: dt.date,
    expected_version,
) -> ListEntry:
    """Add a child born in AU since the parent's assignment, up to the Stichtag."""
    last_name, first_name = last_name.strip(), first_name.strip()
    if not last_name or not first_name:
        raise ServiceError("Bitte geben Sie Vor- und Nachnamen des Kindes an.")
    with transaction.atomic():
        locked = _editable(actor, person_list, expected_version)
        parent = locked.entries.filter(
            pk=parent_id, kind=ListEntry.Kind.ASSIGNED, struck=False
        ).first()
        if parent is None:
            raise ServiceError("Bitte wählen Sie einen Elternteil, der auf der Liste steht.")
        stichtag = locked.funding_year.reference_date
        if birth_date > stichtag:
            raise ServiceError(
                f"Das Kind ist nach dem Stichtag {german_date(stichtag)} geboren und zählt für "
                "dieses Förderjahr nicht."
            )
        if parent.assignment_date and birth_date < parent.assignment_date:
            raise ServiceError(
                "Nachgeborene Kinder sind nach der Zuweisung des Elternteils geboren "
                f"({german_date(parent.assignment_date)}); ein früher geborenes Kind wurde mit "
                "zugewiesen und steht schon in den Zuweisungsdaten."
            )
        duplicate = locked.entries.filter(
            last_name__iexact=last_name, first_name__iexact=first_name, birth_date=birth_date
        ).exists()
        if duplicate:
            raise ServiceError(f"{first_name} {last_name} steht bereits auf der Liste.")
        child = ListEntry.objects.create(
            person_list=locked,
            kind=ListEntry.Kind.CHILD,
            parent=parent,
            last_name=last_name,
            first_name=first_name,
            birth_date=birth_date,
            arrival_kind="geburt",
            added_by=actor,
        )
        _changed(actor, locked, "child_added", entry=child.pk)
    return child


def remove_child(actor, person_list: PersonList, entry_id: int, expected_version) -> None:
    """Take back a child added by mistake (entries from the client data can only be struck)."""
    with transaction.atomic():
        locked = _editable(actor, person_list, expected_version)
        entry = _entry(locked, entry_id)
        if entry.kind != ListEntry.Kind.CHILD:
            raise ServiceError(
                "Personen aus den Zuweisungsdaten werden nicht gelöscht, sondern mit Grund "
                "gestrichen."
            )
        entry.delete()
        _changed(actor, locked, "child_removed", entry=entry_id)


def submit_list(actor, person_list: PersonList, expected_version) -> PersonList:
    """Return the corrected list to the office (step 4); after that it is read-only."""
    with transaction.atomic():
        locked = _editable(actor, person_list, expected_version)
        locked.status = PersonList.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        _changed(actor, locked, "list_submitted", ("status", "submitted_at", "submitted_by"))
    return locked


def reopen_list(actor, person_list: PersonList, expected_version, base_url: str) -> PersonList:
    """The office gives a returned list back to the municipality for a correction."""
    with transaction.atomic():
        locked = _locked_list(actor, person_list, Role.OFFICE, expected_version)
        if locked.status != PersonList.Status.SUBMITTED:
            raise ServiceError("Nur eine zurückgemeldete Liste kann wieder geöffnet werden.")
        locked.status = PersonList.Status.SENT
        locked.reopened_at = timezone.now()
        _changed(actor, locked, "list_reopened", ("status", "reopened_at"))
        pk = locked.pk
        transaction.on_commit(lambda: notifications.list_reopened(pk, base_url))
    return locked
