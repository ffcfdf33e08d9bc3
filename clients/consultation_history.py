"""The change history of a contact, readable: German field labels and values.

Each row is one stored version, newest first, with what changed from the version before:
"Themen: Arbeit → Arbeit, Wohnen", "Art: Beratung → Begleitung", "Datum: 03.05.2026 → …".
Choices show their labels, dates German, lists joined with ", ", persons by name (only those
the user sees; anyone else as "weitere Person"), users by name. Never Python data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format

from clients.models import Client, Consultation, RegularService, Topic

EMPTY = "–"
KINDS = {"+": "angelegt", "~": "geändert", "-": "gelöscht"}
# Extra columns of each version (see ``ConsultationSnapshot``): label and how to name an id.
SNAPSHOT_FIELDS = {
    "participant_ids": "Teilnehmende",
    "referral_service_ids": "Vermittlungen",
}


def contact_history(user, consultation: Consultation) -> list[dict]:
    """Newest first: when, who, what happened, and which fields changed."""
    records = list(
        consultation.history.select_related("history_user", "withdrawn_by").order_by("-history_id")
    )
    names = _Names(user, records)
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = [] if older is None else _changes(newer, older, names)
        kind = KINDS[newer.history_type]
        if older is not None and newer.withdrawn_at and not older.withdrawn_at:
            kind = "storniert"
        rows.append(
            {
                "date": newer.history_date,
                "user": user_name(newer.history_user),
                "kind": kind,
                "changes": changes,
            }
        )
    return rows


def user_name(user) -> str:
    if user is None:
        return EMPTY
    return user.get_full_name() or user.username


def _changes(newer, older, names: _Names) -> list[dict]:
    delta = newer.diff_against(older, excluded_fields=["version"])
    changes = [
        {
            "field": str(Consultation._meta.get_field(change.field).verbose_name),
            "old": names.value(change.field, change.old),
            "new": names.value(change.field, change.new),
        }
        for change in delta.changes
    ]
    for field, label in SNAPSHOT_FIELDS.items():
        old, new = getattr(older, field), getattr(newer, field)
        # Versions written before these were recorded have none: no change to show.
        if old is None or new is None or old == new:
            continue
        changes.append(
            {"field": label, "old": names.snapshot(field, old), "new": names.snapshot(field, new)}
        )
    return changes


class _Names:
    """Looks up, once per page, the names the ids in the versions stand for."""

    def __init__(self, user, records: list) -> None:
        client_ids = {pk for r in records for pk in (r.participant_ids or [])}
        self.clients = {
            c.pk: f"{c.first_name} {c.last_name}"
            for c in Client.objects.visible_to(user).filter(pk__in=client_ids)
        }
        self.services = dict(RegularService.objects.values_list("pk", "name"))
        self.topics = dict(Topic.objects.values_list("pk", "name"))
        self.users: dict[int, str] = {}

    def snapshot(self, field: str, ids: Iterable[int]) -> str:
        if field == "participant_ids":
            names = sorted(self.clients.get(pk, "weitere Person") for pk in ids)
        else:
            names = [self.services.get(pk, EMPTY) for pk in ids]
        return ", ".join(names) or EMPTY

    def value(self, field_name: str, value: Any) -> str:
        if value in (None, "", []):
            return EMPTY
        field = Consultation._meta.get_field(field_name)
        if field.many_to_many:
            # simple_history gives the rows of the through table: {"topic": id, …}.
            topics = sorted(self.topics.get(row["topic"], EMPTY) for row in value)
            return ", ".join(topics)
        if field.is_relation:
            return self._user(value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, dt.date):
            return date_format(value, "SHORT_DATE_FORMAT")
        return str(value)

    def _user(self, pk: int) -> str:
        if pk not in self.users:
            self.users[pk] = user_name(get_user_model().objects.filter(pk=pk).first())
        return self.users[pk]


def former_participant_ids(consultation: Consultation) -> set[int]:
    """Everyone who took part in any version of the contact (the history names them)."""
    rows = consultation.history.exclude(participant_ids=None).values_list(
        "participant_ids", flat=True
    )
    return {pk for ids in rows for pk in ids}
