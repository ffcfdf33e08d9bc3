"""Whose data each plan page shows, for the audit log (``imcase.audit.reads``).

Called after the view answered 200, with the URL's arguments; the plan, goal and PDF pages
all show one person's plan, so each returns that client, with the plan version shown.
``plans/urls.py`` ties them to the URL patterns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from clients.models import Client
from imcase.audit.reads import Shown
from plans.models import Goal, PlanVersion


def _version(version: PlanVersion) -> list[Shown]:
    person = version.plan.client
    return [Shown(person, person.aktenzeichen, {"version": version.number})]


def plan_version(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """The plan named by ``code``: the version ``number`` if given, else the current one."""
    versions = PlanVersion.objects.visible_to(request.user).select_related("plan__client")
    found = versions.filter(plan__code=kwargs["code"])
    if kwargs.get("number") is not None:
        return _version(found.get(number=kwargs["number"]))
    return _version(found.get(is_current=True))


def plan_of_goal(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """The current plan page a goal's form comes back on (the step and evaluation forms)."""
    version = (
        PlanVersion.objects.visible_to(request.user)
        .select_related("plan__client")
        .get(is_current=True, plan__versions__goals__code=kwargs["code"])
    )
    return _version(version)


def goal(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """The goal page: the goal with its steps and evaluations, of its plan's version."""
    found = Goal.objects.select_related("version__plan__client").get(
        code=kwargs["code"], version__in=PlanVersion.objects.visible_to(request.user)
    )
    person = found.version.plan.client
    return [
        Shown(
            person, person.aktenzeichen, {"version": found.version.number, "goal": str(found.code)}
        )
    ]


def client_for_new_plan(request: HttpRequest, kwargs: Mapping[str, Any]) -> list[Shown]:
    """The form that starts a plan names the person."""
    person = Client.objects.visible_to(request.user).get(code=kwargs["client_code"])
    return [Shown(person, person.aktenzeichen)]
