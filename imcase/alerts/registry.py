"""The registry of nightly deadline checks: each check is one small named function.

A check lives in its app's ``checks.py`` (found automatically at start-up) and looks like::

    from imcase.alerts.registry import check

    @check("plan_review_overdue", "Überprüfung des Integrationsplans überfällig")
    def plan_review_overdue(ctx):
        for version in PlanVersion.objects.review_overdue(ctx.today).select_related("plan__client"):
            client = version.plan.client
            yield from ctx.for_client(
                client,
                subject=version,
                due_date=version.next_review_on,
                message=f"Integrationsplan von {client.full_name} war bis … zu überprüfen.",
            )

A check receives a ``CheckContext`` (``ctx.today`` and the helpers that find the right people)
and yields every ``Finding`` that holds on ``ctx.today`` — all of them, not only the new ones:
write the condition as a window ("due date passed and case still open"), never as "exactly N
days from today", so a missed night is caught up the next. The nightly run stores each finding
once (per recipient, subject, kind and due date) and marks open alerts whose finding has gone
as obsolete.

Some alerts are not deadlines but events (an Aktenzeichen clash on the new-person form): their
kinds are registered with ``alert_kind`` and raised by ``services.raise_alert`` at once; the
nightly run leaves them alone, since no check yields them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from imcase.alerts.context import CheckContext

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Finding:
    """One deadline for one person. ``recipient_id`` None means nobody could be found to tell
    (for example no team lead for the municipality); the run counts it but stores nothing."""

    recipient_id: int | None
    subject: models.Model
    due_date: dt.date
    message: str
    link: str = ""


CheckFunction = Callable[["CheckContext"], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    kind: str
    label: str
    function: CheckFunction

    def run(self, ctx: CheckContext) -> Iterable[Finding]:
        return self.function(ctx)


CHECKS: dict[str, Check] = {}


def check(kind: str, label: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check. ``kind`` is stored on its alerts (lower case, at most 40 characters);
    ``label`` is the German title shown in the list and the e-mail."""
    if not KIND_PATTERN.match(kind):
        raise ValueError(f"Ungültige Art {kind!r}: Kleinbuchstaben, Ziffern, _; höchstens 40.")

    def decorator(function: CheckFunction) -> CheckFunction:
        if kind in EVENT_KINDS or (kind in CHECKS and CHECKS[kind].function is not function):
            raise ValueError(f"Die Prüfung {kind!r} ist schon registriert.")
        CHECKS[kind] = Check(kind=kind, label=label, function=function)
        return function

    return decorator


def discover_checks() -> None:
    """Import ``<app>.checks`` of every installed app (called once from AppConfig.ready)."""
    autodiscover_modules("checks")


def all_checks() -> list[Check]:
    return list(CHECKS.values())


# Kinds raised by an event rather than by a nightly check: kind → German label.
EVENT_KINDS: dict[str, str] = {}


def alert_kind(kind: str, label: str) -> str:
    """Register the kind of an alert raised by an event; returns ``kind`` (for a constant)."""
    if not KIND_PATTERN.match(kind):
        raise ValueError(f"Ungültige Art {kind!r}: Kleinbuchstaben, Ziffern, _; höchstens 40.")
    if kind in CHECKS or EVENT_KINDS.get(kind, label) != label:
        raise ValueError(f"Die Art {kind!r} ist schon registriert.")
    EVENT_KINDS[kind] = label
    return kind


def label_for(kind: str) -> str:
    registered = CHECKS.get(kind)
    return registered.label if registered else EVENT_KINDS.get(kind, kind)
