"""Nightly deadline checks of the funding procedure (see ``imcase.alerts.registry``): person
lists sent to the municipalities and not returned by the year's Rückmeldefrist (steps 2–4), and
Verwendungsnachweise not submitted by the year's deadline (see the end of this module).

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

from django.db.models import Q
from django.urls import reverse

from funding.exports.usage import compile_usage
from funding.models import FundingYear, PersonList
from funding.models.usage import MUNICIPAL
from imcase.alerts.context import CheckContext
from imcase.alerts.registry import Finding, check
from imcase.counted import counted
from imcase.dates import german_date
from imcase.organisation.models import Provider, Role, StaffMember

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


# --- Verwendungsnachweise -------------------------------------------------------------------
# Each reporting provider of a funding year (serving a municipality on 1 January, or with a
# report) whose Verwendungsnachweis is not submitted once the year's deadline has passed: its
# reporters (team leads; the Hauptamt of a municipal provider's seat; the office for the
# Landratsamt's own IM, or when nobody else can be told). The subject is the provider, the due
# date the deadline, so starting a report does not raise the alert anew.


def years_past_usage_deadline(today: dt.date):
    return FundingYear.objects.filter(usage_deadline__lt=today).select_related("landkreis")


def _team_leads_by_provider(today: dt.date) -> dict[int, list[int]]:
    leads: dict[int, list[int]] = defaultdict(list)
    rows = StaffMember.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        role=Role.TEAM_LEAD,
        user__is_active=True,
        provider__isnull=False,
    ).order_by("pk")
    for provider_id, user_id in rows.values_list("provider_id", "user_id"):
        leads[provider_id].append(user_id)
    return leads


def _reporters(ctx: CheckContext, provider: Provider, leads: dict[int, list[int]]) -> list[int]:
    office = ctx.office_by_landkreis.get(provider.landkreis_id, [])
    if provider.kind == Provider.Kind.LANDKREIS:
        return office
    people = list(leads.get(provider.pk, []))
    if provider.kind in MUNICIPAL and provider.seat_id:
        people += ctx.municipality_users.get(provider.seat_id, [])
    return people or office


@check("funding_usage_late", "Verwendungsnachweis nicht fristgerecht eingereicht")
def usage_report_not_submitted(ctx: CheckContext) -> Iterator[Finding]:
    years = list(years_past_usage_deadline(ctx.today))
    if not years:
        return
    leads = _team_leads_by_provider(ctx.today)
    for year in years:
        deadline = german_date(year.usage_deadline)
        for row in compile_usage(year).reporting_rows:
            if row.submitted:
                continue
            link = (
                reverse("funding:usage", args=[row.report.code])
                if row.report
                else reverse("funding:usage_index")
            )
            yield from ctx.findings(
                _reporters(ctx, row.provider, leads),
                subject=row.provider,
                due_date=year.usage_deadline,
                message=f"Der Verwendungsnachweis {year.year} von {row.provider.name} war bis "
                f"{deadline} einzureichen; er ist noch nicht eingereicht.",
                link=link,
            )


@check("funding_usage_late_overview", "Verwendungsnachweise der Träger überfällig")
def usage_reports_late_overview(ctx: CheckContext) -> Iterator[Finding]:
    for year in years_past_usage_deadline(ctx.today):
        names = [
            row.provider.name for row in compile_usage(year).reporting_rows if not row.submitted
        ]
        if not names:
            continue
        shown = ", ".join(names[:NAMES_IN_OVERVIEW])
        if len(names) > NAMES_IN_OVERVIEW:
            shown += f" und {len(names) - NAMES_IN_OVERVIEW} weitere"
        yield from ctx.findings(
            ctx.office_by_landkreis.get(year.landkreis_id, []),
            subject=year,
            due_date=year.usage_deadline,
            message=f"Förderjahr {year.year}: {len(names)} Verwendungsnachweis(e) nicht bis "
            f"{german_date(year.usage_deadline)} eingereicht "
            f"(Stand {german_date(ctx.today)}: {shown}).",
            link=reverse("funding:usage_year", args=[year.year]),
        )
