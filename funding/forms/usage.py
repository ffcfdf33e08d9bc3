"""Forms of the Verwendungsnachweis; the rules live in ``funding.services.usage``."""

from __future__ import annotations

from django import forms

from funding.formatting import number
from funding.forms.common import AMOUNT_ERRORS, VersionForm
from funding.models import SACHBERICHT_MAX_CHARS


def _figure(label: str, digits: int, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=digits,
        decimal_places=2,
        min_value=0,
        localize=True,
        help_text=help_text,
        error_messages={
            **AMOUNT_ERRORS,
            "invalid": "Bitte geben Sie eine Zahl an, z. B. 61.250,00.",
        },
    )


class UsageReportForm(VersionForm):
    staff_costs = _figure(
        "Personalkosten (EUR)", 12, "Arbeitgeberbrutto der Integrationsmanager:innen im Jahr"
    )
    other_costs = _figure("Sonstige Kosten (EUR)", 12, "z. B. Sachkosten, Fortbildung, Fahrtkosten")
    vza = _figure("Beschäftigte VZÄ", 6, "Stellenanteile im Jahresdurchschnitt, z. B. 1,5")
    sachbericht = forms.CharField(
        label="Sachbericht",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 14, "maxlength": SACHBERICHT_MAX_CHARS}),
        help_text=f"Höchstens {number(SACHBERICHT_MAX_CHARS, 0)} Zeichen (etwa drei Seiten): "
        "Aufgaben, Beratungen, Integrationspläne, Besonderheiten des Jahres.",
    )

    def clean_sachbericht(self) -> str:
        # Browsers send line breaks as CR LF but count them as one character.
        return self.cleaned_data["sachbericht"].replace("\r\n", "\n")


class ReopenForm(VersionForm):
    reason = forms.CharField(
        label="Was soll der Träger korrigieren?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Bitte geben Sie an, was der Träger korrigieren soll."},
    )
