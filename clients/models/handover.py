"""Handover notes (Übergabenotizen) from the vorläufige Unterbringung (VU).

When a person arrives in the Anschlussunterbringung (AU), the social worker of the Kreis's VU
(role ``vu``), or the coordinating office on his behalf, passes a short note to the new
integration manager: the languages the person speaks, open procedures, documents seen and —
only with the person's consent to pass them on — health-relevant hints. A note is never
changed after it is saved: a correction is a new note, so every note stays as it was written.
The rules of who may look a person up and write are in ``clients/handover.py``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clients.models.client import Client
from imcase.dates import german_date
from imcase.organisation.access import scope_for


class DocumentSeen(models.TextChoices):
    PASSPORT = "pass", "Pass oder Passersatz"
    ARRIVAL = "ankunftsnachweis", "Ankunftsnachweis"
    RESIDENCE = "aufenthaltstitel", "Aufenthaltstitel, Gestattung oder Duldung"
    BIRTH = "geburtsurkunde", "Geburtsurkunde"
    MARRIAGE = "heiratsurkunde", "Heiratsurkunde"
    CERTIFICATES = "zeugnisse", "Schul- und Berufszeugnisse"
    LANGUAGE = "sprachnachweis", "Sprachnachweis"
    VACCINATION = "impfpass", "Impfpass"
    HEALTH_CARD = "gesundheitskarte", "Gesundheitskarte oder Behandlungsschein"


class ConsentDeclaredBy(models.TextChoices):
    PERSON = "person", "die Person selbst"
    REPRESENTATIVE = "vertretung", "die gesetzliche Vertretung (Eltern, Vormund)"


HEALTH_WITHOUT_CONSENT = (
    "Gesundheitliche Hinweise dürfen nur weitergegeben werden, wenn die Person in die "
    "Weitergabe eingewilligt hat."
)


class HandoverNoteQuerySet(models.QuerySet):
    def visible_to(self, user) -> HandoverNoteQuerySet:
        """The managers and team leads who see the person read his notes; whoever writes
        notes (the VU, the office) reads only the notes he wrote himself."""
        scope = scope_for(user)
        if scope.writes_handover_notes:
            return self.filter(scope.handover_q("client__landkreis"), written_by=user)
        return self.filter(scope.client_q("client__municipality"))


class HandoverNote(models.Model):
    """One handover note about one person, written once (a correction is a new note).

    ``languages`` is a list of ``{"language": …, "level": …}`` (the level as text, may be
    empty); ``documents`` a list of ``DocumentSeen`` codes. ``health_hints`` must be empty
    unless ``health_consent`` is set, and then the consent's declarant and date are stated.
    ``on_behalf_of`` names the VU's social worker when the office writes the note for him.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="handover_notes")
    languages = models.JSONField("Sprachen", default=list, blank=True)
    open_procedures = models.TextField("Offene Verfahren", blank=True)
    documents = models.JSONField("Gesehene Dokumente", default=list, blank=True)
    health_consent = models.BooleanField(
        "Einwilligung zur Weitergabe gesundheitlicher Hinweise", default=False
    )
    consent_declared_by = models.CharField(
        "Einwilligung erklärt von", max_length=12, choices=ConsentDeclaredBy, blank=True
    )
    consent_declared_on = models.DateField("Einwilligung erklärt am", null=True, blank=True)
    health_hints = models.TextField("Gesundheitliche Hinweise", blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.CharField("im Auftrag von", max_length=120, blank=True)
    created_at = models.DateTimeField("erfasst am", auto_now_add=True)

    objects = HandoverNoteQuerySet.as_manager()

    class Meta:
        verbose_name = "Übergabenotiz"
        verbose_name_plural = "Übergabenotizen"
        ordering = ["client", "-created_at", "-pk"]
        indexes = [models.Index(fields=["written_by", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(health_consent=True) | Q(health_hints=""),
                name="handover_health_hints_need_consent",
            ),
            models.CheckConstraint(
                condition=Q(health_consent=False)
                | (~Q(consent_declared_by="") & Q(consent_declared_on__isnull=False)),
                name="handover_consent_is_stated",
            ),
        ]

    def __str__(self) -> str:
        return f"Übergabenotiz vom {german_date(timezone.localtime(self.created_at))}"

    def save(self, *args, **kwargs) -> None:
        # Written once: a correction is a new note, so what the manager read stays as it was.
        if not self._state.adding:
            raise ValidationError("Eine Übergabenotiz wird nicht geändert; bitte neu erfassen.")
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.health_hints.strip() and not self.health_consent:
            errors["health_hints"] = HEALTH_WITHOUT_CONSENT
        if self.health_consent:
            if not self.consent_declared_by:
                errors["consent_declared_by"] = "Bitte angeben, wer die Einwilligung erklärt hat."
            if not self.consent_declared_on:
                errors["consent_declared_on"] = "Bitte das Datum der Einwilligung angeben."
        unknown = set(self.documents) - set(DocumentSeen.values)
        if unknown:
            errors["documents"] = "Unbekannte Dokumentart: " + ", ".join(sorted(unknown))
        if errors:
            raise ValidationError(errors)

    @property
    def documents_display(self) -> list[str]:
        labels = dict(DocumentSeen.choices)
        return [labels.get(code, code) for code in self.documents]

    @property
    def consent_declared_by_label(self) -> str:
        """For "erklärt am … von …" on the client page."""
        return {
            ConsentDeclaredBy.PERSON: "der Person selbst",
            ConsentDeclaredBy.REPRESENTATIVE: "der gesetzlichen Vertretung",
        }.get(self.consent_declared_by, "")
