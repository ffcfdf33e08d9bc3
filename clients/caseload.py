"""The caseload ("Meine Fälle – fällig"): what needs the user's attention today, one section
per reason (a client may appear in several).

Each section is a small named function registered here, in the order the page shows it. The
clients app registers its own below; another app adds its sections in its ``caseload.py``
(found at start-up by ``discover_caseload_sections``), for example::

    from clients.caseload import CaseloadSection, caseload_clients, caseload_section, section

    @caseload_section(order=60)
    def overdue_reviews(user, today) -> CaseloadSection:
        return section("planueberpruefung", "Planüberprüfung überfällig", "fällig seit",
                       caseload_clients(user).filter(...), lambda client: ...)

A section costs one query, plus a count when it is longer than its limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.dateformat import format as format_date
from django.utils.module_loading import autodiscover_modules
from django.utils.timezone import localtime

from clients.models import Client, Consultation, WindowExtension
from clients.window import ENDS_SOON_DAYS, WindowStatus
from imcase.counted import counted
from imcase.dates import german_date
from imcase.organisation.access import scope_for
from imcase.organisation.models import Role

NO_CONTACT_DAYS = 90
APPOINTMENT_DAYS = 14
SECTION_LIMIT = 100


@dataclass
class CaseloadRow:
    client: Client
    detail: str


@dataclass
class CaseloadSection:
    key: str
    title: str
    detail_label: str
    rows: list[CaseloadRow] = field(default_factory=list)
    count: int = 0

    @property
    def truncated(self) -> bool:
        return self.count > len(self.rows)


SectionFunction = Callable[[object, dt.date], CaseloadSection]


@dataclass(frozen=True)
class RegisteredSection:
    order: int
    function: SectionFunction


SECTIONS: dict[str, RegisteredSection] = {}


def caseload_section(order: int) -> Callable[[SectionFunction], SectionFunction]:
    """Register a section: ``function(user, today)`` returns its ``CaseloadSection``; sections
    are shown by ascending ``order``."""

    def decorator(function: SectionFunction) -> SectionFunction:
        SECTIONS[f"{function.__module__}.{function.__qualname__}"] = RegisteredSection(
            order, function
        )
        return function

    return decorator


def discover_caseload_sections() -> None:
    """Import ``<app>.caseload`` of every installed app (called once from AppConfig.ready)."""
    autodiscover_modules("caseload")


def caseload_sections(user, today: dt.date) -> list[CaseloadSection]:
    """Every registered section for ``user`` on ``today``, in their order."""
    registered = sorted(SECTIONS.values(), key=lambda entry: entry.order)
    return [entry.function(user, today) for entry in registered]


def caseload_clients(user) -> QuerySet:
    """Open cases the user answers for: a manager's own clients; a team lead's team region."""
    clients = Client.objects.visible_to(user).filter(status=Client.Status.OPEN)
    if scope_for(user).role == Role.MANAGER:
        clients = clients.filter(manager=user)
    return clients.select_related("municipality", "manager")


def section(
    key: str,
    title: str,
    detail_label: str,
    queryset: QuerySet,
    detail: Callable[[Client], str],
    limit: int = SECTION_LIMIT,
) -> CaseloadSection:
    """A section of at most ``limit`` rows from ``queryset`` (already ordered), each with the
    text ``detail(client)``; the count is exact even when the list is cut."""
    rows = list(queryset[:limit])
    count = len(rows) if len(rows) < limit else queryset.count()
    return CaseloadSection(
        key=key,
        title=title,
        detail_label=detail_label,
        rows=[CaseloadRow(client, detail(client)) for client in rows],
        count=count,
    )


def _visible_consultations(user) -> QuerySet:
    return Consultation.objects.visible_to(user).filter(participants__client=OuterRef("pk"))


@caseload_section(order=10)
def window_ends_soon(user, today: dt.date) -> CaseloadSection:
    clients = caseload_clients(user).with_window_status(WindowStatus.ENDS_SOON, today)
    return section(
        "endet",
        f"Beratungszeitraum endet in den nächsten {ENDS_SOON_DAYS} Tagen",
        "letzter Beratungstag",
        clients.order_by("window_end", "last_name", "pk"),
        lambda c: (
            f"{german_date(c.window_end)} "
            f"(noch {counted((c.window_end - today).days, 'Tag', 'Tage')})"
        ),
    )


@caseload_section(order=20)
def window_ended(user, today: dt.date) -> CaseloadSection:
    clients = caseload_clients(user).with_window_status(WindowStatus.ENDED, today)
    return section(
        "beendet",
        "Beratungszeitraum beendet, Ausleitung fehlt",
        "letzter Beratungstag",
        clients.order_by("window_end", "last_name", "pk"),
        lambda c: german_date(c.window_end),
    )


@caseload_section(order=30)
def extension_requested(user, today: dt.date) -> CaseloadSection:
    pending = WindowExtension.objects.filter(
        client=OuterRef("pk"), decision=WindowExtension.Decision.PENDING
    ).values("requested_at")[:1]
    clients = (
        caseload_clients(user)
        .annotate(extension_requested_at=Subquery(pending))
        .filter(extension_requested_at__isnull=False)
        .order_by("extension_requested_at", "pk")
    )
    return section(
        "verlaengerung",
        "Verlängerung beantragt, noch nicht entschieden",
        "beantragt am",
        clients,
        lambda c: german_date(localtime(c.extension_requested_at).date()),
    )


@caseload_section(order=40)
def appointments(user, today: dt.date) -> CaseloadSection:
    soonest = (
        _visible_consultations(user)
        .filter(next_appointment__date__gte=today)
        .order_by("next_appointment")
        .values("next_appointment")[:1]
    )
    clients = (
        caseload_clients(user)
        .annotate(upcoming_appointment=Subquery(soonest))
        .filter(upcoming_appointment__date__lte=today + dt.timedelta(days=APPOINTMENT_DAYS))
        .order_by("upcoming_appointment", "pk")
    )
    return section(
        "termine",
        f"Termine in den nächsten {APPOINTMENT_DAYS} Tagen",
        "nächster Termin",
        clients,
        lambda c: format_date(localtime(c.upcoming_appointment), "d.m.Y, H:i") + " Uhr",
    )


@caseload_section(order=50)
def no_contact(user, today: dt.date) -> CaseloadSection:
    latest = _visible_consultations(user).order_by("-date").values("date")[:1]
    clients = (
        caseload_clients(user)
        .annotate(last_contact=Subquery(latest))
        .filter(
            Q(last_contact__isnull=True)
            | Q(last_contact__lt=today - dt.timedelta(days=NO_CONTACT_DAYS))
        )
        .order_by(F("last_contact").asc(nulls_first=True), "last_name", "pk")
    )
    return section(
        "ohne-kontakt",
        f"Seit {NO_CONTACT_DAYS} Tagen kein Kontakt",
        "letzter Kontakt",
        clients,
        lambda c: german_date(c.last_contact) if c.last_contact else "noch kein Kontakt",
    )
