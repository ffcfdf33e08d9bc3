"""Every read of a person's data is audited, declared where the URL is declared.

An app whose pages show persons (``clients``, ``plans``) declares each URL pattern with
``audited_path`` instead of ``path``; its ``reads`` argument is required and says what a
successful answer (HTTP 200) shows:

- ``Reads(what, subjects, event)``: the page shows a person's data. ``subjects(request, kwargs)``
  (a function of the app) names the persons (or, for a list, the Kreis searched in); after a 200
  answer one ``view`` entry per subject is written, with ``what`` (German) in its details.
- ``WRITES_ONLY``: a POST action that answers with a redirect (or its form with errors, 400);
  the change is audited by the service. Should it ever answer 200, it fails loudly.
- ``NoPersonData(reason)``: a page that shows no stored person data (an upload form).
- ``AuditedByView(reason)``: a download whose view writes a more precise entry itself (the
  export, with the number of rows); the walk test checks that it does.

The view itself records nothing, so it cannot forget to; a URL without a declaration does not
import, and ``tests/test_audit_reads.py`` walks every pattern. A 404, a redirect or a refused
request writes nothing, so an outsider's probe leaves no entry about a foreign person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

from imcase.audit.models import AuditEntry
from imcase.audit.services import record_many


@dataclass(frozen=True)
class Shown:
    """One object whose data a page showed: the person (or the Kreis of a list)."""

    obj: models.Model
    label: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


Subjects = Callable[[HttpRequest, Mapping[str, Any]], Iterable[Shown]]


@dataclass(frozen=True)
class Reads:
    """A page that shows persons' data: ``what`` in German, for the entry's details."""

    what: str
    subjects: Subjects
    event: str


@dataclass(frozen=True)
class NoPersonData:
    """A page that shows no stored person data; ``reason`` says why (for the reader)."""

    reason: str


@dataclass(frozen=True)
class WritesOnly:
    """A POST action: its change is audited by the service, it shows no page itself."""


WRITES_ONLY = WritesOnly()


@dataclass(frozen=True)
class AuditedByView:
    """A download whose view writes its own, more precise entry; ``reason`` says which."""

    reason: str


Declaration = Reads | NoPersonData | WritesOnly | AuditedByView


def audited_read(reads: Reads) -> Callable:
    """Decorate a view: after a 200 answer, one ``view`` entry per subject the page showed."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                shown = list(reads.subjects(request, kwargs))
                record_many(
                    request.user,
                    (
                        (
                            AuditEntry.Action.VIEW,
                            item.obj,
                            item.label,
                            {"event": reads.event, "read": reads.what, **item.detail},
                        )
                        for item in shown
                    ),
                )
            return response

        return wrapped

    return decorator


def _writes_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            # A page shown here would not be audited: declare it with Reads instead.
            raise ImproperlyConfigured(
                f"{view.__qualname__} is declared WRITES_ONLY but answered 200 with a page."
            )
        return response

    return wrapped


def audited_path(route: str, view: Callable, *, name: str, reads: Declaration) -> URLPattern:
    """``path()`` for a pattern whose audit behaviour is declared (see the module docstring)."""
    if isinstance(reads, Reads):
        wrapped = audited_read(reads)(view)
    elif isinstance(reads, WritesOnly):
        wrapped = _writes_only(view)
    elif isinstance(reads, NoPersonData | AuditedByView):
        wrapped = view
    else:
        raise ImproperlyConfigured(
            f"URL {name!r}: reads= must be Reads, WRITES_ONLY, NoPersonData or AuditedByView."
        )
    pattern = path(route, wrapped, name=name)
    pattern.audit = reads
    return pattern
