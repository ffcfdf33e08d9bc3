"""The outcome form (Wirkung erfassen / korrigieren) and the withdrawal form.

One form for every kind: the kind is a select grouped by area, the details follow. Which
details a kind takes is data (``OutcomeKind.has_period``/``has_level``/``has_hours``); the help
texts name the kinds from the vocabulary, and the rules are checked by
``clients.outcomes.check_outcome`` (its refusals appear next to the fields).
"""

from __future__ import annotations

from collections.abc import Sequence

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone

from clients.models import OutcomeEvent, OutcomeKind
from clients.models.outcome import CertificateLevel, HoursBand, OutcomeCategory, OutcomeSource
from clients.outcomes import OutcomeInput


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def kind_choices(kinds: Sequence[OutcomeKind], today_year: int) -> list:
    """The kinds grouped by area (``<optgroup>``), in the vocabulary's order; a kind no longer
    valid this year says until when it was."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for kind in kinds:
        label = kind.name
        if kind.last_year is not None and kind.last_year < today_year:
            label += f" (bis {kind.last_year})"
        groups.setdefault(kind.category, []).append((str(kind.pk), label))
    return [("", "– bitte wählen –")] + [
        (category.label, groups[category.value])
        for category in OutcomeCategory
        if category.value in groups
    ]


def _names(kinds: Sequence[OutcomeKind], flag: str) -> str:
    return ", ".join(kind.name for kind in kinds if getattr(kind, flag))


class OutcomeForm(forms.Form):
    """Record or correct an outcome; ``kinds`` are the kinds to offer (loaded once)."""

    kind = forms.ChoiceField(label="Art der Wirkung")
    started_on = forms.DateField(
        label="Beginn / Datum", initial=timezone.localdate, widget=_date_widget()
    )
    ended_on = forms.DateField(label="Ende", required=False, widget=_date_widget())
    certificate_level = forms.ChoiceField(
        label="Zertifikat (Niveau)",
        choices=[("", "kein Zertifikat"), *CertificateLevel.choices],
        required=False,
    )
    certificate_on = forms.DateField(label="Zertifikat vom", required=False, widget=_date_widget())
    hours_band = forms.ChoiceField(
        label="Stundenumfang", choices=[("", "–"), *HoursBand.choices], required=False
    )
    source = forms.ChoiceField(
        label="Quelle",
        choices=OutcomeSource.choices,
        initial=OutcomeSource.EVIDENCE_SEEN,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Anmerkung", max_length=300, required=False)

    def __init__(self, *args, kinds: Sequence[OutcomeKind], prefix: str | None = None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        today = timezone.localdate()
        self.kinds = {str(kind.pk): kind for kind in kinds}
        self.fields["kind"].choices = kind_choices(kinds, today.year)
        for name in ("started_on", "ended_on", "certificate_on"):
            self.fields[name].widget.attrs["max"] = today.isoformat()
        self.fields[
            "started_on"
        ].help_text = (
            "Kursbeginn, Arbeitsbeginn, Einzug, Anmeldung – oder der Tag, an dem es eintrat"
        )
        self.fields["ended_on"].help_text = "nur bei: " + _names(kinds, "has_period")
        self.fields["certificate_level"].help_text = "mit Datum; nur bei: " + _names(
            kinds, "has_level"
        )
        self.fields["hours_band"].help_text = "nur bei: " + _names(kinds, "has_hours")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form carries the token
        self.helper.layout = Layout(
            "kind",
            Row(
                Column("started_on", css_class="col-sm-6"), Column("ended_on", css_class="col-sm-6")
            ),
            Row(
                Column("certificate_level", css_class="col-sm-6"),
                Column("certificate_on", css_class="col-sm-6"),
            ),
            Row(Column("hours_band", css_class="col-sm-6"), Column("source", css_class="col-sm-6")),
            "note",
        )

    def clean_kind(self) -> OutcomeKind:
        kind = self.kinds.get(self.cleaned_data["kind"])
        if kind is None:
            raise forms.ValidationError("Bitte wählen Sie die Art der Wirkung.")
        return kind

    def to_input(self) -> OutcomeInput:
        data = self.cleaned_data
        return OutcomeInput(
            kind=data["kind"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            certificate_level=data["certificate_level"],
            certificate_on=data["certificate_on"],
            hours_band=data["hours_band"],
            source=data["source"],
            note=data["note"],
        )

    @staticmethod
    def initial_for(outcome: OutcomeEvent) -> dict:
        return {
            "kind": str(outcome.kind_id),
            "started_on": outcome.started_on,
            "ended_on": outcome.ended_on,
            "certificate_level": outcome.certificate_level,
            "certificate_on": outcome.certificate_on,
            "hours_band": outcome.hours_band,
            "source": outcome.source,
            "note": outcome.note,
            "version": outcome.version,
        }


class OutcomeCorrectForm(OutcomeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout.append("version")


class OutcomeWithdrawForm(forms.Form):
    """Withdrawing (zurücknehmen) a wrongly entered outcome: a reason is required."""

    reason = forms.CharField(
        label="Grund der Rücknahme",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Bitte geben Sie den Grund der Rücknahme an."},
        help_text="z. B. „bei der falschen Person erfasst“ oder „doppelt erfasst“",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
