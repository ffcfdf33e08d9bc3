"""The responsible manager: the team lead assigns one or many cases (client list, client page),
a manager takes an unassigned case of his scope ("übernehmen")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clients.assignments import NOT_VISIBLE, assign_cases, can_assign, staff_name, take_over
from clients.forms.assignment import AssignForm
from clients.models import Client
from clients.views.common import get_writable_client_or_404
from imcase.errors import ServiceError
from imcase.organisation.access import scope_for
from imcase.organisation.models import Role
from imcase.web.actions import Done, run_button_action


def _back(request) -> str:
    wanted = request.POST.get("zurueck", "")
    if wanted.startswith("/klienten/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("clients:list")


@login_required
@require_POST
def assign(request):
    """Assign the cases ticked in the list (or the one of a client page) to one manager."""
    if not can_assign(request.user):
        raise Http404
    form = AssignForm(request.POST, user=request.user)
    back = _back(request)

    def action(data: dict) -> Done:
        wanted = dict(data["faelle"])
        clients = list(Client.objects.visible_to(request.user).filter(code__in=wanted))
        if len(clients) != len(wanted):
            raise ServiceError(NOT_VISIBLE)
        targets = [(client, wanted[client.code]) for client in clients]
        changed = assign_cases(request.user, targets, data["manager"])
        name = staff_name(data["manager"])
        if not changed:
            return Done(f"Die Auswahl war bereits {name} zugeordnet.", back)
        count = len(changed)
        message = ngettext(
            "%(count)d Fall wurde %(name)s zugewiesen.",
            "%(count)d Fälle wurden %(name)s zugewiesen.",
            count,
        ) % {"count": count, "name": name}
        return Done(message, back)

    return run_button_action(request, form, action, back)


@login_required
@require_POST
def take(request, code):
    client = get_writable_client_or_404(request.user, code)
    if scope_for(request.user).role != Role.MANAGER:
        raise Http404
    url = reverse("clients:detail", kwargs={"code": client.code})
    try:
        take_over(request.user, client)
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Sie sind jetzt für {client.full_name} zuständig.")
    return redirect(url)
