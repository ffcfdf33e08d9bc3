"""The client list as an Excel workbook (sheet "Klienten"), for the command and the download.

The first columns are fixed because other systems read them: Aktenzeichen, AGS, Gemeinde,
Zuweisungsdatum, Beratungsende (last counselling day, an approved extension included) and
Status (the window status on the chosen day). Further columns follow after them.

The rows are read as plain tuples (``values_list``, streamed in chunks, one query) and written
by ``imcase.exports.xlsx.LargeSpreadsheet``: the whole Kreis (50,000 persons) is one file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet

from clients.models.client import Client, ResidenceStatus, window_label
from imcase.exports import xlsx

SHEET_TITLE = "Klienten"
CONTENT_TYPE = xlsx.CONTENT_TYPE
CHUNK_SIZE = 2000

# What one row reads, in this order (``Row`` below names the positions).
FIELDS = (
    "aktenzeichen",
    "municipality__ags",
    "municipality__name",
    "assignment_date",
    "window_start",
    "window_end",
    "window_extended",
    "status",
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "nationality",
    "residence_status",
    "arrival_kind",
    "household__key",
    "closed_on",
    "manager__first_name",
    "manager__last_name",
    "manager__username",
)
Row = dict[str, Any]

_STATUS = dict(Client.Status.choices)
_SEX = dict(Client.Sex.choices)
_RESIDENCE = dict(ResidenceStatus.choices)
_ARRIVAL = dict(Client.ArrivalKind.choices)


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    value: Callable[[Row, dt.date], Any]


def _window_status(row: Row, day: dt.date) -> str:
    return window_label(row["status"], row["window_start"], row["window_extended"], day)


def _manager(row: Row) -> str:
    if row["manager__username"] is None:
        return ""
    # As User.get_full_name(), falling back to the user name.
    full_name = f"{row['manager__first_name']} {row['manager__last_name']}".strip()
    return full_name or row["manager__username"]


def _label(labels: dict[str, str], value: str) -> str:
    return labels.get(value, value)


COLUMNS = (
    Column("Aktenzeichen", 16, lambda r, day: r["aktenzeichen"]),
    Column("AGS", 10, lambda r, day: r["municipality__ags"]),
    Column("Gemeinde", 22, lambda r, day: r["municipality__name"]),
    Column("Zuweisungsdatum", 14, lambda r, day: r["assignment_date"]),
    Column("Beratungsende", 14, lambda r, day: r["window_end"]),
    Column("Status", 28, _window_status),
    Column("Fallstatus", 14, lambda r, day: _label(_STATUS, r["status"])),
    Column("Nachname", 20, lambda r, day: r["last_name"]),
    Column("Vorname", 20, lambda r, day: r["first_name"]),
    Column("Geburtsdatum", 13, lambda r, day: r["birth_date"]),
    Column("Geschlecht", 10, lambda r, day: _label(_SEX, r["sex"])),
    Column("Staatsangehörigkeit", 10, lambda r, day: r["nationality"]),
    Column("Aufenthaltsstatus", 30, lambda r, day: _label(_RESIDENCE, r["residence_status"])),
    Column("Zugangsart", 16, lambda r, day: _label(_ARRIVAL, r["arrival_kind"])),
    Column("Haushalt", 14, lambda r, day: r["household__key"] or ""),
    Column("Beginn Beratungszeitraum", 14, lambda r, day: r["window_start"]),
    Column("verlängert", 10, lambda r, day: "ja" if r["window_extended"] else "nein"),
    Column("Ausleitung am", 13, lambda r, day: r["closed_on"]),
    Column("Integrationsmanager:in", 24, lambda r, day: _manager(r)),
)
HEADERS = tuple(column.header for column in COLUMNS)


def client_rows(clients: QuerySet, day: dt.date) -> Iterator[list[Any]]:
    """One list of cell values per client of ``clients`` (its order kept), read in one query
    streamed in chunks of ``CHUNK_SIZE``; no model instances, no per-row queries."""
    for values in clients.values(*FIELDS).iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(values, day) for column in COLUMNS]


def write_clients_xlsx(
    clients: QuerySet,
    day: dt.date,
    out: IO[bytes] | str,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one row per client to ``out`` (a path or a binary file); returns the count.
    ``progress`` (if given) is called with the number of rows written so far, now and then."""
    book = xlsx.LargeSpreadsheet(out)
    sheet = book.add_table(
        SHEET_TITLE, [xlsx.Column(column.header, column.width) for column in COLUMNS]
    )
    rows = client_rows(clients, day)
    if progress is not None:
        rows = _reporting(rows, progress)
    count = sheet.write_rows(rows)
    book.save()
    return count


PROGRESS_EVERY = 500


def _reporting(rows: Iterator[list[Any]], progress: Callable[[int], None]):
    for index, row in enumerate(rows, start=1):
        if index % PROGRESS_EVERY == 0:
            progress(index)
        yield row
