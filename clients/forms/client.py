"""The form to create and edit a person, and the consent form.

The form only checks input; the view saves through ``clients.services.save_client``.
Choices are scoped to the user: municipalities he serves, managers of his provider,
households of clients he may see.

An Aktenzeichen or household key taken by a record the user may not see is refused with
words that confirm nothing (the same as for a reserved value); the form lists such clashes in
``clashes`` and the view reports them to the coordinating office.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from clients.countries import country_choices
from clients.duplicates import Clash, aktenzeichen_clash, household_key_clash, visible_households
from clients.forms.assignment import StaffChoiceField
from clients.households import CHILD_NOT_HEAD, is_minor
from clients.models import Client, Consent, ConsentCategory, Household
from clients.services import open_case_check
from imcase.errors import ServiceError
from imcase.organisation.access import scope_for
from imcase.organisation.models import Municipality, Role

NO_HOUSEHOLD = "none"
EXISTING_HOUSEHOLD = "existing"
NEW_HOUSEHOLD = "new"

AKTENZEICHEN_TAKEN = "Dieses Aktenzeichen ist im Kreis bereits vergeben."
AKTENZEICHEN_REFUSED = (
    "Dieses Aktenzeichen kann nicht verwendet werden; "
    "bitte wenden Sie sich an die Koordinierungsstelle."
)
HOUSEHOLD_KEY_TAKEN = (
    "Diesen Haushaltsschlüssel gibt es im Kreis bereits. Bitte einen anderen wählen "
    "oder „bestehender Haushalt“ angeben."
)
HOUSEHOLD_KEY_REFUSED = (
    "Dieser Haushaltsschlüssel kann nicht verwendet werden; "
    "bitte wenden Sie sich an die Koordinierungsstelle."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        # The browser's date picker sends and expects ISO dates.
        super().__init__(attrs, format="%Y-%m-%d")


def split_languages(text: str) -> list[str]:
    """'Arabisch, Kurdisch,  ' → ['Arabisch', 'Kurdisch'] (order kept, duplicates dropped)."""
    seen: dict[str, None] = {}
    for part in text.split(","):
        part = " ".join(part.split())
        if part and part.casefold() not in {s.casefold() for s in seen}:
            seen[part] = None
    return list(seen)


def household_for_key(landkreis_id: int, key: str) -> Household:
    """The household with this key in the Kreis, created if new (part of the client's save)."""
    household, _ = Household.objects.get_or_create(landkreis_id=landkreis_id, key=key)
    return household


class ClientForm(forms.ModelForm):
    """Person, household and case data. Pass ``user``; for an edit also ``instance``."""

    nationality = forms.ChoiceField(label="Staatsangehörigkeit", required=False)
    further_nationalities = forms.MultipleChoiceField(
        label="weitere Staatsangehörigkeiten",
        required=False,
        help_text="Mehrfachauswahl mit Strg bzw. ⌘.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    languages = forms.CharField(
        label="Sprachen",
        required=False,
        max_length=300,
        help_text="Mehrere Sprachen durch Komma trennen, z. B. „Arabisch, Kurdisch“.",
    )
    household_mode = forms.ChoiceField(
        label="Haushalt",
        choices=[
            (NO_HOUSEHOLD, "kein Haushalt (lebt allein)"),
            (EXISTING_HOUSEHOLD, "bestehender Haushalt"),
            (NEW_HOUSEHOLD, "neuer Haushalt"),
        ],
        initial=NO_HOUSEHOLD,
        widget=forms.RadioSelect,
    )
    household_key = forms.CharField(
        label="Haushaltsschlüssel",
        required=False,
        max_length=40,
        help_text="Für einen bestehenden Haushalt den Schlüssel eines Familienmitglieds angeben, "
        "für einen neuen Haushalt einen neuen Schlüssel.",
    )
    manager = StaffChoiceField(
        label="zuständige:r Integrationsmanager:in",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="nicht zugeordnet",
    )
    confirm_duplicate = forms.BooleanField(
        label="Trotzdem anlegen: es handelt sich um eine andere Person.", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Client
        fields = [
            "aktenzeichen",
            "last_name",
            "first_name",
            "native_name",
            "birth_date",
            "sex",
            "nationality",
            "further_nationalities",
            "languages",
            "residence_status",
            "household_mode",
            "household_key",
            "household_role",
            "municipality",
            "arrival_kind",
            "assignment_date",
            "manager",
            "opened_on",
        ]
        widgets = {
            "birth_date": DateInput(),
            "assignment_date": DateInput(),
            "opened_on": DateInput(),
        }

    field_order = Meta.fields

    def __init__(self, *args, user, today: dt.date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today or timezone.localdate()
        self.creating = self.instance.pk is None
        # Values taken in the Kreis, found by ``clean``; the hidden ones go to the office.
        self.clashes: list[Clash] = []
        scope = scope_for(user)
        countries = country_choices()
        self.fields["nationality"].choices = [("", "– bitte wählen –"), *countries]
        self.fields["further_nationalities"].choices = countries
        self.fields["municipality"].queryset = Municipality.objects.visible_to(user)
        self.fields["manager"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                staff__provider_id=scope.provider_id,
                staff__role__in=[Role.MANAGER, Role.TEAM_LEAD],
            )
            .order_by("last_name", "first_name")
        )
        self.fields[
            "assignment_date"
        ].help_text = (
            "Beginn des Beratungszeitraums (drei Jahre). Ohne Zuweisung nur bei § 24 AufenthG."
        )
        # The model default is a callable; no hidden "initial-" copy of it in the page.
        self.fields["opened_on"].show_hidden_initial = False
        if self.creating:
            self.fields.pop("version")
            self.fields["opened_on"].initial = self.today
            if scope.role == Role.MANAGER:
                # A manager takes the new case himself or leaves it to the team lead.
                self.fields["manager"].queryset = self.fields["manager"].queryset.filter(pk=user.pk)
                self.fields["manager"].initial = user.pk
        else:
            # The responsible manager changes on the client page (assignment, dated).
            self.fields.pop("manager")
            self.fields[
                "confirm_duplicate"
            ].label = "Trotzdem speichern: es handelt sich um eine andere Person."
            self.fields["version"].initial = self.instance.version
            self.fields["languages"].initial = ", ".join(self.instance.languages)
            if self.instance.household_id:
                self.fields["household_mode"].initial = EXISTING_HOUSEHOLD
                self.fields["household_key"].initial = self.instance.household.key
            # A move to another municipality may hand the case over: it has its own form.
            self.fields["municipality"].disabled = True
            self.fields["municipality"].help_text = "Ein Umzug wird unter „Umzug“ erfasst."
            self.fields["municipality"].queryset = Municipality.objects.filter(
                pk=self.instance.municipality_id
            )

    def hide_duplicate_override(self) -> None:
        """The "create anyway" box appears only after a duplicate warning."""
        self.fields.pop("confirm_duplicate", None)

    # --- field checks ---------------------------------------------------------------------

    def _not_in_future(self, name: str) -> dt.date | None:
        day = self.cleaned_data.get(name)
        if day and day > self.today:
            raise ValidationError("Das Datum darf nicht in der Zukunft liegen.")
        return day

    def clean_birth_date(self):
        return self._not_in_future("birth_date")

    def clean_assignment_date(self):
        return self._not_in_future("assignment_date")

    def clean_opened_on(self):
        return self._not_in_future("opened_on")

    def clean_languages(self) -> list[str]:
        return split_languages(self.cleaned_data["languages"])

    def clean_aktenzeichen(self) -> str:
        return self.cleaned_data["aktenzeichen"].strip()

    def clean(self) -> dict:
        data = super().clean()
        self._check_aktenzeichen(data)
        self._check_dates(data)
        self._check_target_group(data)
        self._check_household(data)
        if data.get("household_role") == Client.HouseholdRole.HEAD and is_minor(
            data.get("birth_date"), self.today
        ):
            self.add_error("household_role", CHILD_NOT_HEAD)
        if data.get("nationality") in data.get("further_nationalities", []):
            self.add_error(
                "further_nationalities",
                "Die erste Staatsangehörigkeit nicht noch einmal als weitere angeben.",
            )
        return data

    def _landkreis_id(self, data) -> int | None:
        municipality = data.get("municipality") or (
            self.instance.municipality if self.instance.municipality_id else None
        )
        return municipality.landkreis_id if municipality else None

    def _check_aktenzeichen(self, data) -> None:
        aktenzeichen, landkreis_id = data.get("aktenzeichen"), self._landkreis_id(data)
        if not aktenzeichen or not landkreis_id:
            return
        if not self.creating and aktenzeichen == self.instance.aktenzeichen:
            return  # unchanged: it is this person's own (an anonymised case keeps its pseudonym)
        clash = aktenzeichen_clash(self.user, landkreis_id, aktenzeichen, self.instance.pk)
        if clash is None:
            return
        self.clashes.append(clash)
        if clash.neutral:
            self.add_error("aktenzeichen", AKTENZEICHEN_REFUSED)
            return
        person = clash.visible
        self.add_error(
            "aktenzeichen",
            format_html(
                '{} <a href="{}">{}, {} öffnen</a>',
                AKTENZEICHEN_TAKEN,
                reverse("clients:detail", kwargs={"code": person.code}),
                person.last_name,
                person.first_name,
            ),
        )

    def _check_dates(self, data) -> None:
        birth, assigned = data.get("birth_date"), data.get("assignment_date")
        if birth and assigned and birth > assigned:
            self.add_error(
                "birth_date", "Das Geburtsdatum darf nicht nach der Zuweisung in die AU liegen."
            )

    def _check_target_group(self, data) -> None:
        if "residence_status" not in data or "assignment_date" not in data:
            return
        probe = Client(
            assignment_date=data["assignment_date"], residence_status=data["residence_status"]
        )
        try:
            open_case_check(probe)
        except ServiceError as error:
            self.add_error(None, error)

    def _check_household(self, data) -> None:
        mode, key = data.get("household_mode"), (data.get("household_key") or "").strip()
        data["household_key"] = key
        if mode == NO_HOUSEHOLD:
            return
        if not key:
            self.add_error("household_key", "Bitte geben Sie den Haushaltsschlüssel an.")
            return
        landkreis_id = self._landkreis_id(data)
        if not landkreis_id:
            return
        if mode == EXISTING_HOUSEHOLD:
            if (
                not visible_households(self.user)
                .filter(landkreis_id=landkreis_id, key=key)
                .exists()
            ):
                self.add_error(
                    "household_key",
                    "In Ihrem Zuständigkeitsbereich gibt es keinen Haushalt mit diesem Schlüssel.",
                )
        elif clash := household_key_clash(self.user, landkreis_id, key):
            # The key is unique in the Kreis; joining a household of a client the user may not
            # see is not possible from here (the office can sort it out).
            self.clashes.append(clash)
            self.add_error(
                "household_key", HOUSEHOLD_KEY_REFUSED if clash.neutral else HOUSEHOLD_KEY_TAKEN
            )

    def household(self) -> Household | None:
        """The chosen household (created for a new key); call only when saving."""
        if self.cleaned_data["household_mode"] == NO_HOUSEHOLD:
            return None
        return household_for_key(
            self._landkreis_id(self.cleaned_data), self.cleaned_data["household_key"]
        )


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label="Art", choices=Consent.Kind.choices)
    given_on = forms.DateField(label="erteilt am", widget=DateInput())
    categories = forms.MultipleChoiceField(
        label="Umfang (Datenkategorien)",
        choices=ConsentCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Bitte wählen Sie nur Kategorien aus der Liste."},
    )
    note = forms.CharField(label="Anmerkung", max_length=300, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Consent.Kind.JOBCENTER and not data.get("categories"):
            self.add_error(
                "categories",
                "Bitte wählen Sie, welche Daten an das Jobcenter weitergegeben werden dürfen.",
            )
        return data


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(label="widerrufen am", widget=DateInput())

    def clean_revoked_on(self) -> dt.date:
        day = self.cleaned_data["revoked_on"]
        if day > timezone.localdate():
            raise ValidationError("Das Datum des Widerrufs darf nicht in der Zukunft liegen.")
        return day
