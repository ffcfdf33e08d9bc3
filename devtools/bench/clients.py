"""Benchmark cases of the client app: the client list (plain, searched, filtered) and the file
of the client with the most contacts (registered on import; see ``devtools.bench.runner``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from clients.models import Client
from devtools.bench.runner import BenchError, benchmark, get_page


@benchmark("Klientenliste: Integrationsmanager:in (manager)")
def _client_list_manager():
    return get_page("manager", "/klienten/")


@benchmark("Klientenliste: Teamleitung (teamleitung)")
def _client_list_team_lead():
    return get_page("teamleitung", "/klienten/")


# GET keys of clients.forms.list.ClientFilterForm: ``suche`` (name or Aktenzeichen) and
# ``zeitraum`` (window status).
@benchmark("Klientenliste: Suche „Mohamad“ (manager)")
def _client_list_search():
    return get_page("manager", "/klienten/?suche=Mohamad")


@benchmark("Klientenliste: Filter „endet bald“ (manager)")
def _client_list_filter():
    return get_page("manager", "/klienten/?zeitraum=ends_soon")


@benchmark("Klientenakte mit den meisten Kontakten (manager)")
def _client_detail_most_contacts():
    user = get_user_model().objects.get(username="manager")
    client = (
        Client.objects.visible_to(user)
        .annotate(contacts=Count("participations"))
        .order_by("-contacts", "pk")
        .first()
    )
    if client is None:
        raise BenchError("Die Integrationsmanager:in „manager“ sieht keine Klient:innen.")
    return get_page("manager", reverse("clients:detail", args=[client.code]))
