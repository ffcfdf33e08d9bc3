"""The client list as an Excel workbook (sheet "Klienten"), for the command and the download.

The first columns are fixed because other systems read them: Aktenzeichen, AGS, Gemeinde,
Zuweisungsdatum, Beratungsende (last counselling day, an approved extension included) and
Status (the window status on the chosen day). Further columns follow after them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet

from clients.models import Client
from imcase.exports import xlsx

SHEET_TITLE = "Klienten"
CONTENT_TYPE = xlsx.CONTENT_TYPE


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    value: Callable[[Client, dt.date], Any]


def _window_status(client: Client, day: dt.date) -> str:
    return client.window_label(day)


def _manager(client: Client) -> str:
    if client.manager is None:
        return ""
    return client.manager.get_full_name() or client.manager.username


COLUMNS = (
    Column("Aktenzeichen", 16, lambda c, day: c.aktenzeichen),
    Column("AGS", 10, lambda c, day: c.municipality.ags),
    Column("Gemeinde", 22, lambda c, day: c.municipality.name),
    Column("Zuweisungsdatum", 14, lambda c, day: c.assignment_date),
    Column("Beratungsende", 14, lambda c, day: c.window_end),
    Column("Status", 28, _window_status),
    Column("Fallstatus", 14, lambda c, day: c.get_status_display()),
    Column("Nachname", 20, lambda c, day: c.last_name),
    Column("Vorname", 20, lambda c, day: c.first_name),
    Column("Geburtsdatum", 13, lambda c, day: c.birth_date),
    Column("Geschlecht", 10, lambda c, day: c.get_sex_display()),
    Column("Staatsangehörigkeit", 10, lambda c, day: c.nationality),
    Column("Aufenthaltsstatus", 30, lambda c, day: c.get_residence_status_display()),
    Column("Zugangsart", 16, lambda c, day: c.get_arrival_kind_display()),
    Column("Haushalt", 14, lambda c, day: c.household.key if c.household else ""),
    Column("Beginn Beratungszeitraum", 14, lambda c, day: c.window_start),
    Column("verlängert", 10, lambda c, day: "ja" if c.window_extended else "nein"),
    Column("Ausleitung am", 13, lambda c, day: c.closed_on),
    Column("Integrationsmanager:in", 24, lambda c, day: _manager(c)),
)
HEADERS = tuple(column.header for column in COLUMNS)


def export_queryset(clients: QuerySet) -> QuerySet:
    """What one export row needs, in one query (the caller's order is kept)."""
    return clients.select_related("municipality", "household", "manager")


def write_clients_xlsx(clients: Iterable[Client], day: dt.date, out: IO[bytes] | str) -> int:
    """Write one row per client to ``out`` (a path or a binary file); returns the count."""
    book = xlsx.Spreadsheet()
    sheet = book.add_table(
        SHEET_TITLE, [xlsx.Column(column.header, column.width) for column in COLUMNS]
    )
    if isinstance(clients, QuerySet):
        clients = clients.iterator(chunk_size=2000)
    count = sheet.write_rows(
        [column.value(client, day) for column in COLUMNS] for client in clients
    )
    book.save(out)
    return count
