"""Sections that other apps add to a client's page, so that ``clients`` needs to know none of
them (the plans app shows the client's Integrationsplan here).

A section lives in its app's ``client_page.py`` (found at start-up by
``discover_client_page_sections``)::

    from clients.client_page import client_page_section

    @client_page_section(order=10)
    def plan_summary(user, client, today):
        return "plans/_plan_summary.html", {"client": client, ...}

It gets the viewing user, the client (already checked to be visible to him) and today, and
returns its template and context (or None to show nothing). The page shows the sections by
ascending ``order`` with ``{% client_page_sections user client today %}``.

An app adds a button to the row of actions under the client's name the same way (shown after
the clients app's own actions, by ascending ``order``; keep it free of queries)::

    @client_page_action(order=10)
    def plan_link(user, client, today):
        return ClientPageAction("Integrationsplan", "#integrationsplan")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString, mark_safe

from clients.models import Client

SectionFunction = Callable[[Any, Client, dt.date], "tuple[str, dict[str, Any]] | None"]


@dataclass(frozen=True)
class ClientPageSection:
    order: int
    function: SectionFunction


SECTIONS: dict[str, ClientPageSection] = {}


@dataclass(frozen=True)
class ClientPageAction:
    """A link in the row of actions of the client page (a URL or an anchor on the page)."""

    label: str
    url: str


ActionFunction = Callable[[Any, Client, dt.date], "ClientPageAction | None"]
ACTIONS: dict[str, tuple[int, ActionFunction]] = {}


def client_page_section(order: int) -> Callable[[SectionFunction], SectionFunction]:
    """Register a section of the client's page, shown by ascending ``order``."""

    def decorator(function: SectionFunction) -> SectionFunction:
        SECTIONS[f"{function.__module__}.{function.__qualname__}"] = ClientPageSection(
            order, function
        )
        return function

    return decorator


def client_page_action(order: int) -> Callable[[ActionFunction], ActionFunction]:
    """Register an action of the client's page, shown by ascending ``order``."""

    def decorator(function: ActionFunction) -> ActionFunction:
        ACTIONS[f"{function.__module__}.{function.__qualname__}"] = (order, function)
        return function

    return decorator


def client_page_actions(user, client: Client, today: dt.date) -> list[ClientPageAction]:
    """The registered actions for this user and client, in order (None ones left out)."""
    found = (function(user, client, today) for _, function in sorted(ACTIONS.values(), key=_first))
    return [action for action in found if action is not None]


def _first(entry: tuple[int, ActionFunction]) -> int:
    return entry[0]


def discover_client_page_sections() -> None:
    """Import ``<app>.client_page`` of every installed app (called once from AppConfig.ready)."""
    autodiscover_modules("client_page")


def render_client_page_sections(user, client: Client, today: dt.date) -> SafeString:
    fragments = []
    for section in sorted(SECTIONS.values(), key=lambda entry: entry.order):
        content = section.function(user, client, today)
        if content is not None:
            template, context = content
            fragments.append(render_to_string(template, context))
    # Each fragment is a template rendered with auto-escaping.
    return mark_safe("".join(fragments))  # noqa: S308
