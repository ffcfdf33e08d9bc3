"""Possible duplicates of a person about to be created: same birth date and a similar name;
and clashes of his Aktenzeichen or household key with records already in the Kreis.

Names of refugees reach the Kreis in many transliterations (Mohammad, Mohamed, Muhammad), so
on PostgreSQL the name is compared by trigram similarity (pg_trgm, enabled by migration
``clients.0002``); SQLite, used only for the demo, compares first or last name exactly.
Only clients the user may see are searched: a warning must never reveal another provider's
client.

Aktenzeichen and household keys are unique in the Kreis, so a clash must be found across the
whole Kreis, including records the user may not see. Such a clash is reported as ``hidden``:
the form then refuses the value with the same neutral words it uses for a reserved value, so
the answer does not tell whether another provider counsels that person (no existence oracle),
and the coordinating office is told instead (``clients.services.report_clashes``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model, Q, QuerySet, Value
from django.db.models.functions import Concat

from clients.models import Client, Household
from imcase.alerts.retention import ANONYMISED

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


# --- Aktenzeichen and household keys ------------------------------------------------------

AKTENZEICHEN = "aktenzeichen"
HOUSEHOLD_KEY = "household_key"


@dataclass(frozen=True)
class Clash:
    """A value (``field``: Aktenzeichen or household key) that is taken in the Kreis.

    ``visible``: the record the user may see, which the form names and links. ``hidden``: the
    record he may not see, which the coordinating office hears of. Neither: the value is
    reserved. Only a visible clash may be told apart; the other two read the same.
    """

    field: str
    value: str
    landkreis_id: int
    visible: Model | None = None
    hidden: Model | None = None

    @property
    def neutral(self) -> bool:
        """The user gets the refusal that confirms nothing."""
        return self.visible is None


def is_reserved_aktenzeichen(aktenzeichen: str) -> bool:
    """Anonymised cases carry the pseudonym "anonymisiert-<id>" as Aktenzeichen (retention);
    a new person must never look like one of them."""
    return aktenzeichen.casefold().startswith(ANONYMISED)


def aktenzeichen_clash(
    user, landkreis_id: int, aktenzeichen: str, exclude_pk: int | None = None
) -> Clash | None:
    """The clash of ``aktenzeichen`` with a person of the Kreis (other than ``exclude_pk``)."""
    taken = Client.objects.filter(landkreis_id=landkreis_id, aktenzeichen=aktenzeichen)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    visible = taken.filter(pk__in=Client.objects.visible_to(user).values("pk")).first()
    if visible is not None:
        return Clash(AKTENZEICHEN, aktenzeichen, landkreis_id, visible=visible)
    if is_reserved_aktenzeichen(aktenzeichen):
        # Nothing for the office to resolve: an anonymised case stays as it is.
        return Clash(AKTENZEICHEN, aktenzeichen, landkreis_id)
    hidden = taken.first()
    if hidden is not None:
        return Clash(AKTENZEICHEN, aktenzeichen, landkreis_id, hidden=hidden)
    return None


def visible_households(user) -> QuerySet:
    """Households with at least one member the user may see."""
    return Household.objects.filter(members__in=Client.objects.visible_to(user)).distinct()


def household_key_clash(user, landkreis_id: int, key: str) -> Clash | None:
    """The clash of a new household's ``key`` with a household of the Kreis."""
    household = Household.objects.filter(landkreis_id=landkreis_id, key=key).first()
    if household is None:
        return None
    if visible_households(user).filter(pk=household.pk).exists():
        return Clash(HOUSEHOLD_KEY, key, landkreis_id, visible=household)
    return Clash(HOUSEHOLD_KEY, key, landkreis_id, hidden=household)
