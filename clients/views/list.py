from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from clients.models import Client


@login_required
def client_list(request):
    clients = Client.objects.visible_to(request.user).select_related("municipality", "manager")
    page = Paginator(clients, 50).get_page(request.GET.get("seite"))
    return render(request, "clients/list.html", {"page": page})


@login_required
def caseload(request):
    raise NotImplementedError
