"""Alerts follow the scope: which alerts are about one person, whatever record they hang on.

An alert's subject may be the person himself or a record of his in any app (an extension
request, a plan version, a goal). When a person leaves a user's scope (a handover to another
provider), the alerts about him addressed to that user must go too, or the old provider keeps
his name, Aktenzeichen and deadlines in its lists.

The core knows no case app, so each app says which of its records belong to a person::

    from imcase.alerts.scope import person_records

    @person_records("plans")
    def plan_records(person_id):
        yield PlanVersion, PlanVersion.objects.filter(plan__client_id=person_id).values("pk")

A person is identified by the primary key of the clients app's person model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q

from imcase.alerts.models import Alert, AlertQuerySet

Records = Iterable[tuple[type[Model], Any]]  # (model, ids or a ``values("pk")`` queryset)
RecordFinder = Callable[[int], Records]
PERSON_RECORDS: dict[str, RecordFinder] = {}


def person_records(name: str) -> Callable[[RecordFinder], RecordFinder]:
    """Register a function that yields (model, ids) of one app's records about a person."""

    def decorator(finder: RecordFinder) -> RecordFinder:
        PERSON_RECORDS[name] = finder
        return finder

    return decorator


def alerts_about_person(person_id: int) -> AlertQuerySet:
    """Every alert (any recipient, any status) whose subject belongs to the person."""
    about = Q(pk__in=[])
    for finder in PERSON_RECORDS.values():
        for model, ids in finder(person_id):
            subject_type = ContentType.objects.get_for_model(model)
            about |= Q(subject_type=subject_type, subject_id__in=ids)
    return Alert.objects.filter(about)


def withdraw_alerts(person_id: int, recipient_ids: Iterable[int]) -> int:
    """Delete the alerts about the person addressed to these users, done ones included (their
    messages name him); returns how many went. The nightly run raises them anew for whoever
    answers for the person now."""
    recipient_ids = list(recipient_ids)
    if not recipient_ids:
        return 0
    deleted, _ = alerts_about_person(person_id).filter(recipient_id__in=recipient_ids).delete()
    return deleted
