"""Finding clients: the spelling-tolerant name search and the list filters (the caseload
"Meine Fälle – fällig" is in ``clients.caseload``).

Names of refugees reach the files in many transliterations (Mohammed, Mohamad, Muhammad;
Youssef, Yusuf, Jussuf; Al-Hassan, Alhasan). Each word of the query (split at blanks, commas
and semicolons, so "Nachname, Vorname" as the list shows names works) is compared with first
and last name, as typed and as a consonant skeleton (``clients.names.name_skeleton``: Yusuf,
Youssef and Jussuf all become ``ysf``, Haidar and Haydar ``hdr``), against the skeletons every
client stores.

- PostgreSQL: both with pg_trgm's ``word_similarity``, which also catches typos and dropped
  letters (Mohamad → Mohammed);
- SQLite (the demo run): the word's skeleton is compared with the stored skeletons (equal,
  or the start or end of a name's, see ``search_by_skeleton``), and the word as typed with
  the start of a name. Typos that change the skeleton are not caught there.

On PostgreSQL the search first narrows by index, then ranks: each word must pass pg_trgm's
``%>`` operator (``column %> 'word'``, i.e. ``word_similarity('word', column)`` at least
``pg_trgm.word_similarity_threshold``) on one of the four name columns, which the trigram GIN
indexes answer (migrations clients 0002 and 0005); only those rows get their exact
similarities computed. Every connection sets the threshold to ``INDEX_THRESHOLD`` (the lower of
the two thresholds below, see ``set_trigram_threshold``), so the narrowing keeps every row the
exact thresholds accept: the results are the same as ranking every visible client, only fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connections
from django.db.models import (
    Case,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThanOrEqual

from clients.forms.list import ALL_CASES, ClientFilterForm
from clients.models import Client
from clients.names import name_skeleton

MAX_SEARCH_WORDS = 4
NAME_THRESHOLD = 0.5
SKELETON_THRESHOLD = 0.75
# Shorter skeletons ("Ali" → "l") would match half the Kreis.
SKELETON_MIN_LENGTH = 3
# pg_trgm.word_similarity_threshold for the index narrowing: never above either threshold.
INDEX_THRESHOLD = min(NAME_THRESHOLD, SKELETON_THRESHOLD)

# --- Name search ---------------------------------------------------------------------------


def set_trigram_threshold(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the ``%>`` operator of every PostgreSQL connection
    uses ``INDEX_THRESHOLD`` (pg_trgm's default, 0.6, would drop matches between 0.5 and 0.6)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(INDEX_THRESHOLD)],
            )


def _search_words(text: str) -> list[str]:
    words = [word for word in re.split(r"[\s,;]+", text.lower()) if len(word) >= 2]
    return words[:MAX_SEARCH_WORDS]


def search_clients(queryset: QuerySet, text: str) -> QuerySet:
    """Clients of ``queryset`` whose name matches ``text`` (every word of it, in any order,
    against first or last name) or whose Aktenzeichen equals ``text``; best matches first.

    The queryset keeps its scope: this only narrows it. Empty ``text`` returns it unchanged.
    """
    text = text.strip()
    if not text:
        return queryset
    if connections[queryset.db].vendor != "postgresql":
        return search_by_skeleton(queryset, text)

    words = _search_words(text)
    aliases: dict[str, object] = {}
    all_words_match = Q()
    all_words_indexed = Q()
    for index, word in enumerate(words):
        typed = f"_search_typed_{index}"
        skeleton = f"_search_skeleton_{index}"
        typed_first = TrigramWordSimilarity(word, "first_name")
        typed_last = TrigramWordSimilarity(word, "last_name")
        aliases[typed] = Greatest(typed_first, typed_last)
        indexed = Q(TrigramWordSimilar(F("first_name"), Value(word))) | Q(
            TrigramWordSimilar(F("last_name"), Value(word))
        )
        # Each similarity compared on its own (not their GREATEST): the database stops at the
        # first that passes, so most hits cost one or two similarities here, not four.
        word_matches = Q(GreaterThanOrEqual(typed_first, NAME_THRESHOLD)) | Q(
            GreaterThanOrEqual(typed_last, NAME_THRESHOLD)
        )
        word_skeleton = name_skeleton(word)
        if len(word_skeleton) >= SKELETON_MIN_LENGTH:
            skeleton_first = TrigramWordSimilarity(word_skeleton, "first_name_skeleton")
            skeleton_last = TrigramWordSimilarity(word_skeleton, "last_name_skeleton")
            aliases[skeleton] = Greatest(skeleton_first, skeleton_last)
            indexed |= Q(TrigramWordSimilar(F("first_name_skeleton"), Value(word_skeleton))) | Q(
                TrigramWordSimilar(F("last_name_skeleton"), Value(word_skeleton))
            )
            word_matches |= Q(GreaterThanOrEqual(skeleton_first, SKELETON_THRESHOLD)) | Q(
                GreaterThanOrEqual(skeleton_last, SKELETON_THRESHOLD)
            )
        else:
            aliases[skeleton] = Value(0.0, output_field=FloatField())
        all_words_match &= word_matches
        all_words_indexed &= indexed

    aktenzeichen = Q(aktenzeichen__iexact=text)
    # The index conditions (``%>``) narrow first; the exact thresholds decide on what is left.
    # Written as (Aktenzeichen or index) and (Aktenzeichen or thresholds), the same rows as
    # Aktenzeichen or (index and thresholds): so the first part is the bitmap's own condition,
    # checked once per row, and not repeated in the filter (each ``%>`` is a similarity).
    matches = (
        (aktenzeichen | all_words_indexed) & (aktenzeichen | all_words_match)
        if words
        else aktenzeichen
    )
    # The typed similarity counts as well, so the spelling the user typed ranks first.
    rank = Case(When(aktenzeichen, then=Value(100.0)), default=Value(0.0))
    for name in aliases:
        rank = rank + F(name)
    return (
        queryset.alias(**aliases)
        .filter(matches)
        .alias(search_rank=rank)
        .order_by("-search_rank", "last_name", "first_name", "pk")
    )


def search_by_skeleton(queryset: QuerySet, text: str) -> QuerySet:
    """The name search without pg_trgm (SQLite): every word of ``text`` must match first or
    last name, or ``text`` is the Aktenzeichen. A word matches a name

    - by its consonant skeleton (at least ``SKELETON_MIN_LENGTH`` letters) against the stored
      one: equal, the start of it (Abdul → Abdul Rahman), or its end when the name has several
      parts (Ahmad → Al-Ahmad, Rahman → Abdul Rahman);
    - as typed, at the start of the name or of one of its parts (case-insensitive).

    Best matches first: the Aktenzeichen, then equal skeletons, then the rest. Plain ORM
    lookups, so it runs on any database (the tests run it on PostgreSQL too)."""
    text = text.strip()
    if not text:
        return queryset
    words = _search_words(text)
    aktenzeichen = Q(aktenzeichen__iexact=text)
    all_words_match = Q()
    rank = Case(When(aktenzeichen, then=Value(100.0)), default=Value(0.0))
    for word in words:
        word_matches = Q()
        for name in ("first_name", "last_name"):
            word_matches |= (
                Q(**{f"{name}__istartswith": word})
                | Q(**{f"{name}__icontains": f" {word}"})
                | Q(**{f"{name}__icontains": f"-{word}"})
            )
        skeleton = name_skeleton(word)
        if len(skeleton) >= SKELETON_MIN_LENGTH:
            same = Q(first_name_skeleton=skeleton) | Q(last_name_skeleton=skeleton)
            for name in ("first_name", "last_name"):
                several_parts = Q(**{f"{name}__contains": " "}) | Q(**{f"{name}__contains": "-"})
                word_matches |= Q(**{f"{name}_skeleton__startswith": skeleton}) | (
                    Q(**{f"{name}_skeleton__endswith": skeleton}) & several_parts
                )
            rank = rank + Case(When(same, then=Value(2.0)), default=Value(0.0))
        all_words_match &= word_matches
    matches = aktenzeichen | all_words_match if words else aktenzeichen
    return (
        queryset.filter(matches)
        .alias(search_rank=rank)
        .order_by("-search_rank", "last_name", "first_name", "pk")
    )


# --- List filters --------------------------------------------------------------------------

SORTS: dict[str, tuple] = {
    "name": (F("last_name").asc(), F("first_name").asc(), "pk"),
    "-name": (F("last_name").desc(), F("first_name").desc(), "-pk"),
    "aktenzeichen": ("aktenzeichen",),
    "-aktenzeichen": ("-aktenzeichen",),
    "zuweisung": (F("assignment_date").asc(nulls_last=True), "last_name", "pk"),
    "-zuweisung": (F("assignment_date").desc(nulls_last=True), "last_name", "pk"),
    "beratungsende": (F("window_end").asc(nulls_last=True), "last_name", "pk"),
    "-beratungsende": (F("window_end").desc(nulls_last=True), "last_name", "pk"),
}


def filter_clients(
    user, params: Mapping[str, str], today: dt.date
) -> tuple[QuerySet, ClientFilterForm]:
    """The clients ``user`` may see, narrowed and ordered by the list's GET parameters.

    ``params`` is ``request.GET`` (any mapping works). Keys, all optional:

    - ``suche``: name (spelling-tolerant, see ``search_clients``) or exact Aktenzeichen;
    - ``gemeinde``: municipality id; ``zustaendig``: user id of the manager;
      ``zuordnung``: ``keine`` (no manager) or ``zugeordnet``;
      ``team``: regional team id (clients living in the team's municipalities);
    - ``zeitraum``: a ``WindowStatus`` value, evaluated on ``today``;
    - ``aufenthalt``: a ``ResidenceStatus`` value; ``fallstatus``: ``open`` (also without
      it: the list shows open cases unless asked otherwise), ``closed`` or ``alle``;
    - ``sortierung``: a key of ``SORTS``; without it, search results come by similarity,
      everything else by name.

    Unknown keys (such as ``seite``) are ignored. Choices offer only what lies in the user's
    scope, so an id from elsewhere makes the form invalid. If the form is invalid the
    queryset is empty (never unfiltered); show ``form.errors``. The queryset always starts
    from ``Client.objects.visible_to(user)`` and selects municipality and manager.
    """
    form = ClientFilterForm(params, user=user)
    clients = Client.objects.visible_to(user).select_related("municipality", "manager")
    if not form.is_valid():
        return clients.none(), form
    data = form.cleaned_data
    if data["gemeinde"]:
        clients = clients.filter(municipality=data["gemeinde"])
    if data["zustaendig"]:
        clients = clients.filter(manager=data["zustaendig"])
    if data["zuordnung"] == "keine":
        clients = clients.filter(manager__isnull=True)
    elif data["zuordnung"] == "zugeordnet":
        clients = clients.filter(manager__isnull=False)
    if data["team"]:
        clients = clients.filter(municipality__in=data["team"].municipalities.all())
    if data["zeitraum"]:
        clients = clients.with_window_status(data["zeitraum"], today)
    if data["aufenthalt"]:
        clients = clients.filter(residence_status=data["aufenthalt"])
    case_status = data["fallstatus"] or Client.Status.OPEN
    if case_status != ALL_CASES:
        clients = clients.filter(status=case_status)
    clients = search_clients(clients, data["suche"])
    if data["sortierung"]:
        clients = clients.order_by(*SORTS[data["sortierung"]])
    elif not data["suche"].strip():
        clients = clients.order_by(*SORTS["name"])
    return clients, form


def with_window_states(clients: Iterable[Client], today: dt.date) -> list[Client]:
    """The clients as a list, each with ``window_state`` (a ``WindowStatus`` or None) for
    ``today``; computed in Python from the loaded fields, no query per row."""
    rows = list(clients)
    for client in rows:
        client.window_state = client.window_status(today)
    return rows
