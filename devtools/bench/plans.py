"""Benchmarks of the Integrationsplan: the plan page and the PDF of a plan with about ten
goals, as the demo manager. Registered on import (see ``devtools.bench.runner``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse

from devtools.bench.runner import BenchError, benchmark, get_page
from plans.defaults import ensure_default_fields
from plans.models import Goal, GoalStatus, Plan, Step

GOALS = 10


def plan_with_goals(username: str = "manager", goals: int = GOALS) -> Plan:
    """The visible plan whose current version has the most goals, topped up to ``goals`` goals
    (only in the bench database: ``manage.py bench`` refuses any other)."""
    user = get_user_model().objects.get(username=username)
    plan = (
        Plan.objects.visible_to(user)
        .annotate(goal_count=Count("versions__goals", filter=Q(versions__is_current=True)))
        .order_by("-goal_count", "pk")
        .first()
    )
    if plan is None:
        raise BenchError(
            f"„{username}“ sieht keinen Integrationsplan: seed_demo legt die Demo-Pläne an "
            "(devtools.demo.plans.build_demo_plans)."
        )
    version = plan.versions.get(is_current=True)
    missing = goals - version.goals.count()
    if missing > 0:
        fields = list(ensure_default_fields().values())
        added = Goal.objects.bulk_create(
            Goal(
                version=version,
                part="AB"[n % 2],
                field=fields[n % len(fields)],
                text=f"Benchmark-Ziel {n + 1}: Anmeldung und Teilnahme am Kurs",
                target_date=version.agreed_on + dt.timedelta(days=90 + 30 * n),
                status=GoalStatus.IN_PROGRESS,
            )
            for n in range(missing)
        )
        Step.objects.bulk_create(
            Step(goal=goal, what="Unterlagen zusammenstellen", due_on=goal.target_date)
            for goal in added
        )
    return plan


@benchmark("Integrationsplan mit 10 Zielen (manager)")
def _plan_page():
    return get_page("manager", reverse("plans:detail", args=[plan_with_goals().code]))


@benchmark("Integrationsplan als PDF, 10 Ziele (manager)")
def _plan_pdf():
    return get_page("manager", reverse("plans:pdf", args=[plan_with_goals().code]))
