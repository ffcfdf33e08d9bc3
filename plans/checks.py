"""Nightly deadline checks on Integrationspläne (see ``imcase.alerts.registry`` for how checks
work): a review date passed, a goal's target date passed, and a Sondierungsgespräch eight weeks
ago without any plan.

Every alert goes to whoever answers for the client (``CheckContext.client_recipients``: the
manager, or the team leads of the region when the client has none). Each condition is a window
("date passed and still open"), and the due date is a fixed date of the record, so a second run
of the same night finds the same keys and a missed night is caught up the next.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from clients.models import Client, Consultation, ConsultationParticipant
from imcase.alerts.context import CheckContext
from imcase.alerts.registry import Finding, check
from imcase.dates import german_date
from plans.models import Goal, GoalStatus, PlanVersion

PLAN_AFTER_EXPLORATORY_DAYS = 56  # eight weeks from the Sondierungsgespräch to the plan
# Goals with a result: their target date no longer matters.
FINISHED_GOAL_STATUSES = (
    GoalStatus.REACHED,
    GoalStatus.PARTLY_REACHED,
    GoalStatus.MISSED,
    GoalStatus.DROPPED,
)
GOAL_TEXT_IN_MESSAGE = 80

_CLIENT_FIELDS = (
    "id",
    "code",
    "aktenzeichen",
    "first_name",
    "last_name",
    "municipality_id",
    "manager_id",
)
_PLACEHOLDER = uuid.UUID(int=0)


def _who(client: Client) -> str:
    return f"{client.first_name} {client.last_name} ({client.aktenzeichen})"


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= GOAL_TEXT_IN_MESSAGE:
        return text
    return text[: GOAL_TEXT_IN_MESSAGE - 1].rstrip() + "…"


def _link_maker(url_name: str) -> Callable[[uuid.UUID], str]:
    """``reverse`` once per run, not once per record (the run builds thousands of links)."""
    template = reverse(url_name, args=[_PLACEHOLDER])
    return lambda code: template.replace(str(_PLACEHOLDER), str(code))


@check("plan_review_overdue", "Überprüfung des Integrationsplans überfällig")
def plan_review_overdue(ctx: CheckContext) -> Iterator[Finding]:
    """The current version of an open case's plan was due for review before today. The due
    date is the review date: moving it (or continuing the plan) ends the alert."""
    plan_link = _link_maker("plans:detail")
    versions = (
        PlanVersion.objects.review_overdue(ctx.today)
        .select_related("plan__client")
        .only(
            "id",
            "number",
            "agreed_on",
            "next_review_on",
            "plan__code",
            *(f"plan__client__{name}" for name in _CLIENT_FIELDS),
        )
        .order_by("pk")
    )
    for version in versions.iterator(chunk_size=2000):
        client = version.plan.client
        yield from ctx.findings(
            ctx.client_recipients(client),
            subject=version,
            due_date=version.next_review_on,
            message=f"Der Integrationsplan von {_who(client)} (Fassung {version.number} vom "
            f"{german_date(version.agreed_on)}) war bis "
            f"{german_date(version.next_review_on)} zu überprüfen. "
            "Bitte auswerten und fortschreiben oder den Termin der Überprüfung ändern.",
            link=plan_link(version.plan.code),
        )


@check("goal_target_passed", "Zieldatum eines Ziels überschritten")
def goal_target_date_passed(ctx: CheckContext) -> Iterator[Finding]:
    """A goal of the current version of an open case's plan has no result yet (not reached,
    partly reached, missed or dropped) and its target date lies before today."""
    goal_link = _link_maker("plans:goal")
    goals = (
        Goal.objects.filter(
            version__is_current=True,
            version__plan__client__status=Client.Status.OPEN,
            target_date__lt=ctx.today,
        )
        .exclude(status__in=FINISHED_GOAL_STATUSES)
        .select_related("version__plan__client")
        .only(
            "id",
            "code",
            "part",
            "text",
            "target_date",
            "version__id",
            *(f"version__plan__client__{name}" for name in _CLIENT_FIELDS),
        )
        .order_by("pk")
    )
    for goal in goals.iterator(chunk_size=2000):
        client = goal.version.plan.client
        yield from ctx.findings(
            ctx.client_recipients(client),
            subject=goal,
            due_date=goal.target_date,
            message=f"Das Ziel „{_shortened(goal.text)}“ (Teil {goal.part}) im Integrationsplan "
            f"von {_who(client)} hatte das Zieldatum {german_date(goal.target_date)}. "
            "Bitte auswerten.",
            link=goal_link(goal.code),
        )


@check("exploratory_without_plan", "Sondierungsgespräch ohne Integrationsplan")
def exploratory_talk_without_plan(ctx: CheckContext) -> Iterator[Finding]:
    """An open case without a plan whose first Sondierungsgespräch lies more than eight weeks
    back; due eight weeks after that talk. Creating the plan ends the alert."""
    first_talk = (
        ConsultationParticipant.objects.filter(
            client_id=OuterRef("pk"), consultation__kind=Consultation.Kind.EXPLORATORY
        )
        .order_by("consultation__date")
        .values("consultation__date")[:1]
    )
    clients = (
        Client.objects.filter(status=Client.Status.OPEN, plan__isnull=True)
        .only(*_CLIENT_FIELDS)
        .annotate(first_talk=Subquery(first_talk))
        .filter(first_talk__lt=ctx.today - dt.timedelta(days=PLAN_AFTER_EXPLORATORY_DAYS))
        .order_by("pk")
    )
    for client in clients.iterator(chunk_size=2000):
        due = client.first_talk + dt.timedelta(days=PLAN_AFTER_EXPLORATORY_DAYS)
        yield from ctx.for_client(
            client,
            subject=client,
            due_date=due,
            message=f"Mit {_who(client)} fand am {german_date(client.first_talk)} das "
            f"Sondierungsgespräch statt; bis {german_date(due)} (acht Wochen) sollte ein "
            "Integrationsplan vereinbart sein. Es gibt noch keinen.",
        )
