"""Forms of the decisions (who runs IM from 1 January) and of the programmes split by
Einwohnerzahl. They only parse input; the rules live in ``funding.services``."""

from __future__ import annotations

from django import forms

from funding.forms.years import AMOUNT_ERRORS, DATE_ERRORS, DATE_WIDGET, VersionForm
from funding.models import Decision, PopulationProgramme
from imcase.organisation.models import Municipality


def _decimal(label: str, *, places: int = 2, digits: int = 12, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=kwargs.pop("required", False),
        max_digits=digits,
        decimal_places=places,
        min_value=0,
        localize=True,
        error_messages={
            **AMOUNT_ERRORS,
            "invalid": "Bitte geben Sie eine Zahl an, z. B. 15 oder 52,50.",
            "required": "Bitte geben Sie einen Wert an.",
        },
        **kwargs,
    )


class DecisionForm(forms.Form):
    """The municipality's decision. The fields of a Verbund or a cooperation only count for
    that choice; the service clears the others."""

    mode = forms.ChoiceField(
        label="Wer führt das Integrationsmanagement ab 1. Januar durch?",
        choices=Decision.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Bitte wählen Sie, wer das Integrationsmanagement durchführt."},
    )
    partners = forms.ModelMultipleChoiceField(
        label="Partnergemeinden im Verbund",
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seat = forms.ModelChoiceField(
        label="Sitzgemeinde (trägt die gemeinsame Stelle)",
        queryset=Municipality.objects.none(),
        required=False,
        empty_label="– bitte wählen –",
    )
    serving_municipality = forms.ModelChoiceField(
        label="Gemeinde, die das Integrationsmanagement übernimmt",
        queryset=Municipality.objects.none(),
        required=False,
        empty_label="– bitte wählen –",
    )
    weekly_hours = _decimal(
        "Vereinbarte Wochenstunden", digits=5, help_text="z. B. 15 (Brackenheim für Cleebronn)"
    )
    billing = forms.ChoiceField(
        label="Abrechnung",
        choices=Decision.Billing.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    hourly_rate = _decimal(
        "Stundensatz netto (EUR)", digits=8, help_text="bei Abrechnung nach Stunden"
    )
    quarterly_flat = _decimal("Pauschale je Quartal netto (EUR)", help_text="bei Pauschale")
    resolution_date = forms.DateField(
        label="Beschluss des Gemeinderats vom",
        required=False,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    note = forms.CharField(
        label="Bemerkung",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kreis = Municipality.objects.filter(landkreis_id=municipality.landkreis_id)
        others = kreis.exclude(pk=municipality.pk)
        self.fields["partners"].queryset = others
        self.fields["seat"].queryset = kreis
        self.fields["serving_municipality"].queryset = others


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        label="Programm",
        max_length=160,
        help_text="z. B. Soforthilfe Ukraine",
        error_messages={"required": "Bitte geben Sie den Namen des Programms an."},
    )
    year = forms.IntegerField(
        label="Jahr",
        min_value=2000,
        max_value=2099,
        error_messages={
            "required": "Bitte geben Sie das Jahr an.",
            "invalid": "Bitte geben Sie das Jahr als Jahreszahl an, z. B. 2024.",
            "min_value": "Bitte geben Sie ein Jahr ab 2000 an.",
            "max_value": "Bitte geben Sie ein Jahr bis 2099 an.",
        },
    )
    amount = _decimal("Betrag (EUR)", digits=14, required=True, help_text="z. B. 282.709,99")
    min_vza = _decimal(
        "Mindeststelle je Antragsteller (VZÄ)",
        digits=4,
        required=True,
        help_text="Soforthilfe Ukraine: 0,5",
    )
    cost_per_vza = _decimal("Kosten je VZÄ (EUR)", digits=10, required=True)

    def clean(self) -> dict:
        data = super().clean()
        for name in ("amount", "min_vza", "cost_per_vza"):
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, "Der Wert muss größer als null sein.")
        return data


class ProgrammeEditForm(ProgrammeForm, VersionForm):
    pass


class ApplicantForm(VersionForm):
    municipality = forms.ModelChoiceField(
        label="Gemeinde",
        queryset=Municipality.objects.none(),
        empty_label="– bitte wählen –",
        error_messages={
            "required": "Bitte wählen Sie eine Gemeinde.",
            "invalid_choice": "Bitte wählen Sie eine Gemeinde Ihres Kreises, die noch nicht "
            "eingetragen ist.",
        },
    )

    def __init__(self, *args, programme: PopulationProgramme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(
            landkreis_id=programme.landkreis_id
        ).exclude(pk__in=programme.applicants.values("municipality_id"))
