"""What the funding forms share: German amount and date fields, and the hidden version that
every form of a versioned record carries (optimistic locking, ``imcase.locking``)."""

from __future__ import annotations

from django import forms

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."}
AMOUNT_ERRORS = {
    "invalid": "Bitte geben Sie einen Betrag in Euro an, z. B. 1.508.000,00.",
    "max_decimal_places": "Bitte höchstens zwei Nachkommastellen (Cent).",
    "min_value": "Der Betrag darf nicht negativ sein.",
}


def amount_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
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


def date_field(label: str, help_text: str = "") -> forms.DateField:
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


def decimal_field(label: str, *, places: int = 2, digits: int = 12, **kwargs) -> forms.DecimalField:
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
