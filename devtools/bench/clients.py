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


# --- The manager's list beside the same rows in hand-written SQL -------------------------
# The first page as the list shows it (open cases of the municipalities the manager's provider
# serves today, by name, 50 rows with municipality and manager) and the number of all.

LIST_SQL = """
SELECT c.id, c.code, c.version, c.status, c.last_name, c.first_name, c.aktenzeichen,
       c.birth_date, c.assignment_date, c.window_start, c.window_end, c.window_extended,
       m.name, u.first_name, u.last_name, u.username, COUNT(*) OVER ()
  FROM clients_client c
  JOIN organisation_municipality m ON m.id = c.municipality_id
  LEFT JOIN auth_user u ON u.id = c.manager_id
 WHERE c.status = 'open'
   AND c.municipality_id IN (
       SELECT a.municipality_id FROM organisation_providerarea a
        WHERE a.provider_id = %(provider)s AND a.valid_from <= %(today)s
          AND (a.valid_until IS NULL OR a.valid_until >= %(today)s))
 ORDER BY c.last_name, c.first_name, c.id
 LIMIT %(page)s
"""


def _list_user():
    return get_user_model().objects.get(username="manager")


def _list_orm():
    """The list's own query (``filter_clients`` and ``counted_page``, as the view runs them)."""
    from django.utils import timezone

    from clients.search import filter_clients
    from clients.views.list import PAGE_SIZE, listed
    from imcase.web.paging import counted_page

    clients, _form = filter_clients(_list_user(), {}, timezone.localdate())
    page = counted_page(listed(clients), 1, PAGE_SIZE)
    return page.paginator.count, [client.pk for client in page.object_list]


def _list_sql():
    from django.db import connection
    from django.utils import timezone

    from clients.views.list import PAGE_SIZE
    from imcase.organisation.access import scope_for

    params = {
        "provider": scope_for(_list_user()).provider_id,
        "today": timezone.localdate(),
        "page": PAGE_SIZE,
    }
    with connection.cursor() as cursor:
        cursor.execute(LIST_SQL, params)
        rows = cursor.fetchall()
    return (rows[0][-1] if rows else 0), [row[0] for row in rows]


def _list_compared():
    if _list_orm() != _list_sql():
        raise BenchError("Klientenliste: ORM und handgeschriebenes SQL ergeben andere Zeilen.")


@benchmark("Klientenliste (manager), erste Seite mit Zahl: ORM wie in der Liste")
def _list_orm_case():
    _list_compared()
    return _list_orm


@benchmark("Klientenliste (manager), erste Seite mit Zahl: handgeschriebenes SQL")
def _list_sql_case():
    _list_compared()
    return _list_sql


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
    """As the client list reads it: the first page with the count (``counted_page``)."""
    from clients.search import search_clients
    from imcase.web.paging import counted_page

    page = counted_page(search_clients(Client.objects.all(), SEARCH_TEXT), 1, PAGE)
    return page.paginator.count, [client.pk for client in page.object_list]


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


@benchmark(f"Suche „{SEARCH_TEXT}“, alle Klient:innen: ORM (erste Seite mit Zahl)")
def _search_orm_case():
    _search_compared()
    return _search_orm


@benchmark(f"Suche „{SEARCH_TEXT}“, alle Klient:innen: handgeschriebenes SQL (GIN)")
def _search_sql_case():
    _search_compared()
    return _search_sql


# --- The administrator's export of every client ---------------------------------------------


@benchmark("Export: alle Klient:innen als XLSX (export_clients --xlsx)")
def _export_all_clients():
    """What ``manage.py export_clients --xlsx`` writes (one row per client, XlsxWriter in
    constant-memory mode), into a temporary file that is removed afterwards."""
    import os
    import tempfile

    from django.utils import timezone

    from clients.exporter import write_clients_xlsx

    def run():
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "klienten.xlsx")
            count = write_clients_xlsx(
                Client.objects.order_by("aktenzeichen", "pk"), timezone.localdate(), path
            )
            if count != Client.objects.count():
                raise BenchError("Export: nicht jede Klient:in wurde geschrieben.")

    return run
