from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    """One field for a code from the app or a backup code; spaces and case do not matter."""

    token = forms.CharField(
        label="Bestätigungscode",
        max_length=16,
        help_text="Sechsstelliger Code aus der Authenticator-App oder ein Notfallcode.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split()).lower()
