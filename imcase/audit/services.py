"""Writing the audit log. Call ``record`` wherever personal data is shown or changed."""

from __future__ import annotations

from django.db import models

from imcase.audit.models import AuditEntry


def record(actor, action: str, obj: models.Model, label: str = "", **detail) -> AuditEntry:
    """Append one entry. ``obj`` is identified by its opaque code if it has one."""
    object_id = str(getattr(obj, "code", None) or obj.pk)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "System",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=object_id,
        object_label=label[:120],
        detail=detail,
    )
