"""Forms of the case panel: extension request and decision, move, closing (Ausleitung), reopening.

They only parse input; the rules (four-eyes, window, handover) live in ``clients.services``.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from clients.models import Client
from imcase.organisation.models import Municipality
from imcase.web.forms import ScopedChoiceField

MIN_REASON_LENGTH = 20
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExtensionRequestForm(forms.Form):
    reason = forms.CharField(
        label="Begründung der Verlängerung",
        min_length=MIN_REASON_LENGTH,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ein begründeter Einzelfall, mindestens 20 Zeichen.",
        error_messages={
            "required": "Bitte begründen Sie die Verlängerung schriftlich.",
            "min_length": "Bitte begründen Sie die Verlängerung schriftlich "
            "(mindestens %(limit_value)d Zeichen, bisher %(show_value)d).",
        },
    )


class ExtensionDecisionForm(forms.Form):
    APPROVE = "approve"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label="Entscheidung",
        choices=[(APPROVE, "genehmigen"), (REFUSE, "ablehnen")],
        widget=forms.RadioSelect,
        error_messages={"required": "Bitte wählen Sie: genehmigen oder ablehnen."},
    )
    note = forms.CharField(
        label="Anmerkung",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bei einer Ablehnung ist eine Begründung nötig.",
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class MoveForm(forms.Form):
    to_municipality = ScopedChoiceField(
        label="neue Wohngemeinde",
        queryset=Municipality.objects.none(),
        empty_label="– bitte wählen –",
        help_text="Gehört die neue Gemeinde zu einem anderen Träger, wird der Fall an diesen "
        "übergeben und ist für Sie danach nicht mehr sichtbar.",
        error_messages={
            "required": "Bitte wählen Sie die neue Wohngemeinde.",
            "invalid_choice": "Bitte wählen Sie eine Gemeinde des Kreises.",
        },
    )
    moved_on = forms.DateField(
        label="Umzug am",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Bitte geben Sie das Datum des Umzugs an.",
            "invalid": "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ).",
        },
    )

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the Kreis's municipalities: a move beyond it is an Ausleitung, not a move.
        self.fields["to_municipality"].queryset = Municipality.objects.filter(
            landkreis_id=client.landkreis_id
        ).exclude(pk=client.municipality_id)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Grund der Ausleitung",
        choices=[("", "– bitte wählen –"), *Client.ClosedReason.choices],
        error_messages={
            "required": "Bitte wählen Sie einen Grund für die Ausleitung.",
            "invalid_choice": "Bitte wählen Sie einen Grund aus der Liste.",
        },
    )
    closed_on = forms.DateField(
        label="Ausleitung am",
        widget=DATE_WIDGET,
        initial=timezone.localdate,
        error_messages={
            "required": "Bitte geben Sie das Datum der Ausleitung an.",
            "invalid": "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ).",
        },
    )


class ReopenForm(forms.Form):
    """No input: reopening is a confirmed button press; the window decides."""
