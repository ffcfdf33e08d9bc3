"""A municipality corrects its list: striking a person, adding a child born in AU."""

from __future__ import annotations

from django import forms

from funding.forms.common import DATE_ERRORS, DATE_WIDGET, VersionForm
from funding.models import ListEntry, PersonList
from imcase.dates import german_date


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
            (entry.pk, f"{entry.last_name}, {entry.first_name} ({german_date(entry.birth_date)})")
            for entry in parents
        ]
