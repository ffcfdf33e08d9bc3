from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from clients.models import Client
from imcase.audit.models import AuditEntry
from imcase.audit.services import record


@login_required
def client_detail(request, code):
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("municipality", "manager"),
        code=code,
    )
    record(request.user, AuditEntry.Action.VIEW, client, label=client.aktenzeichen)
    return render(request, "clients/detail.html", {"client": client})


@login_required
def consultation_create(request, code):
    raise NotImplementedError


@login_required
def consultation_edit(request, code):
    raise NotImplementedError


@login_required
def referral_status(request, pk):
    raise NotImplementedError
