"""The consultation form: logging a contact on the client page and editing it later.

The form only parses input; the rules (window, household, future dates) live in
``clients.services.log_consultation`` and ``update_consultation``.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone

from clients.models import Client, Consultation, Referral, RegularService, Topic
from clients.services import ConsultationInput, ReferralInput

REFERRAL_ROWS = 3


class ParticipantField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Client) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.get_household_role_display()})"


class ConsultationForm(forms.Form):
    """Fields shared by logging and editing a contact."""

    date = forms.DateField(
        label="Datum",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    duration_minutes = forms.IntegerField(
        label="Dauer (Minuten)", initial=45, min_value=1, max_value=600
    )
    kind = forms.ChoiceField(
        label="Art", choices=Consultation.Kind.choices, initial=Consultation.Kind.COUNSELLING
    )
    setting = forms.ChoiceField(
        label="Setting",
        choices=Consultation.Setting.choices,
        initial=Consultation.Setting.OFFICE_HOURS,
    )
    topics = forms.ModelMultipleChoiceField(
        label="Themen",
        queryset=Topic.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    interpreter_language = forms.CharField(
        label="Sprachmittlung (Sprache)",
        max_length=60,
        required=False,
        help_text="leer lassen, wenn ohne Sprachmittlung",
    )
    note = forms.CharField(label="Notiz", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_appointment = forms.DateTimeField(
        label="nächster Termin",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the surrounding template's form carries the token
        self.helper.layout = self.build_layout()

    def build_layout(self) -> Layout:
        return Layout(
            Row(
                Column("date", css_class="col-sm-6 col-lg-3"),
                Column("duration_minutes", css_class="col-sm-6 col-lg-3"),
                Column("kind", css_class="col-sm-6 col-lg-3"),
                Column("setting", css_class="col-sm-6 col-lg-3"),
            ),
            "topics",
            Row(
                Column("interpreter_language", css_class="col-sm-6"),
                Column("next_appointment", css_class="col-sm-6"),
            ),
            "note",
        )

    def to_input(self, clients) -> ConsultationInput:
        data = self.cleaned_data
        return ConsultationInput(
            clients=list(clients),
            date=data["date"],
            duration_minutes=data["duration_minutes"],
            kind=data["kind"],
            setting=data["setting"],
            topics=list(data["topics"]),
            referrals=self.referrals(),
            interpreter_language=data["interpreter_language"],
            note=data["note"],
            next_appointment=data["next_appointment"],
        )

    def referrals(self) -> list[ReferralInput]:
        return []


class ConsultationCreateForm(ConsultationForm):
    """Logging a contact: adds the participants (household members) and up to three referrals."""

    participants = ParticipantField(
        label="Teilnehmende",
        queryset=Client.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Bitte wählen Sie mindestens eine Person aus."},
    )

    def __init__(self, *args, client: Client, members, **kwargs) -> None:
        """``members``: the client's household members the user may see, the client included."""
        kwargs.setdefault("initial", {}).setdefault("participants", [client.pk])
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = members
        services = RegularService.objects.filter(active=True)
        for n in range(1, REFERRAL_ROWS + 1):
            self.fields[f"referral_{n}_service"] = forms.ModelChoiceField(
                label=f"Vermittlung {n}: Regeldienst",
                queryset=services,
                required=False,
                empty_label="– keine –",
            )
            self.fields[f"referral_{n}_note"] = forms.CharField(
                label=f"Vermittlung {n}: Notiz", max_length=300, required=False
            )

    def build_layout(self) -> Layout:
        layout = super().build_layout()
        layout.fields.insert(1, "participants")
        layout.fields.insert(
            3,
            Fieldset(
                "Vermittlungen an Regeldienste",
                *(
                    Row(
                        Column(f"referral_{n}_service", css_class="col-md-5"),
                        Column(f"referral_{n}_note", css_class="col-md-7"),
                    )
                    for n in range(1, REFERRAL_ROWS + 1)
                ),
            ),
        )
        return layout

    def clean(self) -> dict:
        data = super().clean()
        for n in range(1, REFERRAL_ROWS + 1):
            if data.get(f"referral_{n}_note") and not data.get(f"referral_{n}_service"):
                self.add_error(
                    f"referral_{n}_service", "Bitte wählen Sie den Regeldienst zu dieser Notiz."
                )
        return data

    def referrals(self) -> list[ReferralInput]:
        data = self.cleaned_data
        return [
            ReferralInput(service=data[f"referral_{n}_service"], note=data[f"referral_{n}_note"])
            for n in range(1, REFERRAL_ROWS + 1)
            if data.get(f"referral_{n}_service")
        ]


class ConsultationEditForm(ConsultationForm):
    """Editing a contact; ``version`` is the one the user loaded (optimistic locking).

    Participants and referrals are not edited here: the service keeps them as they are, and a
    referral's progress has its own small form on the timeline."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict:
        next_appointment = consultation.next_appointment
        return {
            "date": consultation.date,
            "duration_minutes": consultation.duration_minutes,
            "kind": consultation.kind,
            "setting": consultation.setting,
            "topics": list(consultation.topics.all()),
            "interpreter_language": consultation.interpreter_language,
            "note": consultation.note,
            "next_appointment": (
                timezone.localtime(next_appointment) if next_appointment else None
            ),
            "version": consultation.version,
        }

    def build_layout(self) -> Layout:
        layout = super().build_layout()
        layout.fields.append("version")
        return layout


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label="Stand", choices=Referral.Status.choices)
