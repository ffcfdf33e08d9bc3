"""The Netzwerkarbeit page: the provider's activities of a year (filter by kind), the form to
record one, and the page of one activity to edit or withdraw it, with its history.

Managers and team leads of the provider only; everyone else gets 404, like for a missing
activity (``NetworkActivity.objects.visible_to``)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.views.decorators.http import require_POST

from clients.consultation_history import user_name
from clients.forms.network import ALL, NetworkActivityForm, NetworkFilterForm, NetworkWithdrawForm
from clients.models import NetworkActivity, NetworkActivityKind
from clients.network_services import (
    record_network_activity,
    update_network_activity,
    withdraw_network_activity,
)
from imcase.dates import german_date
from imcase.organisation.access import scope_for
from imcase.web.actions import Done, run_button_action, run_form_action

FIRST_YEAR = 2023
HISTORY_KINDS = {"+": "angelegt", "~": "geändert", "-": "gelöscht"}


def _case_worker_or_404(user) -> None:
    if not scope_for(user).is_case_worker:
        raise Http404


def get_activity_or_404(user, code) -> NetworkActivity:
    _case_worker_or_404(user)
    return get_object_or_404(
        NetworkActivity.objects.visible_to(user).select_related("recorded_by", "withdrawn_by"),
        code=code,
    )


def _list_url(year: int) -> str:
    return f"{reverse('clients:network')}?jahr={year}"


def _hours(minutes: int | None) -> str:
    return number_format(Decimal(minutes or 0) / 60, decimal_pos=1, use_l10n=True)


@login_required
def network_list(request):
    """The year's activities of the provider with a summary by kind, and the form to record."""
    _case_worker_or_404(request.user)
    today = timezone.localdate()
    years = list(range(today.year, FIRST_YEAR - 1, -1))
    filters = NetworkFilterForm(request.GET or None, years=years)
    year, kind = filters.year(today.year), filters.kind()
    activities = NetworkActivity.objects.visible_to(request.user).filter(date__year=year)
    if kind != ALL:
        activities = activities.filter(kind=kind)
    summary = {
        row["kind"]: row
        for row in activities.counted()
        .values("kind")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"), people=Sum("participants"))
        .order_by()
    }
    summary_rows = [
        (label, summary[value]["n"], _hours(summary[value]["minutes"]), summary[value]["people"])
        for value, label in NetworkActivityKind.choices
        if value in summary
    ]
    total_minutes = sum(row["minutes"] for row in summary.values())
    form = NetworkActivityForm(
        request.POST if request.method == "POST" else None, submit_label="Erfassen"
    )
    if request.method == "POST":

        def action(data: dict) -> Done:
            saved = record_network_activity(request.user, form.to_input())
            return Done(
                f"{saved.get_kind_display()} am {german_date(saved.date)} wurde erfasst.",
                _list_url(saved.date.year),
            )

        if response := run_form_action(request, form, action):
            return response
    context = {
        "filters": filters,
        "year": str(year),  # not localised: 2026, not 2.026
        "activities": activities.select_related("recorded_by").prefetch_related("partners"),
        "summary_rows": summary_rows,
        "total_count": sum(row["n"] for row in summary.values()),
        "total_hours": _hours(total_minutes),
        "form": form,
    }
    return render(
        request,
        "clients/network_list.html",
        context,
        status=400 if form.is_bound else 200,
    )


def _history(activity: NetworkActivity) -> list[dict]:
    records = list(activity.history.select_related("history_user").order_by("-history_id"))
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        kind = HISTORY_KINDS.get(newer.history_type, newer.history_type)
        if older is not None and newer.withdrawn_at and not older.withdrawn_at:
            kind = "zurückgenommen"
        changed = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["version"])
            changed = [
                str(NetworkActivity._meta.get_field(change.field).verbose_name)
                for change in delta.changes
            ]
        rows.append(
            {
                "date": newer.history_date,
                "user": user_name(newer.history_user),
                "kind": kind,
                "changed": changed,
            }
        )
    return rows


def _render_activity(request, activity, form, withdraw_form, status=200):
    return render(
        request,
        "clients/network_activity.html",
        {
            "activity": activity,
            "form": form,
            "withdraw_form": withdraw_form,
            "history": _history(activity),
            "back_url": _list_url(activity.date.year),
        },
        status=status,
    )


@login_required
def network_edit(request, code):
    activity = get_activity_or_404(request.user, code)
    if activity.is_withdrawn:
        return _render_activity(request, activity, None, None)
    if request.method == "POST":
        form = NetworkActivityForm(request.POST, submit_label="Änderungen speichern")

        def action(data: dict) -> Done:
            saved = update_network_activity(
                request.user, activity, form.to_input(), expected_version=data["version"]
            )
            return Done("Die Änderungen wurden gespeichert.", _list_url(saved.date.year))

        if response := run_form_action(request, form, action):
            return response
        status = 400
    else:
        form = NetworkActivityForm(
            initial=NetworkActivityForm.initial_for(activity), submit_label="Änderungen speichern"
        )
        status = 200
    withdraw_form = NetworkWithdrawForm(initial={"version": activity.version})
    return _render_activity(request, activity, form, withdraw_form, status)


@login_required
@require_POST
def network_withdraw(request, code):
    activity = get_activity_or_404(request.user, code)
    form = NetworkWithdrawForm(request.POST)

    def action(data: dict) -> Done:
        withdrawn = withdraw_network_activity(
            request.user, activity, data["reason"], expected_version=data["version"]
        )
        return Done(
            f"{withdrawn.get_kind_display()} am {german_date(withdrawn.date)} wurde "
            "zurückgenommen. Der Eintrag bleibt sichtbar und zählt in keiner Auswertung mehr.",
            _list_url(withdrawn.date.year),
        )

    return run_button_action(
        request,
        form,
        action,
        reverse("clients:network_edit", args=[activity.code]),
        invalid_message="Bitte geben Sie den Grund der Rücknahme an.",
    )
