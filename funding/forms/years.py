"""Forms of the funding procedure. They only parse input; the rules live in
``funding.services``. Amounts accept German input (1.508.000,00 or 1508000)."""

from __future__ import annotations

from django import forms

from funding.models import FIRST_YEAR, LAST_YEAR, ListEntry, PersonList

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."}
AMOUNT_ERRORS = {
    "invalid": "Bitte geben Sie einen Betrag in Euro an, z. B. 1.508.000,00.",
    "max_decimal_places": "Bitte höchstens zwei Nachkommastellen (Cent).",
    "min_value": "Der Betrag darf nicht negativ sein.",
}


def _amount(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        localize=True,
        help_text=help_text,
        error_messages={**AMOUNT_ERRORS, "required": "Bitte geben Sie den Betrag an."},
    )


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DATE_WIDGET,
        help_text=help_text,
        error_messages=DATE_ERRORS,
    )


class VersionForm(forms.Form):
    """Carries the version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FundingYearForm(forms.Form):
    land_total = _amount(
        "Landesmittel insgesamt (EUR)", help_text="z. B. 40.000.000,00 laut Haushalt des Landes"
    )
    quota_percent = forms.DecimalField(
        label="Zuteilungsquote des Kreises (%)",
        required=False,
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        localize=True,
        help_text="z. B. 3,77",
        error_messages={
            "invalid": "Bitte geben Sie die Quote als Zahl an, z. B. 3,77.",
            "max_decimal_places": "Bitte höchstens vier Nachkommastellen.",
            "max_value": "Die Quote liegt zwischen 0 und 100 Prozent.",
            "min_value": "Die Quote liegt zwischen 0 und 100 Prozent.",
        },
    )
    amount_entered = _amount(
        "oder: Betrag des Kreises direkt (EUR)",
        help_text="Statt Landesmittel × Quote, z. B. laut Zuwendungsbescheid.",
    )
    period_start = _date(
        "Betrachtungszeitraum von", "leer: 1. Januar fünf Jahre vor dem Förderjahr"
    )
    period_end = _date(
        "Betrachtungszeitraum bis", "leer: 31. Dezember drei Jahre vor dem Förderjahr"
    )
    reference_date = _date("Stichtag", "leer: Ende des Betrachtungszeitraums")
    list_deadline = _date(
        "Rückmeldefrist der Gemeinden", "leer: 15. Januar des Jahres vor dem Förderjahr"
    )


class FundingYearCreateForm(FundingYearForm):
    year = forms.IntegerField(
        label="Förderjahr",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "required": "Bitte geben Sie das Förderjahr an.",
            "invalid": "Bitte geben Sie das Förderjahr als Jahreszahl an, z. B. 2025.",
            "min_value": "Die Förderung nach der VwV IntM 2023 beginnt 2025.",
            "max_value": "Bitte geben Sie ein Förderjahr bis 2099 an.",
        },
    )

    field_order = ["year"]


class FundingYearEditForm(FundingYearForm, VersionForm):
    pass


class DeductionForm(VersionForm):
    name = forms.CharField(
        label="Bezeichnung",
        max_length=160,
        help_text="z. B. Koordinierungsstelle",
        error_messages={"required": "Bitte geben Sie eine Bezeichnung an."},
    )
    amount = _amount("Betrag (EUR)", required=True)


class StrikeForm(VersionForm):
    reason = forms.ChoiceField(
        label="Grund der Streichung",
        choices=[("", "– bitte wählen –"), *ListEntry.StrikeReason.choices],
        error_messages={"required": "Bitte wählen Sie einen Grund für die Streichung."},
    )
    note = forms.CharField(
        label="Erläuterung",
        required=False,
        max_length=300,
        help_text="Beim sonstigen Grund erforderlich, z. B. „abgemeldet nach unbekannt“.",
    )


class ChildForm(VersionForm):
    parent = forms.TypedChoiceField(
        label="Elternteil auf der Liste",
        coerce=int,
        error_messages={
            "required": "Bitte wählen Sie einen Elternteil.",
            "invalid_choice": "Bitte wählen Sie einen Elternteil, der auf der Liste steht.",
        },
    )
    last_name = forms.CharField(
        label="Nachname des Kindes",
        max_length=120,
        error_messages={"required": "Bitte geben Sie den Nachnamen des Kindes an."},
    )
    first_name = forms.CharField(
        label="Vorname des Kindes",
        max_length=120,
        error_messages={"required": "Bitte geben Sie den Vornamen des Kindes an."},
    )
    birth_date = forms.DateField(
        label="Geburtsdatum",
        widget=DATE_WIDGET,
        error_messages={**DATE_ERRORS, "required": "Bitte geben Sie das Geburtsdatum an."},
    )

    def __init__(self, *args, person_list: PersonList, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parents = person_list.entries.filter(kind=ListEntry.Kind.ASSIGNED, struck=False)
        self.fields["parent"].choices = [("", "– bitte wählen –")] + [
            (entry.pk, f"{entry.last_name}, {entry.first_name} ({entry.birth_date:%d.%m.%Y})")
            for entry in parents
        ]


class PublishForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    note = forms.CharField(
        label="Grund der Korrektur",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Nur bei einer neuen Revision nötig, z. B. „Liste Musterstadt korrigiert“.",
    )
