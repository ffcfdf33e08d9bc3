"""Client pages. Every queryset starts from ``Client.objects.visible_to``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from clients.models import Client
from imcase.audit.models import AuditEntry
from imcase.audit.services import record


@login_required
def client_list(request):
    clients = Client.objects.visible_to(request.user).select_related("municipality", "manager")
    page = Paginator(clients, 50).get_page(request.GET.get("seite"))
    return render(request, "clients/list.html", {"page": page})


@login_required
def client_detail(request, code):
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("municipality", "manager"),
        code=code,
    )
    record(request.user, AuditEntry.Action.VIEW, client, label=client.aktenzeichen)
    return render(request, "clients/detail.html", {"client": client})
