"""Forms of the Netzwerkarbeit page: the filter of the list, recording or editing an activity,
and withdrawing one. The rules live in ``clients.network_services``."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone

from clients.models import NetworkActivity, NetworkActivityKind, RegularService
from clients.network_services import MAX_MINUTES, NetworkActivityInput
from imcase.web.forms import ScopedMultipleChoiceField

ALL = ""


class NetworkFilterForm(forms.Form):
    """Year and kind of the list; an invalid value falls back to the current year / all."""

    jahr = forms.TypedChoiceField(label="Jahr", coerce=int, required=False)
    art = forms.ChoiceField(
        label="Art", choices=[(ALL, "alle Arten"), *NetworkActivityKind.choices], required=False
    )

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jahr"].choices = [(y, str(y)) for y in years]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-2 align-items-end mb-3"
        self.helper.layout = Layout(
            Column("jahr", css_class="col-6 col-md-3"),
            Column("art", css_class="col-6 col-md-4"),
            Column(Submit("", "Anzeigen"), css_class="col-auto"),
        )

    def year(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data["jahr"]:
            return self.cleaned_data["jahr"]
        return default

    def kind(self) -> str:
        return self.cleaned_data["art"] if self.is_valid() else ALL


class NetworkActivityForm(forms.Form):
    kind = forms.ChoiceField(label="Art", choices=NetworkActivityKind.choices)
    date = forms.DateField(
        label="Datum",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    duration_minutes = forms.IntegerField(
        label="Dauer (Minuten)",
        initial=90,
        min_value=1,
        max_value=MAX_MINUTES,
        help_text="mit Vor- und Nachbereitung",
    )
    participants = forms.IntegerField(
        label="Teilnehmende (Anzahl)", min_value=1, max_value=10000, help_text="Sie selbst mit"
    )
    topic = forms.CharField(label="Thema", max_length=200)
    partners = ScopedMultipleChoiceField(
        label="Beteiligte Regeldienste",
        queryset=RegularService.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_partners = forms.CharField(
        label="weitere Partner",
        max_length=300,
        required=False,
        help_text="z. B. Helferkreis, Sportverein, Kirchengemeinde",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, submit_label: str = "Speichern", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("kind", css_class="col-sm-6 col-lg-3"),
                Column("date", css_class="col-sm-6 col-lg-3"),
                Column("duration_minutes", css_class="col-sm-6 col-lg-3"),
                Column("participants", css_class="col-sm-6 col-lg-3"),
            ),
            "topic",
            "partners",
            "other_partners",
            "version",
            Submit("save", submit_label),
        )

    @staticmethod
    def initial_for(activity: NetworkActivity) -> dict:
        return {
            "kind": activity.kind,
            "date": activity.date,
            "duration_minutes": activity.duration_minutes,
            "participants": activity.participants,
            "topic": activity.topic,
            "partners": list(activity.partners.all()),
            "other_partners": activity.other_partners,
            "version": activity.version,
        }

    def to_input(self) -> NetworkActivityInput:
        data = self.cleaned_data
        return NetworkActivityInput(
            kind=data["kind"],
            date=data["date"],
            duration_minutes=data["duration_minutes"],
            topic=data["topic"],
            participants=data["participants"],
            partners=list(data["partners"]),
            other_partners=data["other_partners"],
        )


class NetworkWithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Grund der Rücknahme",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Bitte geben Sie den Grund der Rücknahme an."},
        help_text="z. B. „doppelt erfasst“",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
