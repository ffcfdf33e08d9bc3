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


def most_contacts_page(username: str = "manager") -> str:
    """The path of the file of the visible client with the most contacts."""
    user = get_user_model().objects.get(username=username)
    client = (
        Client.objects.visible_to(user)
        .annotate(contacts=Count("participations"))
        .order_by("-contacts", "pk")
        .first()
    )
    if client is None:
        raise BenchError(f"Die Integrationsmanager:in „{username}“ sieht keine Klient:innen.")
    return reverse("clients:detail", args=[client.code])


@benchmark("Klientenakte mit den meisten Kontakten (manager)")
def _client_detail_most_contacts():
    return get_page("manager", most_contacts_page())


# --- The name search beside the same hits in hand-written SQL ----------------------------
# Both over all clients of the database (no user scope, which the SQL would have to repeat),
# both return the hit count and the first page (25 ids in rank order), as the list shows them.

SEARCH_TEXT = "Mohamad"
PAGE = 25

SEARCH_SQL = """
WITH hits AS (
    SELECT id, last_name, first_name,
           GREATEST(word_similarity(%(word)s, first_name), word_similarity(%(word)s, last_name))
               AS typed,
           GREATEST(word_similarity(%(skeleton)s, first_name_skeleton),
                    word_similarity(%(skeleton)s, last_name_skeleton)) AS skeleton
      FROM clients_client
     WHERE first_name %%> %(word)s OR last_name %%> %(word)s
        OR first_name_skeleton %%> %(skeleton)s OR last_name_skeleton %%> %(skeleton)s
), matching AS (
    SELECT * FROM hits WHERE typed >= %(name_threshold)s OR skeleton >= %(skeleton_threshold)s
)
SELECT (SELECT count(*) FROM matching), id
  FROM matching
 ORDER BY typed + skeleton DESC, last_name, first_name, id
 LIMIT %(page)s
"""


def _search_orm():
    from clients.search import search_clients

    hits = search_clients(Client.objects.all(), SEARCH_TEXT)
    return hits.count(), list(hits.values_list("pk", flat=True)[:PAGE])


def _search_sql():
    from django.db import connection

    from clients.search import NAME_THRESHOLD, SKELETON_THRESHOLD, name_skeleton

    with connection.cursor() as cursor:
        cursor.execute(
            SEARCH_SQL,
            {
                "word": SEARCH_TEXT.lower(),
                "skeleton": name_skeleton(SEARCH_TEXT),
                "name_threshold": NAME_THRESHOLD,
                "skeleton_threshold": SKELETON_THRESHOLD,
                "page": PAGE,
            },
        )
        rows = cursor.fetchall()
    return (rows[0][0] if rows else 0), [row[1] for row in rows]


def _search_compared():
    if _search_orm() != _search_sql():
        raise BenchError("Suche: ORM und handgeschriebenes SQL finden verschiedene Treffer.")


@benchmark(f"Suche „{SEARCH_TEXT}“, alle Klient:innen: ORM (Zahl + erste Seite)")
def _search_orm_case():
    _search_compared()
    return _search_orm


@benchmark(f"Suche „{SEARCH_TEXT}“, alle Klient:innen: handgeschriebenes SQL (GIN)")
def _search_sql_case():
    _search_compared()
    return _search_sql
