"""Forms of the responsible-manager assignment and of the household page."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError

from clients.assignments import assignable_staff, staff_name
from clients.models import Client
from imcase.web.forms import ScopedChoiceField


class StaffChoiceField(ScopedChoiceField):
    """A colleague (manager or team lead) by name: assignment, the list's filter, the person
    form."""

    def label_from_instance(self, obj) -> str:
        return staff_name(obj)


class CaseVersionsField(forms.Field):
    """Selected cases as "<code>:<version>" (the version the list showed): a list of pairs."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[tuple[uuid.UUID, int]]:
        pairs = []
        for item in value or []:
            code, _, version = str(item).partition(":")
            try:
                pairs.append((uuid.UUID(code), int(version)))
            except ValueError:
                raise ValidationError("Ungültige Auswahl.") from None
        return pairs

    def validate(self, value) -> None:
        if not value:
            raise ValidationError("Bitte wählen Sie mindestens einen Fall aus.")


class AssignForm(forms.Form):
    """Assign one or many cases. On the client page ``faelle`` holds the one case."""

    manager = StaffChoiceField(
        label="Zuweisen an",
        queryset=Client.objects.none(),
        empty_label="– bitte wählen –",
        error_messages={"required": "Bitte wählen Sie, wem die Fälle zugewiesen werden."},
    )
    faelle = CaseVersionsField(label="Fälle")
    zurueck = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = assignable_staff(user)


class AddMemberForm(forms.Form):
    aktenzeichen = forms.CharField(
        label="Aktenzeichen der Person",
        max_length=40,
        help_text="Die Person muss bereits erfasst sein und in Ihrem Zuständigkeitsbereich liegen.",
    )
    role = forms.ChoiceField(
        label="Rolle im Haushalt",
        choices=[("", "nach Alter (Kind oder Angehörige:r)"), *Client.HouseholdRole.choices],
        required=False,
    )
    new_key = forms.CharField(
        label="Haushaltsschlüssel (neuer Haushalt)",
        max_length=40,
        required=False,
    )
