"""The case panel's actions: extension (four-eyes), move with handover, Ausleitung, reopening.

Each view: load what the user may change (404 otherwise), parse one form, call one service,
redirect with a German message; on an error show the form again with the user's input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clients import services
from clients.forms.case import (
    CloseForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MoveForm,
    ReopenForm,
)
from clients.models import Client, WindowExtension
from clients.views.common import get_writable_client_or_404
from imcase.dates import german_date
from imcase.web.actions import Done, run_form_action


@dataclass(frozen=True)
class CaseAction:
    title: str
    submit_label: str
    url_name: str


EXTENSION_REQUEST = CaseAction(
    "Verlängerung beantragen", "Verlängerung beantragen", "clients:extension_request"
)
EXTENSION_DECIDE = CaseAction(
    "Über die Verlängerung entscheiden", "Entscheidung speichern", "clients:extension_decide"
)
MOVE = CaseAction("Umzug erfassen", "Umzug speichern", "clients:move")
CLOSE = CaseAction("Fall ausleiten", "Fall ausleiten", "clients:close")
REOPEN = CaseAction("Fall wieder eröffnen", "Fall wieder eröffnen", "clients:reopen")


def _run(
    request: HttpRequest,
    client: Client,
    form: forms.Form,
    action: CaseAction,
    perform: Callable[[dict], str],
    *,
    url_arg: object = None,
    extension: WindowExtension | None = None,
) -> HttpResponse:
    """Validate, perform (returns the success message), redirect; or show the form again."""

    def perform_and_go_on(data: dict) -> Done:
        message = perform(data)
        return Done(message, _next_url(request.user, client))

    if response := run_form_action(request, form, perform_and_go_on):
        return response
    context = {
        "client": client,
        "form": form,
        "action": action,
        "action_url": reverse(action.url_name, args=[url_arg or client.code]),
        "extension": extension,
    }
    return render(request, "clients/case_form.html", context, status=400)


def _next_url(user, client: Client) -> str:
    # After a handover the person belongs to another provider: its page would be a 404.
    if Client.objects.visible_to(user).filter(pk=client.pk).exists():
        return reverse("clients:detail", args=[client.code])
    return reverse("clients:list")


@login_required
@require_POST
def extension_request(request, code):
    client = get_writable_client_or_404(request.user, code)

    def perform(data: dict) -> str:
        services.request_extension(request.user, client, data["reason"])
        return "Der Verlängerungsantrag wurde gestellt. Die Teamleitung entscheidet darüber."

    return _run(request, client, ExtensionRequestForm(request.POST), EXTENSION_REQUEST, perform)


@login_required
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(
        WindowExtension.objects.filter(
            client__in=Client.objects.visible_to(request.user)
        ).select_related("client", "requested_by"),
        pk=pk,
    )
    client = extension.client
    form = ExtensionDecisionForm(request.POST)

    def perform(data: dict) -> str:
        decided = services.decide_extension(request.user, extension, form.approve, data["note"])
        if decided.decision == WindowExtension.Decision.APPROVED:
            client.refresh_from_db()
            return (
                "Die Verlängerung wurde genehmigt. Letzter Beratungstag: "
                f"{german_date(client.window_end)}."
            )
        return "Der Verlängerungsantrag wurde abgelehnt."

    return _run(
        request, client, form, EXTENSION_DECIDE, perform, url_arg=extension.pk, extension=extension
    )


@login_required
@require_POST
def move(request, code):
    client = get_writable_client_or_404(request.user, code)

    def perform(data: dict) -> str:
        moved = services.record_move(
            request.user, client, data["to_municipality"], data["moved_on"]
        )
        message = (
            f"Der Umzug nach {moved.to_municipality} am {german_date(moved.moved_on)} "
            "wurde erfasst."
        )
        if moved.is_handover:
            receiver = moved.to_provider or "den zuständigen Träger"
            message += f" Der Fall wurde an {receiver} übergeben."
        return message

    form = MoveForm(request.POST, client=client)
    return _run(request, client, form, MOVE, perform)


@login_required
@require_POST
def close(request, code):
    client = get_writable_client_or_404(request.user, code)

    def perform(data: dict) -> str:
        closed = services.close_case(request.user, client, data["reason"], data["closed_on"])
        return (
            f"Der Fall wurde zum {german_date(closed.closed_on)} ausgeleitet "
            f"(Grund: {closed.get_closed_reason_display()})."
        )

    return _run(request, client, CloseForm(request.POST), CLOSE, perform)


@login_required
@require_POST
def reopen(request, code):
    client = get_writable_client_or_404(request.user, code)

    def perform(data: dict) -> str:
        services.reopen_case(request.user, client)
        return "Der Fall wurde wieder eröffnet."

    return _run(request, client, ReopenForm(request.POST), REOPEN, perform)
