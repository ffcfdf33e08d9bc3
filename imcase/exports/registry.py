"""Exports: one class per export, registered under its identifier.

An export lives in its app's ``exports.py`` (found automatically at start-up)::

    from imcase.exports.registry import Export, register_export

    @register_export
    class KennzahlenExport(Export):
        identifier = "kennzahlentabelle"
        verbose_name = "Kennzahlentabelle"

        def allowed(self, user) -> bool:
            return scope_for(user).role == Role.OFFICE

        def clean_params(self, user, data) -> dict:
            return {"year": int(data["jahr"])}  # raise ExportParamsError on bad input

        def filename(self, params) -> str:
            return f"kennzahlen-{params['year']}.xlsx"

        def write(self, user, params, out, progress) -> int:
            ...  # write the workbook to ``out``; call progress(done, total); return the rows

``allowed`` is asked when the user starts the export and again inside the task, with the user
loaded afresh, so a right withdrawn in between stops the export. Everything the task needs
comes from ``params`` (plain JSON values, never objects): the task takes only the file's id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import IO, Any, ClassVar

from django.utils.module_loading import autodiscover_modules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Progress = Callable[[int, int], None]


class ExportParamsError(ValueError):
    """The options of an export are not valid; the message is German, for the user."""


class Export:
    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    content_type: ClassVar[str] = XLSX
    # True if the file names persons (a client list): only then does the page warn about
    # personal data. Aggregates (Kennzahlen, funding sheets) leave it False.
    personal_data: ClassVar[bool] = False

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def clean_params(self, user, data: Mapping[str, str]) -> dict[str, Any]:
        """The export's options from the request (GET parameters), as JSON values."""
        return {}

    def filename(self, params: dict[str, Any]) -> str:
        raise NotImplementedError

    def write(self, user, params: dict[str, Any], out: IO[bytes], progress: Progress) -> int:
        """Write the file to ``out``; return the number of rows written."""
        raise NotImplementedError

    def back_url(self, params: dict[str, Any]) -> str:
        """Where the user goes back to (and sees a message) if the export cannot start."""
        return "/"


EXPORTS: dict[str, Export] = {}


def register_export(cls: type[Export]) -> type[Export]:
    identifier = cls.identifier
    if identifier in EXPORTS and type(EXPORTS[identifier]) is not cls:
        raise ValueError(f"Der Export {identifier!r} ist schon registriert.")
    EXPORTS[identifier] = cls()
    return cls


def get_export(identifier: str) -> Export | None:
    return EXPORTS.get(identifier)


# Other files with personal data kept for a while (an app's uploads, say) are deleted by the
# same nightly task: each app registers a function that deletes what expired by ``now`` and
# returns how many it deleted (the core knows no app).
Cleanup = Callable[[dt.datetime], int]
CLEANUPS: list[Cleanup] = []


def register_cleanup(func: Cleanup) -> Cleanup:
    if func not in CLEANUPS:
        CLEANUPS.append(func)
    return func


def discover_exports() -> None:
    """Import ``<app>.exports`` of every installed app (called once from AppConfig.ready)."""
    autodiscover_modules("exports")
