"""Reading the audit log: who may see which entries, the search form, entries in German.

Scope: the administrator sees every entry; the coordinating office (Koordinierungsstelle) sees
the entries written by the accounts of its own Kreis (its case workers, team leads, office and
municipality staff), nobody else any. Every search is itself written to the log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

from imcase.audit.models import AuditEntry
from imcase.organisation.access import scope_for
from imcase.organisation.models import Role, StaffMember
from imcase.web.forms import ScopedChoiceField

# The German name of an object kind where the model's own verbose_name is not the one a reader
# of the log expects (or the model is gone).
KIND_NAMES = {
    "auth.user": "Benutzerkonto",
    "otp_totp.totpdevice": "Zwei-Faktor-Gerät",
    "otp_static.staticdevice": "Zwei-Faktor-Ersatzcodes",
}

# What happened, for the events the services write (others are shown as they are stored).
EVENT_NAMES = {
    "import": "Import der Zuweisungsliste",
    "closed": "Fall abgeschlossen",
    "reopened": "wieder geöffnet",
    "consultation": "Beratungskontakt erfasst",
    "consultation_changed": "Beratungskontakt geändert",
    "referral_status": "Stand der Vermittlung geändert",
    "consent": "Einwilligung erfasst",
    "consent_revoked": "Einwilligung widerrufen",
    "jobcenter_transmission": "Übermittlungsbogen Jobcenter erstellt",
    "extension_requested": "Verlängerung beantragt",
    "extension_approved": "Verlängerung entschieden",
    "handover": "Zuständigkeit übergeben",
    "plan_created": "Integrationsplan angelegt",
    "client_export": "Liste exportiert",
    "client_list": "Liste der Klient:innen",
    "client_edit": "Stammdaten",
    "caseload": "Fälligkeitsliste",
    "kennzahlen_xlsx": "Kennzahlentabelle (XLSX)",
    "submission_download": "Abgabe heruntergeladen",
    "anonymised": "anonymisiert (Aufbewahrungsfrist abgelaufen)",
    "lists_generated": "Personenlisten erzeugt",
    "lists_sent": "Personenlisten versandt",
    "applicant_added": "Antragsteller hinzugefügt",
    "applicant_removed": "Antragsteller entfernt",
    "deduction_added": "Vorwegabzug hinzugefügt",
    "deduction_removed": "Vorwegabzug entfernt",
    "decision_confirmed": "Entscheidung bestätigt",
    "audit_search": "Protokoll durchsucht",
    "plan_dates": "Termine des Integrationsplans geändert",
    "plan_continued": "Integrationsplan fortgeschrieben",
    "plan_goal_added": "Ziel hinzugefügt",
    "plan_goal_changed": "Ziel geändert",
    "plan_goal_evaluated": "Ziel ausgewertet",
    "plan_step_added": "Schritt hinzugefügt",
    "plan_step_done": "Schritt erledigt",
    "plan_step_reopened": "Schritt wieder geöffnet",
    "plan_independence": "Selbständigkeit eingeschätzt",
    "entry_struck": "Person von der Liste gestrichen",
    "entry_unstruck": "Streichung aufgehoben",
    "child_added": "nachgeborenes Kind ergänzt",
    "child_removed": "nachgeborenes Kind entfernt",
    "list_submitted": "Liste zurückgemeldet",
    "list_reopened": "Liste wieder geöffnet",
    "saved": "gespeichert",
    "submitted": "eingereicht",
    "reviewed": "geprüft",
    "handover_note": "Übergabenotiz aus der VU erfasst",
}

# Detail keys that are shown by name (the rest are technical and stay in the stored entry).
DETAIL_LABELS = {
    "count": "Zeilen",
    "rows": "Zeilen",
    "municipalities": "Gemeinden",
    "ags": "AGS",
    "reason": "Grund",
    "kind": "Art",
    "lookup": "Ergebnis",
    "aktenzeichen": "eingegebenes Aktenzeichen",
    "on_behalf_of": "im Auftrag von",
}


def visible_entries(user) -> QuerySet[AuditEntry]:
    """The entries ``user`` may read (see the module docstring); nothing for anyone else."""
    scope = scope_for(user)
    if scope.role == Role.ADMIN:
        return AuditEntry.objects.all()
    if scope.role == Role.OFFICE and scope.landkreis_id:
        return AuditEntry.objects.filter(actor__in=_kreis_user_ids(scope.landkreis_id))
    return AuditEntry.objects.none()


def visible_actors(user) -> QuerySet:
    """The accounts ``user`` may search the log for."""
    users = get_user_model().objects.order_by("username")
    scope = scope_for(user)
    if scope.role == Role.ADMIN:
        return users
    if scope.role == Role.OFFICE and scope.landkreis_id:
        return users.filter(pk__in=_kreis_user_ids(scope.landkreis_id))
    return users.none()


def _kreis_user_ids(landkreis_id: int) -> QuerySet:
    return StaffMember.objects.filter(landkreis_id=landkreis_id, user__isnull=False).values(
        "user_id"
    )


class ActorChoiceField(ScopedChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class AuditSearchForm(forms.Form):
    """The search of the log page; GET parameters are German (``objekt`` as before)."""

    benutzer = ActorChoiceField(
        label="Benutzer:in", queryset=None, required=False, empty_label="alle"
    )
    objekt = forms.CharField(label="Aktenzeichen oder Kennung", required=False, max_length=120)
    von = forms.DateField(label="von (Datum)", required=False, widget=DateInput())
    bis = forms.DateField(label="bis (Datum)", required=False, widget=DateInput())
    aktion = forms.ChoiceField(
        label="Aktion", required=False, choices=[("", "alle"), *AuditEntry.Action.choices]
    )

    def __init__(self, data, *, user) -> None:
        super().__init__(data)
        self.fields["benutzer"].queryset = visible_actors(user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("von"), cleaned.get("bis")
        if start and end and start > end:
            self.add_error("bis", "Das Ende liegt vor dem Beginn.")
        return cleaned

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """The entries matching the valid fields (an invalid field filters nothing)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("benutzer"):
            entries = entries.filter(actor=data["benutzer"])
        query = (data.get("objekt") or "").strip()
        if query:
            entries = entries.filter(Q(object_id=query) | Q(object_label__iexact=query))
        if data.get("von"):
            entries = entries.filter(at__date__gte=data["von"])
        if data.get("bis"):
            entries = entries.filter(at__date__lte=data["bis"])
        if data.get("aktion"):
            entries = entries.filter(action=data["aktion"])
        return entries

    def used_filters(self) -> dict[str, str]:
        """The filters given, as typed (for the log entry about this search)."""
        if not self.is_bound or not self.is_valid():
            return {}
        shown = {}
        for name, value in self.cleaned_data.items():
            if not value:
                continue
            if name == "benutzer":
                value = value.username
            elif isinstance(value, dt.date):
                value = value.isoformat()
            shown[name] = str(value).strip()
        return {k: v for k, v in shown.items() if v}


