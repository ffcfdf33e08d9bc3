"""Writing the audit log. Call ``record`` wherever personal data is shown or changed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from imcase.audit.models import AuditEntry


def _entry(actor, action: str, obj: models.Model, label: str, detail: dict) -> AuditEntry:
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "System",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "code", None) or obj.pk),
        object_label=label[:120],
        detail=detail,
    )


def record(actor, action: str, obj: models.Model, label: str = "", **detail) -> AuditEntry:
    """Append one entry. ``obj`` is identified by its opaque code if it has one."""
    entry = _entry(actor, action, obj, label, detail)
    entry.save()
    return entry


def record_many(
    actor, entries: Iterable[tuple[str, models.Model, str, dict]], batch_size: int = 1000
) -> int:
    """Append many entries at once, each ``(action, obj, label, detail)`` (imports)."""
    rows = [_entry(actor, action, obj, label, detail) for action, obj, label, detail in entries]
    AuditEntry.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
