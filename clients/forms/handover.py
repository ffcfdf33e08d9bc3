"""Forms of the handover from the VU: the lookup (exact Aktenzeichen and birth date) and the
note. They only parse input; the rules are in ``clients/handover.py``."""

from __future__ import annotations

from django import forms

from clients.forms.client import DateInput
from clients.models import ConsentDeclaredBy, DocumentSeen

MAX_LANGUAGES = 12


class HandoverLookupForm(forms.Form):
    aktenzeichen = forms.CharField(label="Aktenzeichen", max_length=40)
    birth_date = forms.DateField(
        label="Geburtsdatum", widget=DateInput(), input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )


class HandoverNoteForm(forms.Form):
    languages = forms.CharField(
        label="Sprachen",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Eine Sprache je Zeile, das Niveau nach einem Doppelpunkt, "
        "z. B. „Arabisch: Muttersprache“ oder „Deutsch: A1“.",
    )
    open_procedures = forms.CharField(
        label="Offene Verfahren",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="z. B. Asylverfahren, Klage, Familiennachzug, Anerkennung eines Abschlusses",
    )
    documents = forms.MultipleChoiceField(
        label="Gesehene Dokumente",
        required=False,
        choices=DocumentSeen.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    health_consent = forms.BooleanField(
        label="Die Person hat in die Weitergabe gesundheitlicher Hinweise eingewilligt",
        required=False,
    )
    consent_declared_by = forms.ChoiceField(
        label="Einwilligung erklärt von",
        required=False,
        choices=[("", "–"), *ConsentDeclaredBy.choices],
    )
    consent_declared_on = forms.DateField(
        label="Einwilligung erklärt am", required=False, widget=DateInput()
    )
    health_hints = forms.CharField(
        label="Gesundheitliche Hinweise",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Nur mit Einwilligung der Person; ohne Einwilligung bleibt das Feld leer.",
    )
    on_behalf_of = forms.CharField(
        label="Im Auftrag von (Sozialarbeiter:in der VU)", required=False, max_length=120
    )

    def __init__(self, *args, on_behalf: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not on_behalf:
            del self.fields["on_behalf_of"]

    def clean_languages(self) -> list[dict[str, str]]:
        entries = []
        for line in self.cleaned_data["languages"].splitlines():
            language, _, level = line.partition(":")
            if language.strip():
                entries.append({"language": language.strip()[:60], "level": level.strip()[:60]})
        if len(entries) > MAX_LANGUAGES:
            raise forms.ValidationError(f"Bitte höchstens {MAX_LANGUAGES} Sprachen angeben.")
        return entries
