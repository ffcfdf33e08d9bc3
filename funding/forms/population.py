"""Programmes split by Einwohnerzahl (as the Soforthilfe Ukraine) and their applicants (the
office); the rules live in ``funding.services.population``."""

from __future__ import annotations

from django import forms

from funding.forms.common import VersionForm, date_field, decimal_field
from funding.models import PopulationApplicant, PopulationProgramme
from funding.models.population import RemainderUse
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
        members = PopulationApplicant.members.through.objects.filter(
            populationapplicant__programme=programme
        ).values("municipality_id")
        self.fields["municipality"].queryset = (
            Municipality.objects.filter(landkreis_id=programme.landkreis_id)
            .exclude(
                pk__in=programme.applicants.filter(municipality__isnull=False).values(
                    "municipality_id"
                )
            )
            .exclude(pk__in=members)
        )


class GroupApplicantForm(VersionForm):
    """The Landkreis or a Verbund applying for several municipalities."""

    kind = forms.ChoiceField(
        label="Antragsteller ist",
        choices=[
            (PopulationApplicant.Kind.LANDKREIS, "der Landkreis"),
            (PopulationApplicant.Kind.VERBUND, "ein Verbund von Gemeinden"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Bitte wählen Sie, wer den Antrag stellt."},
    )
    name = forms.CharField(
        label="Bezeichnung",
        max_length=160,
        required=False,
        help_text="Name des Verbunds; beim Landkreis leer lassen",
    )
    members = forms.ModelMultipleChoiceField(
        label="für die Gemeinden",
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Bitte wählen Sie die Gemeinden, für die der Antrag gestellt wird.",
            "invalid_choice": "Bitte wählen Sie Gemeinden Ihres Kreises.",
        },
    )

    def __init__(self, *args, programme: PopulationProgramme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Municipality.objects.filter(
            landkreis_id=programme.landkreis_id
        ).order_by("name")


class PositionForm(VersionForm):
    """The position an applicant reports it created with the grant."""

    position_vza = decimal_field(
        "Geschaffene Stelle (VZÄ)",
        digits=5,
        help_text="Stellenumfang, der tatsächlich geschaffen oder aufgestockt wurde, z. B. 0,5; "
        "0, wenn keine Stelle geschaffen wurde",
    )
    position_from = date_field("Besetzt ab")
    own_funds = forms.BooleanField(
        label="Mit Eigenmitteln aufgestockt",
        required=False,
        help_text="Die Zuwendung allein reichte nicht für die Stelle.",
    )
    position_note = forms.CharField(label="Bemerkung", max_length=500, required=False)


class RemainderForm(VersionForm):
    use = forms.ChoiceField(
        label="Die nicht genutzten Mittel werden",
        choices=RemainderUse.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Bitte wählen Sie, was mit den nicht genutzten Mitteln geschieht."
        },
    )
    note = forms.CharField(
        label="Bemerkung",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Beim anderen Zweck: wofür, z. B. Weiterbildung „Transkulturelle "
        "Traumapädagogik“ für alle Integrationsmanager:innen",
    )
