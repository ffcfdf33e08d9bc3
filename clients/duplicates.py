"""Possible duplicates of a person about to be created: same birth date and a similar name.

Names of refugees reach the Kreis in many transliterations (Mohammad, Mohamed, Muhammad), so
on PostgreSQL the name is compared by trigram similarity (pg_trgm, enabled by migration
``clients.0002``); SQLite, used only for the demo, compares first or last name exactly.
Only clients the user may see are searched: a warning must never reveal another provider's
client.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Concat

from clients.models import Client

SIMILARITY_THRESHOLD = 0.4
MAX_MATCHES = 10


def possible_duplicates(
    user,
    last_name: str,
    first_name: str,
    birth_date: dt.date,
    exclude_pk: int | None = None,
) -> list[Client]:
    """Visible clients born on ``birth_date`` whose name resembles ``first_name last_name``."""
    last_name, first_name = last_name.strip(), first_name.strip()
    candidates = Client.objects.visible_to(user).filter(birth_date=birth_date)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        candidates = (
            candidates.annotate(
                name_similarity=TrigramSimilarity(
                    Concat("first_name", Value(" "), "last_name"), f"{first_name} {last_name}"
                )
            )
            .filter(name_similarity__gte=SIMILARITY_THRESHOLD)
            .order_by("-name_similarity", "last_name", "first_name")
        )
    else:
        candidates = candidates.filter(
            Q(last_name__iexact=last_name) | Q(first_name__iexact=first_name)
        )
    return list(candidates.select_related("municipality")[:MAX_MATCHES])
