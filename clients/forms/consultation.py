"""The consultation form: logging a contact on the client page and editing it later.

The form only parses input; the rules (window, household, future dates) live in
``clients.services.log_consultation`` and ``update_consultation``.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.db.models import Q
from django.utils import timezone

from clients.models import Client, Consultation, Referral, RegularService, Topic
from clients.services import ConsultationInput, ReferralInput
from imcase.web.forms import ScopedChoiceField, ScopedMultipleChoiceField

REFERRAL_ROWS = 3
NEW_REFERRAL_ROWS = 2  # empty rows for new referrals when a contact is edited


class ParticipantField(ScopedMultipleChoiceField):
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
    topics = ScopedMultipleChoiceField(
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
            self.fields[f"referral_{n}_service"] = ScopedChoiceField(
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

    Participants can be changed among the household members the user sees; each referral can
    get another service or note or be removed (``referral_<n>_remove``), and new ones added in
    the empty rows after them. A referral's progress has its own small form on the timeline."""

    participants = ParticipantField(
        label="Teilnehmende",
        queryset=Client.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Bitte wählen Sie mindestens eine Person aus."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, consultation: Consultation, members, **kwargs) -> None:
        """``members``: the persons that may take part (visible household and participants)."""
        self.existing = list(consultation.referrals.select_related("service").order_by("pk"))
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = members
        services = RegularService.objects.filter(
            Q(active=True) | Q(pk__in=[r.service_id for r in self.existing])
        )
        for n in range(1, len(self.existing) + NEW_REFERRAL_ROWS + 1):
            self.fields[f"referral_{n}_service"] = ScopedChoiceField(
                label=f"Vermittlung {n}: Regeldienst",
                queryset=services,
                required=False,
                empty_label="– keine –",
            )
            self.fields[f"referral_{n}_note"] = forms.CharField(
                label=f"Vermittlung {n}: Notiz", max_length=300, required=False
            )
            if n <= len(self.existing):
                self.fields[f"referral_{n}_remove"] = forms.BooleanField(
                    label=f"Vermittlung {n} entfernen", required=False
                )
        self.helper.layout = self.build_layout()

    @classmethod
    def initial_for(cls, consultation: Consultation, participants) -> dict:
        next_appointment = consultation.next_appointment
        initial = {
            "date": consultation.date,
            "duration_minutes": consultation.duration_minutes,
            "kind": consultation.kind,
            "setting": consultation.setting,
            "participants": [c.pk for c in participants],
            "topics": list(consultation.topics.all()),
            "interpreter_language": consultation.interpreter_language,
            "note": consultation.note,
            "next_appointment": (
                timezone.localtime(next_appointment) if next_appointment else None
            ),
            "version": consultation.version,
        }
        referrals = consultation.referrals.order_by("pk")
        for n, referral in enumerate(referrals, start=1):
            initial[f"referral_{n}_service"] = referral.service_id
            initial[f"referral_{n}_note"] = referral.note
        return initial

    def build_layout(self) -> Layout:
        layout = super().build_layout()
        layout.fields.insert(1, "participants")
        existing = len(getattr(self, "existing", []))
        rows = []
        for n in range(1, existing + NEW_REFERRAL_ROWS + 1):
            columns = [
                Column(f"referral_{n}_service", css_class="col-md-5"),
                Column(f"referral_{n}_note", css_class="col-md-5"),
            ]
            if n <= existing:
                columns.append(Column(f"referral_{n}_remove", css_class="col-md-2 pt-md-4"))
            rows.append(Row(*columns))
        layout.fields.insert(
            3,
            Fieldset(
                "Vermittlungen an Regeldienste",
                HTML(
                    '<p class="small text-body-secondary">Den Stand einer Vermittlung ändern '
                    "Sie in der Zeitleiste der Person.</p>"
                ),
                *rows,
            ),
        )
        layout.fields.append("version")
        return layout

    def clean(self) -> dict:
        data = super().clean()
        for n in range(1, len(self.existing) + NEW_REFERRAL_ROWS + 1):
            removed = data.get(f"referral_{n}_remove")
            note, service = data.get(f"referral_{n}_note"), data.get(f"referral_{n}_service")
            if note and not service and not removed:
                self.add_error(
                    f"referral_{n}_service",
                    "Bitte wählen Sie den Regeldienst zu dieser Notiz.",
                )
        return data

    def referrals(self) -> list[ReferralInput]:
        """The complete new list: kept (possibly changed) referrals, then the new ones."""
        data = self.cleaned_data
        kept = []
        for n in range(1, len(self.existing) + NEW_REFERRAL_ROWS + 1):
            service = data.get(f"referral_{n}_service")
            if service is None or data.get(f"referral_{n}_remove"):
                continue
            existing = self.existing[n - 1] if n <= len(self.existing) else None
            kept.append(
                ReferralInput(
                    service=service,
                    note=data[f"referral_{n}_note"],
                    pk=existing.pk if existing else None,
                )
            )
        return kept


class ConsultationWithdrawForm(forms.Form):
    """Withdrawing (stornieren) a wrongly entered contact: a reason is required."""

    reason = forms.CharField(
        label="Grund der Stornierung",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Bitte geben Sie den Grund der Stornierung an."},
        help_text="z. B. „bei der falschen Person erfasst“ oder „doppelt erfasst“",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label="Stand", choices=Referral.Status.choices)
