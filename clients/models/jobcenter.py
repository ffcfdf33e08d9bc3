"""The record of each Übermittlungsbogen handed to the Jobcenter (see ``clients.jobcenter``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from clients.models.client import Client, Consent, ConsentCategory
from imcase.organisation.access import scope_for
from imcase.organisation.models import Provider


class JobcenterTransmissionQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobcenterTransmissionQuerySet:
        """Transmissions about clients the user may see, made at the user's own provider."""
        scope = scope_for(user)
        return self.filter(scope.client_q("client__municipality"), provider_id=scope.provider_id)


class JobcenterTransmission(models.Model):
    """One generated Übermittlungsbogen: who made it when at which provider, the categories it
    holds, the consent it rests on (its date kept, should the consent row go) and the SHA-256
    of the PDF, so that a copy the Jobcenter shows can be checked against the record."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="jobcenter_transmissions"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("erstellt am", auto_now_add=True)
    categories = models.JSONField("übermittelte Datenkategorien", default=list)
    consent = models.ForeignKey(
        Consent, on_delete=models.SET_NULL, null=True, related_name="transmissions"
    )
    consent_given_on = models.DateField("Einwilligung vom")
    sha256 = models.CharField("SHA-256 des PDF", max_length=64)

    objects = JobcenterTransmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "Übermittlung an das Jobcenter"
        verbose_name_plural = "Übermittlungen an das Jobcenter"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Übermittlungsbogen vom {self.created_at:%d.%m.%Y}"

    @property
    def category_labels(self) -> list[str]:
        return ConsentCategory.labels_of(self.categories)
