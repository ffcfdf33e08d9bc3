"""The plans' section of the caseload ("Meine Fälle – fällig", see ``clients.caseload``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery

from clients.caseload import CaseloadSection, caseload_clients, caseload_section, section
from imcase.counted import counted
from imcase.dates import german_date
from plans.models import PlanVersion

OVERDUE_SECTION_LIMIT = 50


@caseload_section(order=60)
def overdue_review_section(user, today: dt.date) -> CaseloadSection:
    """Open cases whose current plan's review date has passed (one query, plus a count when
    the list is longer than the limit)."""
    review_due = PlanVersion.objects.filter(plan__client=OuterRef("pk"), is_current=True).values(
        "next_review_on"
    )[:1]
    clients = (
        caseload_clients(user)
        .annotate(review_due=Subquery(review_due))
        .filter(review_due__lt=today)
        .order_by("review_due", "last_name", "pk")
    )
    return section(
        "planueberpruefung",
        "Planüberprüfung überfällig",
        "Überprüfung fällig seit",
        clients,
        lambda client: (
            f"{german_date(client.review_due)} "
            f"({counted((today - client.review_due).days, 'Tag', 'Tage')})"
        ),
        limit=OVERDUE_SECTION_LIMIT,
    )
