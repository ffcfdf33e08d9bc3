"""The contact timeline of a client's page: the latest contacts first, 20 to a page.

The page number travels in the ``kontakte`` query parameter (plain links, no script), so the
client page keeps one URL and its audited read (``clients/urls.py``).
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q

from clients.models import Client, Consultation, ConsultationParticipant, Referral

PER_PAGE = 20
PAGE_PARAMETER = "kontakte"


def contacts_of(user, client: Client):
    """The client's contacts the user may see, newest first (the model's ordering); withdrawn
    contacts stay in the timeline, marked (their rows come from ``all_objects``)."""
    return Consultation.all_objects.visible_to(user).filter(participants__client=client)


def timeline_page(user, client: Client, number) -> Page:
    """One page of the timeline with everything its cards show, in a fixed number of queries
    (the count, the page, then one query per prefetched relation)."""
    contacts = (
        contacts_of(user, client)
        .select_related("recorded_by", "withdrawn_by")
        .prefetch_related(
            "topics",
            Prefetch("referrals", queryset=Referral.all_objects.select_related("service")),
            Prefetch(
                "participants",
                queryset=ConsultationParticipant.all_objects.select_related("client").order_by(
                    "client__last_name", "client__first_name"
                ),
            ),
        )
    )
    # get_page: a missing, mistyped or too large number shows the first or the last page.
    return Paginator(contacts, PER_PAGE).get_page(number)


def page_of_contact(user, client: Client, consultation: Consultation) -> int:
    """The timeline page that shows ``consultation`` (ordering: date, then pk, descending)."""
    newer = (
        contacts_of(user, client)
        .filter(Q(date__gt=consultation.date) | Q(date=consultation.date, pk__gt=consultation.pk))
        .count()
    )
    return newer // PER_PAGE + 1
