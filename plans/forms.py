"""Forms of the plan page. They only parse input; the rules live in ``plans.services``.

Choices of fields and Regeldienste are passed in as lists loaded once per page, so a page
with many goals (each with its own step and evaluation form) needs no query per form.
Every form carries ``lock``: the plan's ``lock_version`` the page was built from.
"""

from __future__ import annotations

from collections.abc import Sequence

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone

from clients.forms.outcome import kind_choices
from clients.models import OutcomeKind, RegularService
from clients.models.outcome import CertificateLevel, HoursBand, OutcomeSource
from clients.outcomes import OutcomeInput
from plans.dates import default_review_date
from plans.models import Goal, GoalField, GoalStatus, IndependenceRating, Step

NOT_RATED = ""


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the surrounding template's form carries the token
    if layout:
        helper.layout = Layout(*layout)
    return helper


class LockedForm(forms.Form):
    lock = forms.IntegerField(widget=forms.HiddenInput)


class ObjectChoiceField(forms.TypedChoiceField):
    """A choice among objects loaded once; ``cleaned_data`` holds the object."""

    def __init__(self, *, objects: Sequence = (), **kwargs) -> None:
        self.objects = {str(obj.pk): obj for obj in objects}
        choices = [(str(obj.pk), str(obj)) for obj in objects]
        if not kwargs.get("required", True):
            choices = [("", "–")] + choices
        super().__init__(choices=choices, coerce=self.objects.get, empty_value=None, **kwargs)


class RatingsMixin:
    """One optional 1–4 select per field: ``rating_<pk>``."""

    def add_rating_fields(self, goal_fields: Sequence[GoalField]) -> list[str]:
        self.goal_fields = list(goal_fields)
        names = []
        for goal_field in self.goal_fields:
            name = f"rating_{goal_field.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=goal_field.name,
                choices=[(NOT_RATED, "nicht eingeschätzt"), *IndependenceRating.SCALE],
                coerce=int,
                empty_value=None,
                required=False,
            )
            names.append(name)
        return names

    def ratings(self) -> dict[GoalField, int]:
        return {
            goal_field: self.cleaned_data[f"rating_{goal_field.pk}"]
            for goal_field in self.goal_fields
            if self.cleaned_data.get(f"rating_{goal_field.pk}") is not None
        }


def _rating_rows(names: list[str]) -> list[Row]:
    return [Row(*(Column(n, css_class="col-sm-6 col-lg-4") for n in names))]


class PlanCreateForm(RatingsMixin, forms.Form):
    agreed_on = forms.DateField(
        label="vereinbart am", initial=timezone.localdate, widget=_date_widget()
    )
    next_review_on = forms.DateField(
        label="nächste Überprüfung",
        required=False,
        widget=_date_widget(),
        help_text="leer lassen: Vereinbarung plus die übliche Frist",
    )

    def __init__(self, *args, goal_fields: Sequence[GoalField], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = self.add_rating_fields(goal_fields)
        self.helper = _helper(
            Row(
                Column("agreed_on", css_class="col-sm-6"),
                Column("next_review_on", css_class="col-sm-6"),
            ),
            *_rating_rows(names),
        )


class DatesForm(LockedForm):
    agreed_on = forms.DateField(label="vereinbart am", widget=_date_widget())
    next_review_on = forms.DateField(label="nächste Überprüfung", widget=_date_widget())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="daten", **kwargs)
        self.helper = _helper(
            Row(
                Column("agreed_on", css_class="col-sm-6"),
                Column("next_review_on", css_class="col-sm-6"),
            ),
            "lock",
        )


