"""A municipality corrects its list: striking a person, adding a child born in AU; and the
search over a list that can hold thousands of persons."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.db.models import Q, QuerySet

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

    def __init__(
        self, *args, person_list: PersonList, offered: Iterable[ListEntry] = (), **kwargs
    ) -> None:
        """The parents offered are the persons ``offered`` (the page of the list being shown,
        so a list of thousands does not become a select of thousands); a posted parent is
        checked against the whole list."""
        super().__init__(*args, **kwargs)
        if self.is_bound:
            parents = person_list.entries.filter(
                kind=ListEntry.Kind.ASSIGNED, struck=False, pk=_as_int(self.data.get("parent"))
            )
        else:
            parents = [e for e in offered if e.kind == ListEntry.Kind.ASSIGNED and not e.struck]
        self.fields["parent"].choices = [("", "– bitte wählen –")] + [
            (entry.pk, f"{entry.last_name}, {entry.first_name} ({german_date(entry.birth_date)})")
            for entry in parents
        ]


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ListSearchForm(forms.Form):
    """Find persons on a list: every word must occur in the name or the Aktenzeichen."""

    suche = forms.CharField(
        label="Name oder Aktenzeichen",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def filter(self, entries: QuerySet) -> QuerySet:
        if not self.is_valid():
            return entries
        for word in self.cleaned_data["suche"].replace(",", " ").split():
            entries = entries.filter(
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(aktenzeichen__icontains=word)
            )
        return entries
