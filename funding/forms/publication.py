"""Publishing the split (the office); the fingerprint ties it to the preview that was shown."""

from __future__ import annotations

from django import forms


class PublishForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    note = forms.CharField(
        label="Grund der Korrektur",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Nur bei einer neuen Revision nötig, z. B. „Liste Musterstadt korrigiert“.",
    )