class ContinueForm(LockedForm):
    agreed_on = forms.DateField(
        label="Fortschreibung vereinbart am", initial=timezone.localdate, widget=_date_widget()
    )
    next_review_on = forms.DateField(
        label="nächste Überprüfung",
        required=False,
        widget=_date_widget(),
        help_text="leer lassen: Vereinbarung plus die übliche Frist",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="fortschreibung", **kwargs)
        self.helper = _helper(
            Row(
                Column("agreed_on", css_class="col-sm-6"),
                Column("next_review_on", css_class="col-sm-6"),
            ),
            "lock",
        )

    def review_date(self):
        data = self.cleaned_data
        return data["next_review_on"] or default_review_date(data["agreed_on"])


class GoalForm(LockedForm):
    """Adding a goal to part A or B (``part`` fixed by the section), or editing one."""

    part = forms.ChoiceField(label="Teil", choices=Goal.Part.choices)
    field = ObjectChoiceField(label="Handlungsfeld")
    text = forms.CharField(label="Ziel", widget=forms.Textarea(attrs={"rows": 2}))
    target_date = forms.DateField(label="Zieldatum", required=False, widget=_date_widget())
    status = forms.ChoiceField(label="Stand", choices=GoalStatus.choices)

    def __init__(
        self, *args, goal_fields: Sequence[GoalField], part: str | None = None, **kwargs
    ) -> None:
        if part is not None:
            kwargs.setdefault("prefix", f"ziel-{part.lower()}")
            kwargs.setdefault("initial", {}).setdefault("part", part)
            kwargs["initial"].setdefault("status", GoalStatus.AGREED)
        super().__init__(*args, **kwargs)
        self.fields["field"] = ObjectChoiceField(label="Handlungsfeld", objects=goal_fields)
        if part is not None:
            self.fields["part"].widget = forms.HiddenInput()
        self.helper = _helper(
            Row(
                Column("field", css_class="col-md-4"),
                Column("target_date", css_class="col-md-4"),
                Column("status", css_class="col-md-4"),
            ),
            "text",
            "part",
            "lock",
        )


class StepForm(LockedForm):
    what = forms.CharField(label="Schritt", max_length=300)
    who = forms.ChoiceField(label="Wer", choices=Step.Who.choices, initial=Step.Who.CLIENT)
    service = ObjectChoiceField(label="Regeldienst", required=False)
    due_on = forms.DateField(label="bis", required=False, widget=_date_widget())

    def __init__(self, *args, goal: Goal, services: Sequence[RegularService], **kwargs) -> None:
        super().__init__(*args, prefix=f"schritt-{goal.pk}", **kwargs)
        self.fields["service"] = ObjectChoiceField(
            label="Regeldienst",
            objects=services,
            required=False,
            help_text="nur wenn ein Regeldienst den Schritt übernimmt",
        )
        self.helper = _helper(
            Row(
                Column("what", css_class="col-md-6"),
                Column("due_on", css_class="col-md-3"),
                Column("who", css_class="col-md-3"),
            ),
            "service",
            "lock",
        )

    def clean(self):
        data = super().clean()
        if data.get("who") == Step.Who.SERVICE and not data.get("service"):
            self.add_error("service", "Bitte wählen Sie den Regeldienst.")
        return data


class StepDoneForm(LockedForm):
    done = forms.BooleanField(required=False)


