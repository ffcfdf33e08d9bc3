"""Nightly deadline checks on Integrationspläne (see ``imcase.alerts.registry`` for how checks
work): a review date passed, a goal's target date passed, and a Sondierungsgespräch eight weeks
ago without any plan.

Every alert goes to whoever answers for the client (``CheckContext.client_recipients``: the
manager, or the team leads of the region when the client has none). Each condition is a window
("date passed and still open"), and the due date is a fixed date of the record, so a second run
of the same night finds the same keys and a missed night is caught up the next.

A message never quotes a goal's text (it may say more about the person than an alert needs):
a goal is named by its number in its part and its Handlungsfeld, "Ziel 2 (Sprache) in Teil A",
numbered as the plan's PDF numbers it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse

from clients.models import Client, Consultation, ConsultationParticipant
from imcase.alerts.context import CheckContext
from imcase.alerts.registry import Finding, check
from imcase.alerts.scope import person_records
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


def goal_label(number: int, field_name: str, part: str) -> str:
    """How an alert names a goal: by position and Handlungsfeld, never by its text."""
    return f"Ziel {number} ({field_name}) in Teil {part}"


def _goal_number():
    """The position of a goal with a target date in its part of the version, in the order the
    plan page and its PDF list them (``plans.queries.goals_of``: target date, then entry;
    goals without a date come last)."""
    earlier = (
        Goal.objects.filter(version_id=OuterRef("version_id"), part=OuterRef("part"))
        .filter(
            Q(target_date__lt=OuterRef("target_date"))
            | Q(target_date=OuterRef("target_date"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("version_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(earlier)


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
        .select_related("version__plan__client", "field")
        .annotate(number=_goal_number())
        .only(
            "id",
            "code",
            "part",
            "target_date",
            "field__name",
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
            message=f"{goal_label(goal.number, goal.field.name, goal.part)} im "
            f"Integrationsplan von {_who(client)} hatte das Zieldatum "
            f"{german_date(goal.target_date)}. Bitte auswerten.",
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
    before = ctx.today - dt.timedelta(days=PLAN_AFTER_EXPLORATORY_DAYS)
    # the first talk lies before the day if any talk does: narrows the cases in one pass over
    # the talks before the first talk is looked up per case (for all open cases: 1.9 s of
    # lookups at 50,000 clients)
    talked = ConsultationParticipant.objects.filter(
        consultation__kind=Consultation.Kind.EXPLORATORY, consultation__date__lt=before
    ).values("client_id")
    clients = (
        Client.objects.filter(status=Client.Status.OPEN, plan__isnull=True, pk__in=talked)
        .only(*_CLIENT_FIELDS)
        .annotate(first_talk=Subquery(first_talk))
        .filter(first_talk__lt=before)
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


@person_records("plans")
def plan_records(person_id: int):
    """A client's plan versions and goals, whose alerts follow him (``imcase.alerts.scope``)."""
    yield PlanVersion, PlanVersion.objects.filter(plan__client_id=person_id).values("pk")
    yield Goal, Goal.objects.filter(version__plan__client_id=person_id).values("pk")
