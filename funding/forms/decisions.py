"""The municipality's decision who runs IM from 1 January; the rules live in
``funding.services.decisions``."""

from __future__ import annotations

from django import forms

from funding.forms.common import DATE_ERRORS, DATE_WIDGET, decimal_field
from funding.models import Decision
from imcase.organisation.models import Municipality


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
    organisation = forms.CharField(
        label="Träger der freien Wohlfahrtspflege",
        max_length=160,
        required=False,
        help_text="z. B. Caritasverband, Diakonisches Werk, AWO, DRK-Kreisverband",
    )
    passed_by = forms.ChoiceField(
        label="Die Aufgabe überträgt",
        choices=Decision.PassedBy.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    weekly_hours = decimal_field(
        "Vereinbarte Wochenstunden", digits=5, help_text="z. B. 15 (Brackenheim für Cleebronn)"
    )
    billing = forms.ChoiceField(
        label="Abrechnung",
        choices=Decision.Billing.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    hourly_rate = decimal_field(
        "Stundensatz netto (EUR)", digits=8, help_text="bei Abrechnung nach Stunden"
    )
    quarterly_flat = decimal_field("Pauschale je Quartal netto (EUR)", help_text="bei Pauschale")
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


class WelfareTransferForm(forms.Form):
    """The Landkreis passes its task for one municipality to a welfare organisation."""

    organisation = forms.CharField(
        label="Träger der freien Wohlfahrtspflege",
        max_length=160,
        help_text="z. B. Caritasverband, Diakonisches Werk, AWO, DRK-Kreisverband",
        error_messages={
            "required": "Bitte geben Sie den Träger der freien Wohlfahrtspflege an, dem die "
            "Aufgabe übertragen wird."
        },
    )
    resolution_date = forms.DateField(
        label="Beschluss des Kreistags vom",
        required=False,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    note = forms.CharField(
        label="Bemerkung", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
