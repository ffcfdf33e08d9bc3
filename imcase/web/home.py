"""The home page: panels per role, registered by the apps that own their data.

The core knows no case app, so it cannot build a manager's page itself. Each app puts what it
has to show on someone's home page into its ``panels.py`` (found at start-up by
``discover_panels``)::

    from imcase.organisation.models import Role
    from imcase.web.home import home_panel

    @home_panel(Role.MANAGER, order=10)
    def my_clients(request, scope):
        mine = Client.objects.visible_to(request.user).filter(manager=request.user)
        return "clients/panels/manager.html", {"my_clients": mine[:25]}

A panel function gets the request and the user's ``scope`` and returns the template of its
fragment and the fragment's context (or None to show nothing). The page shows the panels of
the user's role by ascending ``order``; the core's own panels (the heading at 0, the
municipalities) are in ``imcase/web/panels.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString

from imcase.organisation.access import Scope

PanelFunction = Callable[[Any, Scope], "tuple[str, dict[str, Any]] | None"]


@dataclass(frozen=True)
class Panel:
    role: str
    order: int
    function: PanelFunction


PANELS: dict[str, Panel] = {}


def home_panel(role: str, order: int) -> Callable[[PanelFunction], PanelFunction]:
    """Register a panel on the home page of ``role``, shown by ascending ``order``."""

    def decorator(function: PanelFunction) -> PanelFunction:
        key = f"{role}:{function.__module__}.{function.__qualname__}"
        PANELS[key] = Panel(role=role, order=order, function=function)
        return function

    return decorator


def discover_panels() -> None:
    """Import ``<app>.panels`` of every installed app (called once from AppConfig.ready)."""
    autodiscover_modules("panels")


def panels_for(role: str | None) -> list[Panel]:
    return sorted((p for p in PANELS.values() if p.role == role), key=lambda p: p.order)


def render_panels(request, scope: Scope) -> list[SafeString]:
    """The role's panels as HTML fragments, in order. They are rendered without the request's
    context processors (the page around them has those once); ``user`` is in every context."""
    fragments = []
    for panel in panels_for(scope.role):
        content = panel.function(request, scope)
        if content is None:
            continue
        template, context = content
        # render_to_string returns the auto-escaped fragment as a SafeString.
        fragments.append(render_to_string(template, {"user": request.user, **context}))
    return fragments
