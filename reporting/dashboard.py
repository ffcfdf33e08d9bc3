"""The coordinating office's dashboard: aggregates only, one query per chart.

Filters: year (for contacts, goals and independence), provider, team (its region's
municipalities; for contacts: contacts held by its members), municipality. Charts marked
"Stand heute" show open cases today; the year-based charts reuse the Kennzahl queries, so
they agree with the Kennzahlentabelle (client figures by the provider of the municipality on
31.12., contacts by the provider who held them) and, like it, read every state as it was on
31.12. of the year (a later move, evaluation or closing leaves them as they were; the team
filter uses the team's municipalities and members as they are today). Client names never
appear: a manager's name and a count are the finest grain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.db.models.functions import ExtractMonth, TruncMonth
from django.utils.formats import number_format

from clients.asof import municipality_on
from clients.models import Client, ConsultationParticipant
from clients.window import ENDS_SOON_DAYS, WINDOW_STATUS_LABELS, WindowStatus
from imcase.organisation.models import Municipality, Provider, ProviderArea, Role, StaffMember, Team
from plans.models import GoalField
from reporting.charts import BarChart
from reporting.cohorts import cohort_chart, cohorts
from reporting.kennzahlen.queries import Measure, Period, run
from reporting.kennzahlen.queries_contacts import contacts
from reporting.kennzahlen.queries_network import network_total, network_work
from reporting.kennzahlen.queries_plans import (
    goals_reached_by_field,
    independence_progress_by_field,
)
from reporting.scoping import FiguresScope

PLAN_DUE_DAYS = 56  # eight weeks from case opening
MONTHS = (
    "Jan.",
    "Feb.",
    "März",
    "Apr.",
    "Mai",
    "Juni",
    "Juli",
    "Aug.",
    "Sept.",
    "Okt.",
    "Nov.",
    "Dez.",
)
NO_WINDOW = "ohne Beratungszeitraum"


@dataclass(frozen=True)
class Filters:
    year: int
    provider: Provider | None = None
    team: Team | None = None
    municipality: Municipality | None = None


def _month_label(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _decimal(value: Decimal, places: int = 1) -> str:
    return number_format(value, decimal_pos=places, use_l10n=True)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


class Dashboard:
    """Builds the charts for one user's scope and filters on ``today``."""

    def __init__(self, scope: FiguresScope, filters: Filters, today: dt.date) -> None:
        self.scope = scope
        self.filters = filters
        self.today = today
        self.provider = scope.provider or filters.provider
        self.period = Period(scope.landkreis.pk, filters.year)

    # --- filters as SQL -----------------------------------------------------------------

    def municipality_ids(self, day: dt.date):
        """Municipality ids in the filters on ``day`` (a subquery), or None for the Kreis."""
        found = Municipality.objects.filter(landkreis=self.scope.landkreis)
        narrowed = False
        if self.provider is not None:
            served = ProviderArea.objects.active_on(day).filter(provider=self.provider)
            found = found.filter(pk__in=served.values("municipality_id"))
            narrowed = True
        if self.filters.team is not None:
            found = found.filter(teams=self.filters.team)
            narrowed = True
        if self.filters.municipality is not None:
            found = found.filter(pk=self.filters.municipality.pk)
            narrowed = True
        return found.values("pk") if narrowed else None

    def clients_in_scope(self):
        """The Kreis's clients (any status) living today in the filters' municipalities."""
        clients = Client.objects.filter(landkreis=self.scope.landkreis)
        municipalities = self.municipality_ids(self.today)
        if municipalities is not None:
            clients = clients.filter(municipality__in=municipalities)
        return clients

    def _open_clients(self):
        return self.clients_in_scope().filter(status=Client.Status.OPEN)

    def _narrowed(self, measure: Measure) -> Measure:
        """A Kennzahl measure (clients by their municipality on 31.12.) in the filters."""
        measure = measure.narrowed(self.provider.pk if self.provider else None)
        if self.filters.team is not None:
            measure = measure.narrowed(
                municipality_ids=self.filters.team.municipalities.values("pk")
            )
        if self.filters.municipality is not None:
            measure = measure.narrowed(municipality_ids=[self.filters.municipality.pk])
        return measure

    # --- charts ---------------------------------------------------------------------------

    def caseload(self) -> tuple[BarChart, BarChart]:
        """Open cases per manager and per VZÄ, and those still without a plan after eight
        weeks (one query for both)."""
        cutoff = self.today - dt.timedelta(days=PLAN_DUE_DAYS)
        in_scope = Q(user__caseload__status=Client.Status.OPEN)
        municipalities = self.municipality_ids(self.today)
        if municipalities is not None:
            in_scope &= Q(user__caseload__municipality__in=municipalities)
        staff = StaffMember.objects.filter(
            role__in=[Role.MANAGER, Role.TEAM_LEAD],
            provider__landkreis=self.scope.landkreis,
            user__isnull=False,
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=self.today))
        if self.provider is not None:
            staff = staff.filter(provider=self.provider)
        if self.filters.team is not None:
            staff = staff.filter(team=self.filters.team)
        no_plan = in_scope & Q(
            user__caseload__opened_on__lte=cutoff, user__caseload__plan__isnull=True
        )
        rows = (
            staff.annotate(
                cases=Count("user__caseload", filter=in_scope, distinct=True),
                without_plan=Count("user__caseload", filter=no_plan, distinct=True),
            )
            .values(
                "user__first_name",
                "user__last_name",
                "user__username",
                "team__name",
                "vza",
                "cases",
                "without_plan",
            )
            .order_by("user__last_name", "user__first_name", "pk")
        )
        lines = []
        for row in rows:
            name = (
                f"{row['user__first_name']} {row['user__last_name']}".strip()
                or row["user__username"]
            )
            vza = row["vza"]
            per_vza = (
                (Decimal(row["cases"]) / vza).quantize(Decimal("0.1"), ROUND_HALF_UP)
                if vza
                else None
            )
            lines.append(
                (name, row["team__name"] or "–", vza, row["cases"], per_vza, row["without_plan"])
            )
        caseload = BarChart(
            key="fallzahl",
            title="Fälle je Integrationsmanager:in",
            caption="Offene Fälle je Integrationsmanager:in und je VZÄ (Stand heute)",
            rows=[(line[0], line[3]) for line in lines],
            table_headers=("Integrationsmanager:in", "Team", "VZÄ", "offene Fälle", "Fälle je VZÄ"),
            table_rows=[
                (
                    n,
                    team,
                    "–" if vza is None else number_format(vza, decimal_pos=2, use_l10n=True),
                    cases,
                    "–" if per is None else per,
                )
                for n, team, vza, cases, per, _ in lines
            ],
            visible_table=True,
        )
        without_plan = BarChart(
            key="ohne-plan",
            title="Offene Fälle ohne Integrationsplan nach acht Wochen",
            caption=(
                "Offene Fälle, die vor mehr als acht Wochen eröffnet wurden und noch keinen "
                "Integrationsplan haben (Stand heute)"
            ),
            rows=[(line[0], line[5]) for line in lines],
            label_header="Integrationsmanager:in",
            value_header="Fälle ohne Plan",
        )
        return caseload, without_plan

    def window_status(self) -> BarChart:
        day = self.today
        soon = day + dt.timedelta(days=ENDS_SOON_DAYS)
        status = Case(
            When(window_start__isnull=True, then=Value(NO_WINDOW)),
            When(window_start__gt=day, then=Value(WindowStatus.NOT_STARTED.value)),
            When(window_end__lt=day, then=Value(WindowStatus.ENDED.value)),
            When(window_end__lte=soon, then=Value(WindowStatus.ENDS_SOON.value)),
            When(window_extended=True, then=Value(WindowStatus.EXTENDED.value)),
            default=Value(WindowStatus.IN_WINDOW.value),
        )
        counts = dict(
            self._open_clients()
            .annotate(k=status)
            .values("k")
            .annotate(n=Count("pk"))
            .values_list("k", "n")
            .order_by()
        )
        order = [
            WindowStatus.IN_WINDOW,
            WindowStatus.EXTENDED,
            WindowStatus.ENDS_SOON,
            WindowStatus.ENDED,
            WindowStatus.NOT_STARTED,
        ]
        rows = [(WINDOW_STATUS_LABELS[s], counts.get(s.value, 0)) for s in order]
        rows.append((NO_WINDOW, counts.get(NO_WINDOW, 0)))
        return BarChart(
            key="zeitraum",
            title="Offene Fälle nach Beratungszeitraum",
            caption="Offene Fälle nach Stand des Beratungszeitraums (Stand heute)",
            rows=rows,
            label_header="Beratungszeitraum",
        )

    def window_ends(self) -> BarChart:
        first = self.today.replace(day=1)
        after = _add_months(first, 12)
        counts = dict(
            self._open_clients()
            .filter(window_end__gte=first, window_end__lt=after)
            .annotate(month=TruncMonth("window_end"))
            .values("month")
            .annotate(n=Count("pk"))
            .values_list("month", "n")
            .order_by()
        )
        months = [_add_months(first, i) for i in range(12)]
        return BarChart(
            key="zeitraum-ende",
            title="Ende des Beratungszeitraums in den nächsten zwölf Monaten",
            caption="Offene Fälle nach Monat des letzten Beratungstags",
            rows=[(_month_label(m), counts.get(m, 0)) for m in months],
            label_header="Monat",
        )

    def contacts_per_month(self) -> BarChart:
        rows = contacts(self.period)
        if self.provider is not None:
            rows = rows.filter(provider=self.provider)
        if self.filters.team is not None:
            rows = rows.filter(recorded_by__staff__team=self.filters.team)
        if self.filters.municipality is not None:
            # where the participant lived on 31.12., as the Kennzahlen count him (``rows`` has
            # no withdrawn contact: all_objects spares the subquery a second join)
            rows = rows.filter(
                Exists(
                    ConsultationParticipant.all_objects.annotate(
                        lived_in=municipality_on(self.period.end, "client")
                    ).filter(consultation_id=OuterRef("pk"), lived_in=self.filters.municipality.pk)
                )
            )
        counts = dict(
            rows.annotate(month=ExtractMonth("date"))
            .values("month")
            .annotate(n=Count("pk"))
            .values_list("month", "n")
            .order_by()
        )
        return BarChart(
            key="kontakte",
            title=f"Beratungskontakte {self.filters.year} je Monat",
            caption=f"Geförderte Beratungskontakte im Jahr {self.filters.year} je Monat",
            rows=[(f"{MONTHS[m - 1]} {self.filters.year}", counts.get(m, 0)) for m in range(1, 13)],
            label_header="Monat",
        )

    def network_work(self) -> BarChart:
        """Network work as a share of documented working time, per provider (staff figures;
        the team and municipality filters do not apply: an activity has neither)."""
        period = dataclasses.replace(
            self.period, provider_id=self.provider.pk if self.provider else None
        )
        lines = network_work(period)
        names = dict(
            Provider.objects.filter(pk__in=[line.provider_id for line in lines]).values_list(
                "pk", "name"
            )
        )
        rows = [(names[line.provider_id], line) for line in lines]
        if len(lines) > 1:
            rows.append(("zusammen", network_total(lines)))
        return BarChart(
            key="netzwerkarbeit",
            title=f"Netzwerkarbeit {self.filters.year}: Anteil an der dokumentierten Arbeitszeit",
            caption=(
                f"Stunden Netzwerkarbeit {self.filters.year} je Träger, ihr Anteil an der "
                "dokumentierten Arbeitszeit (Netzwerkarbeit und Beratungskontakte) und je VZÄ"
            ),
            rows=[
                (name, line.share_percent or Decimal(0)) for name, line in rows if line.provider_id
            ],
            value_header="Anteil (%)",
            table_headers=(
                "Träger",
                "Aktivitäten",
                "Stunden Netzwerkarbeit",
                "Stunden Beratungskontakte",
                "Anteil Netzwerkarbeit",
                "VZÄ",
                "Stunden Netzwerkarbeit je VZÄ",
            ),
            table_rows=[
                (
                    name,
                    line.activities,
                    line.hours,
                    line.contact_hours,
                    "–" if line.share_percent is None else f"{_decimal(line.share_percent)} %",
                    _decimal(line.vza, 2),
                    "–" if line.hours_per_vza is None else line.hours_per_vza,
                )
                for name, line in rows
            ],
            visible_table=True,
            extra={"wide": True},  # seven columns: the whole width, also on a laptop
            note=(
                "Dokumentierte Arbeitszeit: Dauer der erfassten Netzwerkarbeit und der "
                "geförderten Beratungskontakte; zurückgenommene Einträge zählen nicht. Die "
                "Filter Team und Gemeinde wirken hier nicht."
            ),
            empty_text=f"Für {self.filters.year} ist keine Arbeitszeit dokumentiert.",
        )

    def _per_field(self, measure: Measure) -> dict[int, int]:
        found = run(self._narrowed(measure), by_provider=False)
        return {key[0]: value for key, value in found.items()}

    def goals_reached(self, fields: list[GoalField]) -> BarChart:
        counts = self._per_field(goals_reached_by_field(self.period))
        return BarChart(
            key="ziele",
            title=f"Erreichte Ziele {self.filters.year} je Handlungsfeld",
            caption=f"Ziele mit einer Auswertung „erreicht“ im Jahr {self.filters.year}",
            rows=[(f.name, counts.get(f.pk, 0)) for f in fields],
            label_header="Handlungsfeld",
        )

    def independence(self, fields: list[GoalField]) -> BarChart:
        counts = self._per_field(independence_progress_by_field(self.period))
        return BarChart(
            key="selbstaendigkeit",
            title=f"Gestiegene Selbständigkeit {self.filters.year} je Handlungsfeld",
            caption=(
                f"Personen, deren letzte Einschätzung im Jahr {self.filters.year} höher ist als "
                "die erste im selben Handlungsfeld"
            ),
            rows=[(f.name, counts.get(f.pk, 0)) for f in fields],
            label_header="Handlungsfeld",
            value_header="Personen",
        )

    def cohorts(self, as_of: dt.date | None = None) -> BarChart:
        """Outcomes by cohort (``reporting.cohorts``), on ``as_of`` (default: today)."""
        return cohort_chart(cohorts(self.clients_in_scope(), as_of or self.today))

    def charts(self) -> list[BarChart]:
        fields = list(GoalField.objects.filter(active=True).order_by("position", "name"))
        caseload, without_plan = self.caseload()
        return [
            caseload,
            self.network_work(),
            self.window_status(),
            self.window_ends(),
            without_plan,
            self.contacts_per_month(),
            self.goals_reached(fields),
            self.independence(fields),
            self.cohorts(),
        ]
