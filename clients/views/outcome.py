"""Outcomes (Wirkungen) of a person: record one from the client page, correct it (optimistic
locking, history) and withdraw it (kept, counted nowhere). Case workers of the provider only;
anyone else gets the same 404 as for a missing page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.consultation_history import user_name
from clients.forms.outcome import OutcomeCorrectForm, OutcomeForm, OutcomeWithdrawForm
from clients.models import OutcomeEvent
from clients.outcomes import correct_outcome, kinds_offered, record_outcome, withdraw_outcome
from clients.views.common import get_writable_client_or_404
from imcase.dates import german_date
from imcase.organisation.access import scope_for
from imcase.web.actions import Done, run_form_action

HISTORY_KINDS = {"+": "erfasst", "~": "korrigiert", "-": "gelöscht"}


def outcomes_url(client) -> str:
    return reverse("clients:detail", args=[client.code]) + "#wirkungen"


def get_outcome_or_404(user, code) -> OutcomeEvent:
    """The outcome if the user is a case worker of its provider who sees the person."""
    if not scope_for(user).is_case_worker:
        raise Http404
    return get_object_or_404(
        OutcomeEvent.objects.visible_to(user).select_related(
            "client", "kind", "recorded_by", "withdrawn_by"
        ),
        code=code,
    )


@login_required
def outcome_create(request, code):
    """ "Wirkung erfassen": one page, the kind grouped by area and its details."""
    client = get_writable_client_or_404(request.user, code)
    kinds = kinds_offered(timezone.localdate())
    form = OutcomeForm(request.POST or None, kinds=kinds)
    if request.method == "POST":

        def action(data: dict) -> Done:
            outcome = record_outcome(request.user, client, form.to_input())
            return Done(f"Die Wirkung „{outcome}“ wurde gespeichert.", outcomes_url(client))

        if response := run_form_action(request, form, action):
            return response
    # A form with errors answers 200 like the page itself: it shows the person, so its read
    # is audited (``imcase.audit.reads`` writes entries for 200 answers only).
    return render(request, "clients/outcome_create.html", {"client": client, "form": form})


@login_required
def outcome_edit(request, code):
    """The outcome's page: correct it, withdraw it, its history. A withdrawn outcome is shown
    with its withdrawal and history, no longer editable."""
    outcome = get_outcome_or_404(request.user, code)
    form = None
    if outcome.withdrawn_at is None:
        kinds = kinds_offered(timezone.localdate(), include=outcome.kind)
        if request.method == "POST":
            form = OutcomeCorrectForm(request.POST, kinds=kinds)

            def action(data: dict) -> Done:
                saved = correct_outcome(
                    request.user, outcome, form.to_input(), expected_version=data["version"]
                )
                return Done(
                    f"Die Wirkung „{saved}“ wurde korrigiert.", outcomes_url(outcome.client)
                )

            if response := run_form_action(request, form, action):
                return response
        else:
            form = OutcomeCorrectForm(initial=OutcomeForm.initial_for(outcome), kinds=kinds)
    withdraw_form = None
    if outcome.withdrawn_at is None:
        withdraw_form = OutcomeWithdrawForm(initial={"version": outcome.version})
    return _render_outcome(request, outcome, form, withdraw_form)


@login_required
@require_POST
def outcome_withdraw(request, code):
    outcome = get_outcome_or_404(request.user, code)
    form = OutcomeWithdrawForm(request.POST)

    def action(data: dict) -> Done:
        withdrawn = withdraw_outcome(
            request.user, outcome, data["reason"], expected_version=data["version"]
        )
        return Done(
            f"Die Wirkung „{withdrawn}“ wurde zurückgenommen. Sie bleibt sichtbar und zählt "
            "in keiner Auswertung mehr.",
            outcomes_url(outcome.client),
        )

    if response := run_form_action(request, form, action):
        return response
    edit_form = None
    if outcome.withdrawn_at is None:
        edit_form = OutcomeCorrectForm(
            initial=OutcomeForm.initial_for(outcome),
            kinds=kinds_offered(timezone.localdate(), include=outcome.kind),
        )
    return _render_outcome(request, outcome, edit_form, form)


def _render_outcome(request, outcome: OutcomeEvent, form, withdraw_form) -> HttpResponse:
    return render(
        request,
        "clients/outcome_edit.html",
        {
            "outcome": outcome,
            "client": outcome.client,
            "form": form,
            "withdraw_form": withdraw_form,
            "withdraw_open": withdraw_form is not None and withdraw_form.is_bound,
            "history": outcome_history(outcome),
        },
    )


def outcome_history(outcome: OutcomeEvent) -> list[dict]:
    """Newest first: when, who, what happened, which fields changed (German labels, values
    as the page shows them)."""
    records = list(outcome.history.select_related("history_user", "kind").order_by("-history_id"))
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        kind = HISTORY_KINDS[newer.history_type]
        changes = []
        if older is not None:
            if newer.withdrawn_at and not older.withdrawn_at:
                kind = "zurückgenommen"
            delta = newer.diff_against(
                older, excluded_fields=["version", "withdrawn_at", "withdrawn_by"]
            )
            changes = [
                {
                    "field": str(OutcomeEvent._meta.get_field(change.field).verbose_name),
                    "old": _shown(older, change.field),
                    "new": _shown(newer, change.field),
                }
                for change in delta.changes
            ]
        rows.append(
            {
                "date": newer.history_date,
                "user": user_name(newer.history_user),
                "kind": kind,
                "changes": changes,
            }
        )
    return rows


def _shown(record, name: str) -> str:
    value = getattr(record, name)
    if value in (None, ""):
        return "–"
    if name == "kind":
        return str(value)
    field = OutcomeEvent._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "year"):
        return german_date(value)
    return str(value)
