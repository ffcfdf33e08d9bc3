"""The upload form of the assignment import."""

from __future__ import annotations

from django import forms

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Datei (CSV oder XLSX)",
        help_text="CSV in UTF-8 mit Semikolon als Trennzeichen oder Excel-Arbeitsmappe (.xlsx), "
        "höchstens 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label="Nur prüfen (Probelauf)",
        required=False,
        help_text="Prüft die Datei und zeigt, was geschähe, ohne etwas zu speichern.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Bitte laden Sie eine .csv- oder .xlsx-Datei hoch.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Die Datei ist größer als 20 MB.")
        return upload
