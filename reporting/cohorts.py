"""The cohort view of outcomes: of the persons whose counselling window began in year Y, how many
reached a language certificate B1 or higher, work or training, an own tenancy within 12, 24 and
36 months.

The rule, for a person in the cohort of Y (``Client.window_start`` in Y) and a horizon of N
months:

- **Denominator**: the person counts only once his window has run N months by the as-of day
  (``window_start`` + N months ≤ as-of day); a person whose window began too recently is left
  out of that horizon, not counted as "not reached". A cell without anyone in the denominator
  shows "—".
- **Numerator**: persons of the denominator with a counted (not withdrawn) outcome whose day
  (``OutcomeEvent.reached_on``: the certificate's date for a certificate, else the start) lies
  between ``window_start`` and ``window_start`` + N months, both included. An outcome before the
  window began (a course started in the reception centre) does not count: the cohort asks what
  was reached during counselling. Outcomes count whichever provider recorded them.
- "+ N months" is the calendar: 31.01. + 1 month is 28./29.02. (as PostgreSQL adds intervals).

Who is in view is the dashboard's scope (``Dashboard.clients_in_scope``): the office its Kreis
(filtered by provider, team, municipality), a manager or team lead his provider's
municipalities. The whole table is one aggregate query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DateField, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractYear

from clients.models import OutcomeEvent
from clients.models.outcome import LEVELS_FROM_B1
from imcase.dates import german_date
from reporting.charts import BarChart, display

HORIZONS = (12, 24, 36)
COHORT_YEARS = 5  # cohorts shown: the five years before the as-of day's year
NO_DENOMINATOR = "—"


@dataclass(frozen=True)
class Outcome:
    key: str
    short: str  # column title and bar label
    condition: Q
    date_field: str  # the field that is ``reached_on`` for these outcomes


OUTCOMES = (
    Outcome(
        "b1",
        "B1+",
        Q(certificate_level__in=LEVELS_FROM_B1),
        "certificate_on",
    ),
    Outcome(
        "arbeit",
        "Arbeit/Ausb.",
        Q(kind__counts_as_work_or_training=True),
        "started_on",
    ),
    Outcome(
        "wohnung",
        "eigene Wohnung",
        Q(kind__counts_as_own_tenancy=True),
        "started_on",
    ),
)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, the day clamped to the month's end (31.01. + 1 = 28./29.02.)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


class AddMonths(Func):
    """``date + N months`` in PostgreSQL (clamped to the month's end, like ``add_months``)."""

    output_field = DateField()

    def __init__(self, expression, months: int) -> None:
        self.months = int(months)
        super().__init__(
            expression,
            template=f"CAST(%(expressions)s + INTERVAL '{self.months} months' AS date)",
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # The demo's SQLite: date(d, '+N months') runs over into the next month (31.01. + 1 →
        # 02./03.03.), so take the earlier of it and the target month's last day.
        sql, params = compiler.compile(self.source_expressions[0])
        months = self.months
        clamped = (
            f"MIN(date({sql}, '{months:+d} months'), "
            f"date({sql}, 'start of month', '{months + 1:+d} months', '-1 day'))"
        )
        return clamped, (*params, *params)


def _first_reached(outcome: Outcome) -> Subquery:
    """The first day on or after the window's start on which the person reached ``outcome``."""
    field = outcome.date_field
    found = (
        OutcomeEvent.objects.counted()
        .filter(outcome.condition, client_id=OuterRef("pk"))
        .filter(**{f"{field}__gte": OuterRef("window_start")})
        .order_by(field)
        .values(field)[:1]
    )
    return Subquery(found, output_field=DateField())


@dataclass(frozen=True)
class Cell:
    numerator: int
    denominator: int

    @property
    def share(self) -> Decimal | None:
        if not self.denominator:
            return None
        percent = Decimal(self.numerator) * 100 / Decimal(self.denominator)
        return percent.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def text(self) -> str:
        if self.share is None:
            return NO_DENOMINATOR
        # no-break spaces: a narrow column wraps only before the share
        share = display(self.share)
        return f"{self.numerator}\u00a0von\u00a0{self.denominator} ({share}\u00a0%)"


@dataclass(frozen=True)
class Column:
    horizon: int
    outcome: Outcome

    @property
    def key(self) -> str:
        return f"{self.outcome.key}_{self.horizon}"

    @property
    def title(self) -> str:
        return f"{self.outcome.short} in {self.horizon} Mon."


COLUMNS = tuple(Column(h, o) for h in HORIZONS for o in OUTCOMES)


@dataclass(frozen=True)
class CohortRow:
    year: int
    persons: int
    cells: dict[str, Cell]

    def cell(self, outcome: str, horizon: int) -> Cell:
        return self.cells[f"{outcome}_{horizon}"]


@dataclass(frozen=True)
class Cohorts:
    as_of: dt.date
    rows: list[CohortRow]

    def row(self, year: int) -> CohortRow:
        return next(row for row in self.rows if row.year == year)


def cohort_years(as_of: dt.date) -> range:
    return range(as_of.year - COHORT_YEARS, as_of.year)


def cohorts(clients: QuerySet, as_of: dt.date, years: range | None = None) -> Cohorts:
    """The cohort table of ``clients`` (already scoped) on ``as_of``, one aggregate query; rows
    only for years with at least one person."""
    years = years if years is not None else cohort_years(as_of)
    ends = {f"end_{h}": AddMonths(F("window_start"), h) for h in HORIZONS}
    reached = {f"first_{o.key}": _first_reached(o) for o in OUTCOMES}
    counts = {"persons": Count("pk")}
    for column in COLUMNS:
        runs = Q(**{f"end_{column.horizon}__lte": as_of})
        counts[f"d_{column.key}"] = Count("pk", filter=runs)
        counts[f"n_{column.key}"] = Count(
            "pk",
            filter=runs & Q(**{f"first_{column.outcome.key}__lte": F(f"end_{column.horizon}")}),
        )
    found = (
        clients.filter(
            window_start__range=(dt.date(years.start, 1, 1), dt.date(years.stop - 1, 12, 31))
        )
        .annotate(cohort=ExtractYear("window_start"), **ends, **reached)
        .values("cohort")
        .annotate(**counts)
        .order_by("cohort")
    )
    rows = [
        CohortRow(
            year=row["cohort"],
            persons=row["persons"],
            cells={c.key: Cell(row[f"n_{c.key}"], row[f"d_{c.key}"]) for c in COLUMNS},
        )
        for row in found
    ]
    return Cohorts(as_of, rows)


def cohort_chart(table: Cohorts) -> BarChart:
    """The cohort table as a chart: per cohort and outcome one bar, the share in % at the
    longest horizon with a denominator; then the whole table with numerator, denominator and
    share (``—`` where nobody counts yet)."""
    bars = []
    for row in table.rows:
        for outcome in OUTCOMES:
            ran = [h for h in HORIZONS if row.cell(outcome.key, h).share is not None]
            if ran:
                share = row.cell(outcome.key, ran[-1]).share
                bars.append((f"{row.year} · {outcome.short} · {ran[-1]} Mon.", share))
    as_of = german_date(table.as_of)
    return BarChart(
        key="kohorten",
        title="Wirkung nach Kohorten",
        caption=(
            "Kohorten nach Beginn des Beratungszeitraums: wie viele Personen in 12, 24 und 36 "
            "Monaten B1, Arbeit oder Ausbildung, eine eigene Wohnung erreicht haben "
            f"(Stand {as_of})"
        ),
        rows=bars,
        value_header="Anteil in %",
        table_headers=("Kohorte", "Personen", *(c.title for c in COLUMNS)),
        table_rows=[
            (str(row.year), row.persons, *(row.cells[c.key].text for c in COLUMNS))
            for row in table.rows
        ],
        visible_table=True,
        empty_text="Noch keine Kohorte mit einer erreichten Wirkung.",
        note=(
            "Die Balken zeigen je Kohorte den längsten schon messbaren Zeitraum. "
            "Erreicht: nicht zurückgenommene Wirkung vom Beginn des Beratungszeitraums bis N "
            "Monate danach (beide Tage eingeschlossen). Im Nenner nur Personen, deren "
            f"Beratungszeitraum am Stichtag schon N Monate läuft; „{NO_DENOMINATOR}“: noch "
            "niemand."
        ),
        extra={"wide": True},
    )
