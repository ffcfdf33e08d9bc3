"""Dashboard chart: the funding procedure per municipality for the current funding year.

The current funding year is the Kreis's latest one up to next year (lists for year Y go out
in December of Y−2, so the year being prepared is usually ahead of the calendar). Shown per
municipality: the state of its list (not yet drawn, drawn, sent, returned, returned late or
overdue), the persons counting (not struck) and the published amount if there is one. Only
counts and amounts: names on the lists stay on the funding pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from funding.formatting import euro
from funding.models import Allocation, FundingYear, PersonList
from imcase.dates import german_date
from imcase.organisation.models import Municipality
from reporting.charts import BarChart

STATES = (
    ("missing", "keine Liste erstellt"),
    ("draft", "erstellt, nicht versandt"),
    ("sent", "versandt, in Prüfung"),
    ("late", "Frist überschritten"),
    ("submitted", "zurückgemeldet"),
    ("submitted_late", "verspätet zurückgemeldet"),
)
LABELS = dict(STATES)


def current_funding_year(user, today: dt.date) -> FundingYear | None:
    years = FundingYear.objects.visible_to(user)
    return (
        years.filter(year__lte=today.year + 1).order_by("-year").first()
        or years.order_by("year").first()
    )


def _state(person_list: PersonList | None, today: dt.date) -> str:
    if person_list is None:
        return "missing"
    if person_list.status == PersonList.Status.SUBMITTED:
        return "submitted_late" if person_list.came_back_late else "submitted"
    if person_list.is_late(today):
        return "late"
    return "sent" if person_list.status == PersonList.Status.SENT else "draft"


def funding_chart(user, municipalities: QuerySet[Municipality], today: dt.date) -> BarChart | None:
    """None if the user sees no funding year (managers, or none created yet)."""
    year = current_funding_year(user, today)
    if year is None:
        return None
    lists = {
        pl.municipality_id: pl
        for pl in PersonList.objects.filter(funding_year=year, municipality__in=municipalities)
        .select_related("funding_year")
        .annotate(persons=Count("entries", filter=Q(entries__struck=False)))
    }
    latest = year.revisions.order_by("-number").values("pk")[:1]
    amounts = dict(
        Allocation.objects.filter(revision__in=latest, municipality__in=municipalities)
        .values_list("municipality_id", "amount")
        .order_by()
    )
    rows = []
    states: dict[str, int] = dict.fromkeys(LABELS, 0)
    for municipality in municipalities.order_by("name", "ags"):
        person_list = lists.get(municipality.pk)
        state = _state(person_list, today)
        states[state] += 1
        amount: Decimal | None = amounts.get(municipality.pk)
        rows.append(
            (
                f"{municipality.name} ({municipality.ags})",
                LABELS[state],
                person_list.persons if person_list else "–",
                euro(amount),
            )
        )
    return BarChart(
        key="foerderung",
        title=f"Förderjahr {year.year}: Personenlisten der Gemeinden",
        caption=f"Stand der Personenlisten je Gemeinde, Förderjahr {year.year} (Stand heute)",
        rows=[(label, states[key]) for key, label in STATES],
        value_header="Gemeinden",
        label_header="Stand der Liste",
        note=(
            f"Rückmeldefrist: {german_date(year.list_deadline)}. Beträge aus der zuletzt "
            "veröffentlichten Verteilung."
        ),
        extra={
            "headers": ("Gemeinde", "Stand der Liste", "Personen", "Betrag"),
            "rows": rows,
        },
    )
