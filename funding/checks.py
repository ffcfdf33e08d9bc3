"""Nightly deadline checks of the funding procedure (see ``imcase.alerts.registry``): person
lists sent to the municipalities and not returned by the year's Rückmeldefrist (steps 2–4).

Late is what ``PersonList.is_late`` says: sent, not returned, and the deadline has passed (the
alerts start the day after the deadline; the due date is the deadline itself, so a second run
finds the same keys). Returning the list ends the alerts; a list the office reopens after the
deadline is late again until it comes back.

- each late list: the municipality's users (without any, the coordinating office of the Kreis);
- per funding year with a late list: one overview for the coordinating office.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.urls import reverse

from funding.models import FundingYear, PersonList
from imcase.alerts.context import CheckContext
from imcase.alerts.registry import Finding, check
from imcase.counted import counted
from imcase.dates import german_date

NAMES_IN_OVERVIEW = 8


def late_lists(today: dt.date):
    """Lists sent and not returned whose funding year's deadline lies before ``today``."""
    return (
        PersonList.objects.filter(
            status=PersonList.Status.SENT, funding_year__list_deadline__lt=today
        )
        .select_related("municipality", "funding_year")
        .order_by("funding_year_id", "municipality__name", "pk")
    )


@check("funding_list_late", "Personenliste nicht fristgerecht zurückgemeldet")
def list_not_returned(ctx: CheckContext) -> Iterator[Finding]:
    for person_list in late_lists(ctx.today):
        year = person_list.funding_year
        recipients = ctx.municipality_users.get(person_list.municipality_id) or (
            ctx.office_by_landkreis.get(year.landkreis_id, [])
        )
        yield from ctx.findings(
            recipients,
            subject=person_list,
            due_date=year.list_deadline,
            message=f"Die Personenliste {year.year} von {person_list.municipality.name} "
            f"war bis {german_date(year.list_deadline)} zu prüfen und zurückzumelden; sie ist noch "
            "nicht zurückgemeldet.",
            link=reverse("funding:list", args=[person_list.code]),
        )


@check("funding_lists_late_overview", "Personenlisten der Gemeinden überfällig")
def lists_not_returned_overview(ctx: CheckContext) -> Iterator[Finding]:
    late: dict[int, list[str]] = defaultdict(list)
    for person_list in late_lists(ctx.today):
        late[person_list.funding_year_id].append(person_list.municipality.name)
    years = FundingYear.objects.filter(pk__in=list(late)).order_by("pk")
    for year in years:
        names = late[year.pk]
        shown = ", ".join(names[:NAMES_IN_OVERVIEW])
        if len(names) > NAMES_IN_OVERVIEW:
            shown += f" und {len(names) - NAMES_IN_OVERVIEW} weitere"
        # The message keeps the state of the night it was raised (alerts are not rewritten).
        yield from ctx.findings(
            ctx.office_by_landkreis.get(year.landkreis_id, []),
            subject=year,
            due_date=year.list_deadline,
            message=f"Förderjahr {year.year}: "
            f"{counted(len(names), 'Personenliste', 'Personenlisten')} nicht bis "
            f"{german_date(year.list_deadline)} zurückgemeldet "
            f"(Stand {german_date(ctx.today)}: {shown}).",
            link=reverse("funding:year", args=[year.year]),
        )
