"""E-mails of the funding procedure to the municipality users (German, plain text with a link).

Called after the transaction commits. A failing mail server is logged and does not undo the
step: the municipality sees its list and sheet on its start page in any case.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from funding.models import Allocation, PersonList
from imcase.dates import german_date
from imcase.organisation.models import Role, StaffMember

logger = logging.getLogger(__name__)


def recipients(municipality_ids: Iterable[int]) -> dict[int, list[str]]:
    """Active municipality users with an e-mail address, per municipality."""
    found: dict[int, list[str]] = {}
    staff = (
        StaffMember.objects.filter(
            role=Role.MUNICIPALITY, municipality_id__in=list(municipality_ids), user__is_active=True
        )
        .exclude(user__email="")
        .values_list("municipality_id", "user__email")
        .order_by("municipality_id", "user__email")
    )
    for municipality_id, email in staff:
        found.setdefault(municipality_id, []).append(email)
    return found


def _link(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def _send(messages: list[EmailMessage]) -> int:
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # the step is done; the mail can be repeated by hand
        logger.exception("E-Mails des Förderverfahrens konnten nicht versandt werden.")
        return 0


def _message(subject: str, template: str, context: dict, to: list[str]) -> EmailMessage:
    body = render_to_string(template, context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def lists_sent(list_ids: list[int], base_url: str) -> int:
    """Step 2: each municipality is asked to check its list by the deadline."""
    lists = PersonList.objects.filter(pk__in=list_ids).select_related(
        "municipality", "funding_year__landkreis"
    )
    to = recipients(pl.municipality_id for pl in lists)
    messages = []
    for person_list in lists:
        if person_list.municipality_id not in to:
            continue
        year = person_list.funding_year
        context = {
            "list": person_list,
            "year": year,
            "persons": person_list.entries.count(),
            "link": _link(base_url, reverse("funding:list", args=[person_list.code])),
        }
        subject = (
            f"Integrationsmanagement {year.year}: Personenliste {person_list.municipality.name} "
            f"bitte bis {german_date(year.list_deadline)} prüfen"
        )
        messages.append(
            _message(
                subject, "funding/email/list_sent.txt", context, to[person_list.municipality_id]
            )
        )
    return _send(messages)


def list_reopened(list_id: int, base_url: str) -> int:
    person_list = PersonList.objects.select_related("municipality", "funding_year").get(pk=list_id)
    to = recipients([person_list.municipality_id]).get(person_list.municipality_id)
    if not to:
        return 0
    context = {
        "list": person_list,
        "year": person_list.funding_year,
        "link": _link(base_url, reverse("funding:list", args=[person_list.code])),
    }
    subject = (
        f"Integrationsmanagement {person_list.funding_year.year}: Ihre Personenliste ist wieder "
        "zur Korrektur geöffnet"
    )
    return _send([_message(subject, "funding/email/list_reopened.txt", context, to)])


def allocation_published(revision_id: int, base_url: str) -> int:
    """Step 6: each municipality is told that its allocation sheet is ready."""
    allocations = Allocation.objects.filter(revision_id=revision_id).select_related(
        "revision__funding_year"
    )
    to = recipients(a.municipality_id for a in allocations)
    messages = []
    for allocation in allocations:
        if allocation.municipality_id not in to:
            continue
        year = allocation.revision.funding_year
        context = {
            "allocation": allocation,
            "revision": allocation.revision,
            "year": year,
            "link": _link(base_url, reverse("funding:sheet", args=[year.year, allocation.ags])),
        }
        subject = (
            f"Integrationsmanagement {year.year}: Ihre Zuteilung "
            f"(Revision {allocation.revision.number})"
        )
        messages.append(
            _message(
                subject,
                "funding/email/allocation_published.txt",
                context,
                to[allocation.municipality_id],
            )
        )
    return _send(messages)
