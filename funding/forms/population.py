"""Programmes split by Einwohnerzahl (as the Soforthilfe Ukraine) and their applicants (the
office); the rules live in ``funding.services.population``."""

from __future__ import annotations

from django import forms

from funding.forms.common import VersionForm, decimal_field
from funding.models import PopulationProgramme
from imcase.organisation.models import Municipality


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
    amount = decimal_field("Betrag (EUR)", digits=14, required=True, help_text="z. B. 282.709,99")
    min_vza = decimal_field(
        "Mindeststelle je Antragsteller (VZÄ)",
        digits=4,
        required=True,
        help_text="Soforthilfe Ukraine: 0,5",
    )
    cost_per_vza = decimal_field("Kosten je VZÄ (EUR)", digits=10, required=True)

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
