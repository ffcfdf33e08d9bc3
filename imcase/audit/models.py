"""Append-only audit log: who viewed or changed which client record, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class AuditEntry(models.Model):
    """One access to personal data. Rows are never updated or deleted (also enforced in SQL)."""

    class Action(models.TextChoices):
        VIEW = "view", "angesehen"
        CREATE = "create", "angelegt"
        CHANGE = "change", "geändert"
        DELETE = "delete", "gelöscht"
        EXPORT = "export", "exportiert"

    at = models.DateTimeField("Zeitpunkt", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="Benutzer",
    )
    # Kept as text too, so the entry stays readable whatever happens to the account.
    actor_name = models.CharField("Benutzername", max_length=150)
    action = models.CharField("Aktion", max_length=8, choices=Action)
    object_type = models.CharField("Objektart", max_length=60)
    object_id = models.CharField("Objekt", max_length=64, db_index=True)
    object_label = models.CharField("Bezeichnung", max_length=120, blank=True)
    detail = models.JSONField("Details", default=dict, blank=True)

    class Meta:
        verbose_name = "Protokolleintrag"
        verbose_name_plural = "Protokoll"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.actor_name} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Protokolleinträge können nicht geändert werden.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Protokolleinträge können nicht gelöscht werden.")
