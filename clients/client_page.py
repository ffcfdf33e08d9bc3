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


def client_page_section(order: int) -> Callable[[SectionFunction], SectionFunction]:
    """Register a section of the client's page, shown by ascending ``order``."""

    def decorator(function: SectionFunction) -> SectionFunction:
        SECTIONS[f"{function.__module__}.{function.__qualname__}"] = ClientPageSection(
            order, function
        )
        return function

    return decorator


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
