"""Nightly deadline check of the reporting: the Kennzahlentabelle of year Y is due at the
Regierungspräsidium by 31 January of Y+1 (see ``imcase.alerts.registry``).

From 1 February on, every Kreis with a coordinating office and no submission for the last due
year gets an alert to its office users; the due date is that 31 January, so a second run finds
the same keys, and a submission makes the alert obsolete (*hinfällig*).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from imcase.alerts.context import CheckContext
from imcase.alerts.registry import Finding, check
from imcase.dates import german_date
from imcase.organisation.models import Landkreis
from reporting.kennzahlen.registry import first_year
from reporting.models import Submission


def submission_deadline(year: int) -> dt.date:
    return dt.date(year + 1, 1, 31)


def last_due_year(today: dt.date) -> int:
    """The newest reporting year whose deadline lies before ``today``."""
    return today.year - 1 if today > dt.date(today.year, 1, 31) else today.year - 2


@check("kennzahlen_not_submitted", "Kennzahlentabelle nicht bis 31. Januar abgegeben")
def kennzahlen_not_submitted(ctx: CheckContext) -> Iterator[Finding]:
    year = last_due_year(ctx.today)
    if year < first_year():
        return
    due = submission_deadline(year)
    submitted = Submission.objects.filter(year=year).values_list("landkreis_id", flat=True)
    link = reverse("reporting:figures") + f"?jahr={year}"
    kreise = Landkreis.objects.filter(pk__in=list(ctx.office_by_landkreis)).exclude(
        pk__in=submitted
    )
    for landkreis in kreise.order_by("pk"):
        yield from ctx.findings(
            ctx.office_by_landkreis[landkreis.pk],
            subject=landkreis,
            due_date=due,
            link=link,
            message=(
                f"Die Kennzahlentabelle {year} für {landkreis.name} war bis {german_date(due)} "
                "beim Regierungspräsidium abzugeben; es gibt noch keine Abgabe."
            ),
        )
