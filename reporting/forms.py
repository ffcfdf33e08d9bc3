"""Forms of the reporting pages. GET filters use German parameter names, so a filtered page is
a plain, shareable URL (``?jahr=2025&traeger=3``)."""

from __future__ import annotations

import datetime as dt

from django import forms

from imcase.organisation.models import Municipality
from imcase.web.forms import ScopedChoiceField
from reporting.kennzahlen.table import reporting_years
from reporting.scoping import FiguresScope, providers_visible_to, teams_visible_to


def _year_choices(today: dt.date) -> list[tuple[int, str]]:
    return [(year, str(year)) for year in reporting_years(today)]


def default_year(today: dt.date) -> int:
    """The last finished year: the one the office reports by 31 January."""
    years = reporting_years(today)
    return today.year - 1 if today.year - 1 in years else years[0]


class FiguresForm(forms.Form):
    jahr = forms.TypedChoiceField(label="Berichtsjahr", coerce=int)
    traeger = ScopedChoiceField(
        label="Träger", queryset=None, required=False, empty_label="alle Träger (Kreis)"
    )

    def __init__(self, data, *, user, scope: FiguresScope, today: dt.date) -> None:
        super().__init__(data)
        self.fields["jahr"].choices = _year_choices(today)
        self.fields["jahr"].initial = default_year(today)
        self.fields["traeger"].queryset = providers_visible_to(user).order_by("name")
        if not scope.is_office:
            del self.fields["traeger"]

    def value(self, name: str, today: dt.date):
        """The cleaned value, or the default when the field is missing or invalid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name)
        return default_year(today) if name == "jahr" else None


class FinaliseForm(forms.Form):
    """The office's submission. The reason of a correction is asked only where a submission
    of the year exists already (``correction``): a first submission has nothing to correct."""

    note = forms.CharField(
        label="Grund der Korrektur",
        required=True,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Was gegenüber der letzten Abgabe geändert wurde und warum.",
        error_messages={
            "required": "Eine Korrektur ist eine neue Abgabe: bitte geben Sie den Grund der "
            "Korrektur an."
        },
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    bestaetigung = forms.BooleanField(
        label="Ich habe die Zahlen geprüft; die Tabelle wird unveränderlich gespeichert und an "
        "das Regierungspräsidium übermittelt.",
        required=True,
        error_messages={"required": "Bitte bestätigen Sie die Abgabe."},
    )

    def __init__(self, *args, correction: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not correction:
            del self.fields["note"]


class DashboardForm(forms.Form):
    jahr = forms.TypedChoiceField(label="Jahr", coerce=int)
    traeger = ScopedChoiceField(
        label="Träger", queryset=None, required=False, empty_label="alle Träger"
    )
    team = ScopedChoiceField(
        label="Regionalteam", queryset=None, required=False, empty_label="alle Teams"
    )
    gemeinde = ScopedChoiceField(
        label="Gemeinde", queryset=None, required=False, empty_label="alle Gemeinden"
    )

    def __init__(self, data, *, user, scope: FiguresScope, today: dt.date) -> None:
        super().__init__(data)
        self.fields["jahr"].choices = _year_choices(today)
        self.fields["traeger"].queryset = providers_visible_to(user).order_by("name")
        self.fields["team"].queryset = (
            teams_visible_to(user).select_related("provider").order_by("provider__name", "name")
        )
        self.fields["gemeinde"].queryset = Municipality.objects.visible_to(user).order_by("name")
        if not scope.is_office:
            del self.fields["traeger"]

    def clean(self):
        data = super().clean()
        provider, team = data.get("traeger"), data.get("team")
        if provider and team and team.provider_id != provider.pk:
            self.add_error("team", "Das Team gehört nicht zum gewählten Träger.")
        return data


class AnnualReportYearForm(forms.Form):
    jahr = forms.TypedChoiceField(label="Berichtsjahr", coerce=int)

    def __init__(self, data, *, today: dt.date) -> None:
        super().__init__(data)
        self.fields["jahr"].choices = _year_choices(today)
        self.fields["jahr"].initial = default_year(today)

    def year(self, today: dt.date) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["jahr"]
        return default_year(today)


def _text_field(label: str, help_text: str) -> forms.CharField:
    from reporting.models import TEXT_MAX_CHARS

    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=help_text,
    )


class AnnualTextsForm(forms.Form):
    """The three text blocks of a Jahresbericht; an empty line starts a new paragraph."""

    introduction = _text_field("Einleitung", "Wozu der Bericht dient, was im Jahr wichtig war.")
    sachbericht = _text_field(
        "Sachbericht", "Was das Integrationsmanagement im Jahr getan und erreicht hat."
    )
    outlook = _text_field("Ausblick", "Was im nächsten Jahr ansteht.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
