"""Nightly deadline checks on clients (see ``imcase.alerts.registry`` for how checks work).

Each check yields what holds on ``ctx.today`` as a window ("ends within 30 days", "waiting for
more than 14 days"), so a night that was missed is caught up by the next one. Alerts go to the
client's manager; for a client without one, to the team leads of the region that has the
client's municipality.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import DateField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client, ConsultationParticipant, WindowExtension
from imcase.alerts.context import CheckContext
from imcase.alerts.registry import Finding, check
from imcase.counted import counted
from imcase.dates import german_date
from imcase.organisation.models import ProviderArea

FIRST_REMINDER_DAYS = 90
LAST_REMINDER_DAYS = 30
EXTENSION_DECISION_DAYS = 14
NO_CONTACT_DAYS = 90

_CLIENT_FIELDS = (
    "id",
    "code",
    "aktenzeichen",
    "first_name",
    "last_name",
    "municipality_id",
    "manager_id",
    "window_end",
    "opened_on",
)


def _who(client: Client) -> str:
    return f"{client.first_name} {client.last_name} ({client.aktenzeichen})"


def open_cases():
    return Client.objects.filter(status=Client.Status.OPEN).only(*_CLIENT_FIELDS)


@check("window_ends_90", "Beratungszeitraum endet in 90 Tagen")
def window_ends_within_90_days(ctx: CheckContext) -> Iterator[Finding]:
    """The last counselling day is 31 to 90 days away (from 30 days the last reminder
    takes over and this alert becomes obsolete)."""
    clients = open_cases().filter(
        window_end__gt=ctx.today + dt.timedelta(days=LAST_REMINDER_DAYS),
        window_end__lte=ctx.today + dt.timedelta(days=FIRST_REMINDER_DAYS),
    )
    for client in clients.iterator(chunk_size=2000):
        days = (client.window_end - ctx.today).days
        yield from ctx.for_client(
            client,
            subject=client,
            due_date=client.window_end,
            message=f"Der Beratungszeitraum von {_who(client)} endet am "
            f"{german_date(client.window_end)} (in {counted(days, 'Tag', 'Tagen')}).",
        )


@check("window_ends_30", "Beratungszeitraum endet in 30 Tagen")
def window_ends_within_30_days(ctx: CheckContext) -> Iterator[Finding]:
    """The last counselling day is today or at most 30 days away."""
    clients = open_cases().filter(
        window_end__gte=ctx.today,
        window_end__lte=ctx.today + dt.timedelta(days=LAST_REMINDER_DAYS),
    )
    for client in clients.iterator(chunk_size=2000):
        days = (client.window_end - ctx.today).days
        when = "heute" if days == 0 else f"in {counted(days, 'Tag', 'Tagen')}"
        yield from ctx.for_client(
            client,
            subject=client,
            due_date=client.window_end,
            message=f"Der Beratungszeitraum von {_who(client)} endet am "
            f"{german_date(client.window_end)} ({when}). "
            "Bitte Ausleitung oder Verlängerung vorbereiten.",
        )


@check("window_ended", "Beratungszeitraum beendet, Ausleitung fehlt")
def window_ended_without_closing(ctx: CheckContext) -> Iterator[Finding]:
    """The case is still open after its last counselling day: the Ausleitung is due the
    day after."""
    clients = open_cases().filter(window_end__lt=ctx.today)
    for client in clients.iterator(chunk_size=2000):
        yield from ctx.for_client(
            client,
            subject=client,
            due_date=client.window_end + dt.timedelta(days=1),
            message=f"Der Beratungszeitraum von {_who(client)} endete am "
            f"{german_date(client.window_end)}; die Ausleitung fehlt noch.",
        )


@check("extension_waiting", "Verlängerungsantrag wartet auf Entscheidung")
def extension_waiting_for_decision(ctx: CheckContext) -> Iterator[Finding]:
    """A pending extension request older than 14 days goes to the team leads of the region
    (never to the requester: four-eyes principle)."""
    cutoff = timezone.make_aware(
        dt.datetime.combine(ctx.today - dt.timedelta(days=EXTENSION_DECISION_DAYS), dt.time.min)
    )
    requests = (
        WindowExtension.objects.filter(
            decision=WindowExtension.Decision.PENDING,
            requested_at__lt=cutoff,
            client__status=Client.Status.OPEN,
        )
        .select_related("client")
        .only("pk", "requested_at", "requested_by_id", *(f"client__{f}" for f in _CLIENT_FIELDS))
    )
    for extension in requests.iterator(chunk_size=2000):
        client = extension.client
        requested_on = timezone.localdate(extension.requested_at)
        yield from ctx.findings(
            ctx.team_leads_of_region(client.municipality_id),
            subject=extension,
            due_date=requested_on + dt.timedelta(days=EXTENSION_DECISION_DAYS),
            message=f"Die Verlängerung für {_who(client)} ist seit {german_date(requested_on)} "
            f"beantragt und noch nicht entschieden.",
            link=ctx.client_link(client),
            exclude=[extension.requested_by_id],
        )


@check("no_contact", "Seit 90 Tagen kein Kontakt")
def no_contact_for_90_days(ctx: CheckContext) -> Iterator[Finding]:
    """An open case in its window whose last contact by the provider serving it today (or
    the case opening, if there was none) lies more than 90 days back."""
    provider_today = ProviderArea.objects.active_on(ctx.today).filter(
        municipality_id=OuterRef("municipality_id")
    )
    last_contact = (
        ConsultationParticipant.objects.filter(
            client_id=OuterRef("pk"),
            consultation__provider_id=OuterRef("provider_today"),
        )
        .order_by("-consultation__date")
        .values("consultation__date")[:1]
    )
    cutoff = ctx.today - dt.timedelta(days=NO_CONTACT_DAYS)
    # Left out first, in one pass over the recent contacts: the cases with a contact since then
    # by a provider serving their municipality today (there is one at a time: ProviderArea's
    # validation refuses overlaps); the last contact is looked up only for the others (for all
    # open cases that took 1.7 s at 50,000 clients).
    served_today = ProviderArea.objects.active_on(ctx.today).filter(
        municipality_id=OuterRef("client__municipality_id"),
        provider_id=OuterRef("consultation__provider_id"),
    )
    counselled = (
        ConsultationParticipant.objects.filter(consultation__date__gte=cutoff)
        .filter(Exists(served_today))
        .values("client_id")
    )
    clients = (
        open_cases()
        .filter(
            Q(window_start__isnull=True) | Q(window_start__lte=ctx.today),
            Q(window_end__isnull=True) | Q(window_end__gte=ctx.today),
        )
        .exclude(pk__in=counselled)
        .annotate(provider_today=Subquery(provider_today.values("provider_id")[:1]))
        .annotate(last_contact=Subquery(last_contact))
        .annotate(since=Coalesce("last_contact", "opened_on", output_field=DateField()))
        .filter(since__lt=cutoff)
    )
    for client in clients.iterator(chunk_size=2000):
        contact = "letzter Kontakt" if client.last_contact else "Fall eröffnet, noch kein Kontakt"
        yield from ctx.for_client(
            client,
            subject=client,
            due_date=client.since + dt.timedelta(days=NO_CONTACT_DAYS),
            message=f"Mit {_who(client)} gab es seit über {NO_CONTACT_DAYS} Tagen keinen "
            f"Kontakt ({contact} am {german_date(client.since)}).",
        )