class EvaluationForm(LockedForm):
    """The evaluation of a goal and, optionally, the outcome (Wirkung) it brought, recorded in
    the same step (``outcome_*``; the kinds are loaded once per page and passed in)."""

    evaluated_on = forms.DateField(
        label="ausgewertet am", initial=timezone.localdate, widget=_date_widget()
    )
    result = forms.ChoiceField(
        label="Ergebnis",
        choices=[(v, label) for v, label in GoalStatus.choices if v != GoalStatus.NEW],
    )
    note = forms.CharField(label="Notiz", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    rating = forms.TypedChoiceField(
        label="Selbständigkeit",
        choices=[(NOT_RATED, "nicht eingeschätzt"), *IndependenceRating.SCALE],
        coerce=int,
        empty_value=None,
        required=False,
    )
    outcome_kind = forms.ChoiceField(
        label="Wirkung erfassen",
        required=False,
        help_text="optional: was das Ziel bewirkt hat (Zertifikat, Arbeit, Wohnung …)",
    )
    outcome_started_on = forms.DateField(
        label="Datum der Wirkung",
        required=False,
        widget=_date_widget(),
        help_text="Beginn bzw. Datum des Zertifikats; leer: das Datum der Auswertung",
    )
    outcome_certificate_level = forms.ChoiceField(
        label="Zertifikat (Niveau)",
        choices=[("", "kein Zertifikat"), *CertificateLevel.choices],
        required=False,
    )
    outcome_hours_band = forms.ChoiceField(
        label="Stundenumfang", choices=[("", "–"), *HoursBand.choices], required=False
    )
    outcome_source = forms.ChoiceField(
        label="Quelle der Wirkung",
        choices=OutcomeSource.choices,
        initial=OutcomeSource.EVIDENCE_SEEN,
        required=False,
    )

    def __init__(self, *args, goal: Goal, kinds: Sequence[OutcomeKind] = (), **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("result", goal.status)
        super().__init__(*args, prefix=f"auswertung-{goal.pk}", **kwargs)
        if goal.status == GoalStatus.NEW:
            self.initial["result"] = GoalStatus.IN_PROGRESS
        today = timezone.localdate()
        self.kinds = {str(kind.pk): kind for kind in kinds}
        choices = kind_choices(kinds, today.year)
        self.fields["outcome_kind"].choices = [("", "keine Wirkung erfassen"), *choices[1:]]
        self.fields["rating"].label = f"Selbständigkeit im Feld „{goal.field.name}“"
        self.fields["evaluated_on"].widget.attrs["max"] = today.isoformat()
        self.fields["outcome_started_on"].widget.attrs["max"] = today.isoformat()
        self.helper = _helper(
            Row(
                Column("evaluated_on", css_class="col-md-4"),
                Column("result", css_class="col-md-4"),
                Column("rating", css_class="col-md-4"),
            ),
            "note",
            Row(
                Column("outcome_kind", css_class="col-md-6"),
                Column("outcome_started_on", css_class="col-md-6"),
            ),
            Row(
                Column("outcome_certificate_level", css_class="col-md-4"),
                Column("outcome_hours_band", css_class="col-md-4"),
                Column("outcome_source", css_class="col-md-4"),
            ),
            "lock",
        )

    def clean_outcome_kind(self) -> OutcomeKind | None:
        value = self.cleaned_data["outcome_kind"]
        if not value:
            return None
        if value not in self.kinds:
            raise forms.ValidationError("Bitte wählen Sie eine Art der Wirkung aus der Liste.")
        return self.kinds[value]

    def outcome(self) -> OutcomeInput | None:
        """The outcome to record with the evaluation, or None. One date for all: a
        certificate's date is also the day the outcome counts from."""
        data = self.cleaned_data
        kind = data.get("outcome_kind")
        if kind is None:
            return None
        day = data.get("outcome_started_on") or data["evaluated_on"]
        level = data.get("outcome_certificate_level") or ""
        return OutcomeInput(
            kind=kind,
            started_on=day,
            certificate_level=level,
            certificate_on=day if level else None,
            hours_band=data.get("outcome_hours_band") or "",
            source=data.get("outcome_source") or OutcomeSource.EVIDENCE_SEEN,
            note="aus der Auswertung eines Ziels im Integrationsplan",
        )


class RatingsForm(RatingsMixin, LockedForm):
    rated_on = forms.DateField(
        label="eingeschätzt am", initial=timezone.localdate, widget=_date_widget()
    )

    def __init__(self, *args, goal_fields: Sequence[GoalField], **kwargs) -> None:
        super().__init__(*args, prefix="selbstaendigkeit", **kwargs)
        names = self.add_rating_fields(goal_fields)
        self.helper = _helper(
            Row(Column("rated_on", css_class="col-sm-6 col-lg-4")), *_rating_rows(names), "lock"
        )
