"""The filter form of the client list (and of the XLSX export, which takes the same GET keys).

Field names are the German GET parameters, so a filtered list is a plain, shareable URL.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from clients.forms.assignment import StaffChoiceField
from clients.models import Client
from clients.models.client import ResidenceStatus
from clients.window import WindowStatus
from imcase.organisation.access import scope_for
from imcase.organisation.models import Municipality, Role, Team
from imcase.web.forms import ScopedChoiceField

ALL = ("", "alle")
ALL_CASES = "alle"

# GET value -> label; the ordering itself lives in clients.search.SORTS.
SORT_CHOICES = [
    ("", "Treffergüte bzw. Name"),
    ("name", "Name (A–Z)"),
    ("-name", "Name (Z–A)"),
    ("aktenzeichen", "Aktenzeichen aufsteigend"),
    ("-aktenzeichen", "Aktenzeichen absteigend"),
    ("zuweisung", "Zuweisung AU, älteste zuerst"),
    ("-zuweisung", "Zuweisung AU, neueste zuerst"),
    ("beratungsende", "Beratungsende, früheste zuerst"),
    ("-beratungsende", "Beratungsende, späteste zuerst"),
]


class ClientFilterForm(forms.Form):
    suche = forms.CharField(label="Name oder Aktenzeichen", required=False, max_length=100)
    gemeinde = ScopedChoiceField(
        label="Gemeinde", queryset=Municipality.objects.none(), required=False, empty_label="alle"
    )
    zustaendig = StaffChoiceField(
        label="Integrationsmanager:in",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="alle",
    )
    zuordnung = forms.ChoiceField(
        label="Zuordnung",
        choices=[ALL, ("keine", "nicht zugeordnet"), ("zugeordnet", "zugeordnet")],
        required=False,
    )
    team = ScopedChoiceField(
        label="Regionalteam", queryset=Team.objects.none(), required=False, empty_label="alle"
    )
    zeitraum = forms.ChoiceField(
        label="Beratungszeitraum",
        choices=[ALL, *((status.value, status.label) for status in WindowStatus)],
        required=False,
    )
    aufenthalt = forms.ChoiceField(
        label="Aufenthaltsstatus", choices=[ALL, *ResidenceStatus.choices], required=False
    )
    # Without a choice the list shows the open cases (as every count does); "alle" shows all.
    fallstatus = forms.ChoiceField(
        label="Fallstatus",
        choices=[*Client.Status.choices, (ALL_CASES, "alle (offene und abgeschlossene)")],
        required=False,
    )
    sortierung = forms.ChoiceField(label="Sortierung", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices come from the user's own scope: an id from elsewhere is "not a valid choice".
        provider_id = scope_for(user).provider_id
        self.fields["gemeinde"].queryset = Municipality.objects.visible_to(user).order_by("name")
        self.fields["zustaendig"].queryset = (
            get_user_model()
            .objects.filter(
                staff__provider_id=provider_id,
                staff__role__in=[Role.MANAGER, Role.TEAM_LEAD],
            )
            .order_by("last_name", "first_name", "username")
            if provider_id
            else get_user_model().objects.none()
        )
        self.fields["team"].queryset = (
            Team.objects.filter(provider_id=provider_id).select_related("provider").order_by("name")
        )
