"""Optimistic locking, the one way every app does it.

A versioned record counts a number up with every change. A form carries the number its page was
built from; the service locks the row inside its transaction, compares the number and refuses
with ``StaleVersionError`` when someone else saved in between, so that nothing is overwritten:

    with transaction.atomic():
        report = lock_visible(actor, UsageReport.objects, report.pk, expected_version,
                              refusal="Dieser Verwendungsnachweis liegt nicht in Ihrem Bereich.")
        report.status = UsageReport.Status.SUBMITTED
        report.save_new_version("status")
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models

from imcase.errors import ServiceError, StaleVersionError

V = TypeVar("V", bound="Versioned")


class Versioned:
    """Mixin for a model with a version counter. It adds no field (no schema change): the model
    keeps its own ``PositiveIntegerField``, named by ``version_field``."""

    version_field: ClassVar[str] = "version"

    @property
    def current_version(self) -> int:
        return getattr(self, self.version_field)

    def save_new_version(self, *fields: str) -> None:
        """Count the version up and write ``fields`` with it, and nothing else.

        Fields with ``auto_now`` (``updated_at``) are written too: ``update_fields`` would
        leave them out otherwise."""
        setattr(self, self.version_field, self.current_version + 1)
        stamps = [f.name for f in self._meta.concrete_fields if getattr(f, "auto_now", False)]
        self.save(update_fields=list(dict.fromkeys([*fields, self.version_field, *stamps])))


def check_version(
    record: Versioned,
    expected_version: int | None,
    stale_error: type[StaleVersionError] = StaleVersionError,
) -> None:
    """Refuse when ``record`` has moved on since the user's page was built. ``None``: the caller
    has no page version to compare (a call without a form), so any version is current."""
    if expected_version is not None and record.current_version != expected_version:
        raise stale_error()


def lock_visible(
    actor: Any,
    queryset: models.QuerySet[V] | models.Manager[V],
    pk: int,
    expected_version: int | None,
    *,
    refusal: str,
    stale_error: type[StaleVersionError] = StaleVersionError,
) -> V:
    """The row ``pk`` of ``queryset`` as ``actor`` may see it (its ``visible_to``), locked until
    the caller's transaction ends, at the version the user's page was built from.

    A row the actor may not see is refused with ``refusal`` exactly like a missing one. Only the
    row itself is locked (``of=self``), not the rows ``select_related`` joins in. Visibility is
    a subquery because PostgreSQL locks no rows of a DISTINCT query, and some scopes need one.
    """
    visible = queryset.visible_to(actor).filter(pk=pk).values("pk")
    locked = queryset.select_for_update(of=("self",)).filter(pk__in=visible).first()
    if locked is None:
        raise ServiceError(refusal)
    check_version(locked, expected_version, stale_error)
    return locked