# --- entries in German --------------------------------------------------------------------------


def kind_name(object_type: str) -> str:
    """``clients.client`` → "Klient:in", ``funding.allocation`` → "Zuteilung"."""
    if object_type in KIND_NAMES:
        return KIND_NAMES[object_type]
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _field_name(object_type: str, name: str) -> str:
    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name


@dataclass(frozen=True)
class ShownEntry:
    """One entry as the log page shows it."""

    entry: AuditEntry
    kind: str
    what: str


def describe(entry: AuditEntry) -> str:
    """What the entry says beyond its action: what was shown, what changed, and how much."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    parts: list[str] = []
    event = detail.get("event")
    if detail.get("read"):
        parts.append(str(detail["read"]))
    elif event:
        parts.append(EVENT_NAMES.get(event, str(event)))
    fields = detail.get("fields")
    if isinstance(fields, list | tuple) and fields:
        names = ", ".join(_field_name(entry.object_type, str(name)) for name in fields)
        parts.append(f"geändert: {names}")
    filters = detail.get("filters")
    if isinstance(filters, dict) and filters:
        parts.append("Filter: " + ", ".join(f"{k}={v}" for k, v in filters.items()))
    for key, label in DETAIL_LABELS.items():
        if key in detail and detail[key] not in (None, ""):
            parts.append(f"{label}: {detail[key]}")
    return "; ".join(parts)


def shown(entries) -> list[ShownEntry]:
    return [ShownEntry(entry, kind_name(entry.object_type), describe(entry)) for entry in entries]
