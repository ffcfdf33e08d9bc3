"""Retention: personal data of cases closed longer ago than ``RETENTION_DAYS`` is anonymised.

The rows stay, so every aggregate stays countable (persons per municipality, nationality,
year of birth, contacts, referrals, extensions, closings); what identifies the person goes.
What exactly goes is said by the apps that store it (the clients app for the person, contacts
and consents; the plans app for the plans' free text): see their ``retention.py``.

Submitted Kennzahlentabellen and published allocations are stored files and snapshots of their
own apps and are not touched. The audit log is append-only and keeps who accessed which record
(by its code and Aktenzeichen at the time), as the audit requires.

The core keeps only the machinery, so it needs to know no case app:

- ``@register_subjects`` registers the one ``Subjects`` class that says whose data is due (the
  clients app: cases closed before the cutoff and not yet anonymised) and how each
  anonymisation is recorded in the audit log;
- ``@anonymiser("name")`` registers a step that removes personal data; each step gets the ids
  of the subjects anonymised in the current batch and returns what it changed.

Both live in an app's ``retention.py``, found at start-up like the nightly checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.module_loading import autodiscover_modules

from imcase.alerts.models import Alert

ANONYMISED = "anonymisiert"
BATCH_SIZE = 500

Step = Callable[[list[int]], dict[str, int]]
ANONYMISERS: dict[str, Step] = {}


class Subjects:
    """The persons retention is about: which of them are due and how their anonymisation is
    recorded. Exactly one app registers it (``clients``)."""

    def due(self, cutoff: dt.date) -> QuerySet:
        """Subjects closed before ``cutoff`` and not yet anonymised (a queryset of one model,
        so a batch can be locked with ``select_for_update``)."""
        raise NotImplementedError

    def record(self, ids: list[int], cutoff: dt.date) -> None:
        """Write the audit entries for the subjects just anonymised."""
        raise NotImplementedError


SUBJECTS: list[Subjects] = []


def register_subjects(cls: type[Subjects]) -> type[Subjects]:
    if SUBJECTS and type(SUBJECTS[0]) is not cls:
        raise ValueError(f"Die Aufbewahrung kennt schon {type(SUBJECTS[0]).__name__}.")
    SUBJECTS[:] = [cls()]
    return cls


def anonymiser(name: str) -> Callable[[Step], Step]:
    """Register a step that removes personal data of the given subjects (called per batch,
    inside the batch's transaction; steps run in the order of INSTALLED_APPS)."""

    def decorator(step: Step) -> Step:
        ANONYMISERS[name] = step
        return step

    return decorator


def discover_retention() -> None:
    """Import ``<app>.retention`` of every installed app (called once from AppConfig.ready)."""
    autodiscover_modules("retention")


@dataclass
class RetentionResult:
    cutoff: dt.date
    clients: int = 0
    changed: dict[str, int] = field(default_factory=dict)

    def add(self, counts: dict[str, int]) -> None:
        for key, value in counts.items():
            self.changed[key] = self.changed.get(key, 0) + value


def cutoff_for(today: dt.date) -> dt.date:
    """Cases closed before this day are due for anonymisation."""
    return today - dt.timedelta(days=settings.RETENTION_DAYS)


def due_for_retention(today: dt.date) -> QuerySet | None:
    """The subjects due on ``today``; None when no app registered any."""
    return SUBJECTS[0].due(cutoff_for(today)) if SUBJECTS else None


def apply_retention(today: dt.date, dry_run: bool = False) -> RetentionResult:
    """Anonymise every case closed before the cutoff, in batches of one transaction each;
    a batch that fails leaves its clients as they were for the next night."""
    result = RetentionResult(cutoff=cutoff_for(today))
    due = due_for_retention(today)
    if due is None:
        return result
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    if dry_run:
        result.clients = len(ids)
        return result
    for start in range(0, len(ids), BATCH_SIZE):
        with transaction.atomic():
            batch = list(
                due_for_retention(today)
                .filter(pk__in=ids[start : start + BATCH_SIZE])
                .select_for_update()
                .values_list("pk", flat=True)
            )
            if not batch:
                continue
            for step in ANONYMISERS.values():
                result.add(step(batch))
            SUBJECTS[0].record(batch, result.cutoff)
            result.clients += len(batch)
    return result


def delete_alerts(model: type[Model], ids: Iterable) -> int:
    """Delete the alerts about the given records (their messages name the person)."""
    subject_type = ContentType.objects.get_for_model(model)
    deleted, _ = Alert.objects.filter(subject_type=subject_type, subject_id__in=ids).delete()
    return deleted
