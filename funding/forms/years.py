"""The funding year and its deductions (the office)."""

from __future__ import annotations

from django import forms

from funding.forms.common import VersionForm, amount_field, date_field
from funding.models import FIRST_YEAR, LAST_YEAR


class FundingYearForm(forms.Form):
    land_total = amount_field(
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
    amount_entered = amount_field(
        "oder: Betrag des Kreises direkt (EUR)",
        help_text="Statt Landesmittel × Quote, z. B. laut Zuwendungsbescheid.",
    )
    period_start = date_field(
        "Betrachtungszeitraum von", "leer: 1. Januar fünf Jahre vor dem Förderjahr"
    )
    period_end = date_field(
        "Betrachtungszeitraum bis", "leer: 31. Dezember drei Jahre vor dem Förderjahr"
    )
    reference_date = date_field("Stichtag", "leer: Ende des Betrachtungszeitraums")
    list_deadline = date_field(
        "Rückmeldefrist der Gemeinden", "leer: 15. Januar des Jahres vor dem Förderjahr"
    )
    usage_deadline = date_field(
        "Frist für die Verwendungsnachweise", "leer: 31. März des Jahres nach dem Förderjahr"
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
    amount = amount_field("Betrag (EUR)", required=True)


class DeductionUseForm(VersionForm):
    """What a Vorwegabzug was spent on (for the Gesamtverwendungsnachweis)."""

    spent = amount_field(
        "Ausgaben (EUR)", help_text="z. B. Personalkosten der Koordinierungsstelle"
    )
    vza = forms.DecimalField(
        label="VZÄ",
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=0,
        localize=True,
        help_text="Stellenumfang, z. B. 0,5",
        error_messages={
            "invalid": "Bitte geben Sie eine Zahl an, z. B. 0,5.",
            "max_decimal_places": "Bitte höchstens zwei Nachkommastellen.",
            "min_value": "Der Wert darf nicht negativ sein.",
        },
    )
    use_note = forms.CharField(label="Verwendung", max_length=500, required=False)
