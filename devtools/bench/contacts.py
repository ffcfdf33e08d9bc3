"""The bench build's year of consultations (``add_consultations`` of the demo), drawn in
worker processes while the main process writes: the same rows, with the same keys.

The demo draws each household's contacts from its own ``random.Random`` (seed and household
key), so a household's rows do not depend on the others; only their keys do, which follow
the order of the writes (households by key). So the sorted keys are cut into ``SLICES``
contiguous slices, drawn by ``WORKERS`` forked processes (one per core), and written in
order by the main process, the only one that talks to the database:

1. The main process reads the clients (``read_households``) and forks the workers; worker
   ``w`` takes the slices ``w``, ``w + WORKERS``, … in turn.
2. A worker draws a slice's contacts, participants, topic links and referrals with the
   demo's own ``Households.add_contacts`` (into rows instead of model instances) and sends
   how many contacts, topic links and referrals it made.
3. The main process takes the slices in order: when a slice's counts come it reserves that
   many keys from each sequence (``reserve_ids``) and sends the first ones back. Slice 1
   takes the first keys, slice 2 the next ones …: the keys of a sequential run, which writes
   the same households in the same order. (Participants and topic history entries take
   their keys from the sequence as they are written, also in this order.)
4. The worker numbers its rows, formats them for a binary COPY (psycopg's own format, with
   the adapters of the main process's connection set to the columns' types) and sends them
   table by table in chunks; the main process writes them with COPY as they come,
   then the slice's first history entries ("angelegt", as ``log_consultation`` leaves them)
   with ``INSERT … SELECT`` from the rows just written: no second formatting of the same
   values.

While the main process writes a slice, the other worker draws its next one: both cores work
while the database takes the rows. The database's own work is the longest part, so it is
kept small: the histories are not formatted twice, and the unique constraints are checked
once at the end (``dataset.unique_constraints_checked_afterwards``) instead of per row.

A worker must not touch the database connection it inherited (it is the main process's
session): it sends bytes through its pipe only (a query would raise), and the fork start of
``multiprocessing`` ends it with ``os._exit`` (no cleanup of the connection).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection

from django.db import connections, models
from django.utils import timezone
from psycopg import adapt
from psycopg._copy_base import BinaryFormatter  # the row format of cursor.copy's write_row
from psycopg.pq import Format

from devtools.bench.dataset import reserve_ids
from devtools.bench.rows import RowMaker
from devtools.demo.consultations import (
    CONTACTS_PER_YEAR,
    Households,
    _Buffer,
    read_households,
)
from devtools.demo.data import DEMO_TODAY

WORKERS = 2  # the bench machine's cores
SLICES = 16  # small: the database starts soon, and writes one while the workers draw on
CHUNK_BYTES = 1 << 20  # COPY data per message


@dataclass
class _Rows(_Buffer):
    """The demo's buffer, each contact and referral kept as a row (``RowMaker``) to be
    numbered and copied instead of a model instance written by ``flush``."""

    contact_rows: RowMaker | None = None
    referral_rows: RowMaker | None = None

    def add_consultation(self, **values) -> int:
        self.consultations.append(self.contact_rows.row(values))
        return len(self.consultations) - 1

    def add_referral(self, index: int, **values) -> None:
        self.referrals.append((index, self.referral_rows.row(values)))


@dataclass(frozen=True)
class _Keys:
    """The keys a slice's rows take."""

    contacts: range
    links: range
    referrals: range


def add_consultations_in_parallel(
    kreis,
    seed: int = 2026,
    per_year: float = CONTACTS_PER_YEAR,
    today: dt.date = DEMO_TODAY,
    progress: Callable[[str], None] | None = None,
    using: str = "default",
) -> int:
    """``add_consultations`` (the same rows and keys) with the drawing in worker processes;
    returns how many contacts it created."""
    from clients.models import Consultation, Referral

    households = read_households(kreis, seed, per_year, today, progress)
    slices = _slices(households, SLICES)
    if not any(slices):
        return 0
    connection = connections[using]
    connection.ensure_connection()
    makers = RowMaker(Consultation, using), RowMaker(Referral, using)
    copies = [
        (_copy_statement(table, columns), _binary_adapters(connection, table, columns))
        for table, columns in _tables(*makers)
    ]
    context = get_context("fork")
    pipes, workers = [], []
    try:
        for number in range(WORKERS):
            ours, theirs = context.Pipe()
            mine = slices[number::WORKERS]
            worker = context.Process(
                target=_work, args=(theirs, households, mine, makers, copies), daemon=True
            )
            worker.start()
            theirs.close()
            pipes.append(ours)
            workers.append(worker)
        written = 0
        with connection.cursor() as cursor:
            for number in range(len(slices)):
                pipe, worker = pipes[number % WORKERS], workers[number % WORKERS]
                try:
                    contacts, links, referrals = pipe.recv()
                    keys = _Keys(
                        reserve_ids(Consultation, contacts, using),
                        reserve_ids(Consultation.topics.through, links, using),
                        reserve_ids(Referral, referrals, using),
                    )
                    pipe.send(keys)
                    _copy_slice(pipe, cursor.cursor)
                except EOFError:
                    worker.join()
                    raise RuntimeError(f"A worker failed (exit code {worker.exitcode}).") from None
                _write_history(keys, using)
                written += contacts
        for worker in workers:
            worker.join()
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join()
    return written


def _slices(households: Households, count: int) -> list[list[str]]:
    """The sorted household keys in ``count`` contiguous slices of about as many clients."""
    keys = households.keys
    total = sum(len(group) for group in households.groups.values())
    slices: list[list[str]] = [[] for _ in range(count)]
    before = 0
    for key in keys:
        slices[before * count // total].append(key)
        before += len(households.groups[key])
    return slices


def _copy_slice(pipe: Connection, cursor) -> None:
    """Write the COPY statements and their data that the worker sends, until it says done."""
    while (statement := pipe.recv()) is not None:
        with cursor.copy(statement) as copy:
            while chunk := pipe.recv_bytes():
                copy.write(chunk)


# --- in the worker ------------------------------------------------------------------------


def _work(
    pipe: Connection,
    households: Households,
    slices: list[list[str]],
    makers: tuple[RowMaker, RowMaker],
    copies: list[tuple[str, adapt.Transformer]],
) -> None:
    """A worker: draw each slice, send its counts, take its keys, send its rows in COPY's
    format (``copies``: each table's statement and adapters, in the order of ``_tables``)."""
    gc.disable()  # its rows make no reference cycles, and it ends soon
    for connection in connections.all(initialized_only=True):
        connection.execute_wrappers.append(_refused)
    contacts, referrals = makers
    for keys in slices:
        rows = _Rows(contact_rows=contacts, referral_rows=referrals)
        for key in keys:
            households.add_contacts(rows, key)
        pipe.send((len(rows.consultations), len(rows.topics), len(rows.referrals)))
        first = pipe.recv()
        numbered = _numbered(rows, first, contacts, referrals)
        for (statement, adapters), values in zip(copies, numbered, strict=True):
            pipe.send(statement)
            for chunk in _copy_data(values, adapters):
                pipe.send_bytes(chunk)
            pipe.send_bytes(b"")
        pipe.send(None)
    pipe.close()


def _refused(*args):
    raise RuntimeError("A worker must not use the main process's database session.")


def _tables(contacts: RowMaker, referrals: RowMaker) -> list[tuple[str, list[str]]]:
    """The tables a slice is copied into, with their columns, in the order of the writes."""
    from clients.models import Consultation, ConsultationParticipant, Referral

    return [
        (Consultation._meta.db_table, contacts.columns),
        (ConsultationParticipant._meta.db_table, ["consultation_id", "client_id", "funded"]),
        (Consultation.topics.through._meta.db_table, ["id", "consultation_id", "topic_id"]),
        (Referral._meta.db_table, referrals.columns),
    ]


def _numbered(
    rows: _Rows, keys: _Keys, contacts: RowMaker, referrals: RowMaker
) -> Iterator[Iterable[Sequence]]:
    """The slice's rows for each of ``_tables``, numbered with ``keys`` (the values of
    ``_Buffer.flush``, as ``bulk_create`` would write them)."""
    ids = keys.contacts
    contacts.stamp(rows.consultations, ids)
    yield rows.consultations
    yield ((ids[i], client, True) for i, client in rows.participants)
    yield ((key, ids[i], topic) for key, (i, topic) in zip(keys.links, rows.topics, strict=True))
    referral_rows = [row for _, row in rows.referrals]
    contact_at = referrals.columns.index("consultation_id")
    for i, row in rows.referrals:
        row[contact_at] = ids[i]
    referrals.stamp(referral_rows, keys.referrals)
    yield referral_rows


def _copy_statement(table: str, columns: list[str]) -> str:
    listed = ", ".join(f'"{column}"' for column in columns)
    return f'COPY "{table}" ({listed}) FROM STDIN (FORMAT BINARY)'


def _binary_adapters(connection, table: str, columns: list[str]) -> adapt.Transformer:
    """psycopg's adapters of ``connection`` set to the binary format of the columns' types
    (binary COPY takes exactly those; it costs less to make and to read than text)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass",
            [table],
        )
        types = dict(cursor.fetchall())
    adapters = adapt.Transformer(connection.connection)
    adapters.set_dumper_types([types[column] for column in columns], Format.BINARY)
    return adapters


def _copy_data(rows: Iterable[Sequence], adapters: adapt.Transformer) -> Iterator[bytes]:
    """The rows in binary COPY format (header and trailer included), in chunks of about
    ``CHUNK_BYTES``."""
    formatter = BinaryFormatter(adapters)
    data = bytearray()
    for row in rows:
        data += formatter.write_row(row)
        if len(data) >= CHUNK_BYTES:
            yield bytes(data)
            data.clear()
    data += formatter.end()
    if data:
        yield bytes(data)


# --- the database side ------------------------------------------------------------------


# --- the first history entries, in the database ---------------------------------------------


def _write_history(keys: _Keys, using: str) -> None:
    """The first history entry of each of the slice's contacts (with its topics) and
    referrals, as ``_Buffer.flush`` writes them with ``bulk_history_create``: by the contact's
    manager (a referral's: nobody) at 17:00 on the contact day (a referral's: on its status
    day), with the values just written."""
    from clients.models import Consultation, Referral

    if not keys.contacts:
        return
    history = Consultation.history.model
    history_keys = reserve_ids(history, len(keys.contacts), using)
    _copy_to_history(
        history, Consultation, keys.contacts, history_keys, "date", "recorded_by_id", using
    )
    topics = history.topics.model
    links = Consultation.topics.through._meta.db_table
    # a link's entry belongs to its contact's entry: the keys run side by side
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{topics._meta.db_table}" (id, history_id, consultation_id, topic_id)'  # noqa: S608 - table names of the models
            f' SELECT id, consultation_id + %s, consultation_id, topic_id FROM "{links}"'
            " WHERE id >= %s AND id < %s ORDER BY id",
            [history_keys.start - keys.contacts.start, keys.links.start, keys.links.stop],
        )
    referral_history = Referral.history.model
    referral_keys = reserve_ids(referral_history, len(keys.referrals), using)
    _copy_to_history(
        referral_history, Referral, keys.referrals, referral_keys, "status_changed_on", None, using
    )


def _copy_to_history(
    history: type[models.Model],
    model: type[models.Model],
    keys: range,
    history_keys: range,
    day: str,
    user: str | None,
    using: str = "default",
) -> None:
    """The first history entry ("+") of the rows of ``model`` with ``keys``: the tracked
    columns as written, entry ``history_keys[n]`` for the row ``keys[n]``, at 17:00 on the
    row's ``day`` (``consultations._at``), by the user in column ``user`` (None: nobody)."""
    if not keys:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    tracked = {f.attname for f in history.tracked_fields}
    fields = history._meta.concrete_fields
    columns, values, params = [], [], []
    for field in fields:
        if field.attname in tracked:
            columns.append(field.column)
            values.append(quote(model._meta.get_field(field.name).column))
    own = {
        "history_id": (f"%s + {key}", [history_keys.start - keys.start]),
        "history_date": (
            f"({quote(day)} + time '17:00') AT TIME ZONE %s",
            [timezone.get_current_timezone_name()],
        ),
        "history_user": (quote(user) if user else "NULL", []),
        "history_change_reason": ("%s", [""]),
        "history_type": ("%s", ["+"]),
    }
    for name, (value, value_params) in own.items():
        columns.append(history._meta.get_field(name).column)
        values.append(value)
        params += value_params
    for field in fields:  # e.g. the snapshot fields of a contact's version, at their defaults
        if field.attname not in tracked and field.name not in own:
            columns.append(field.column)
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    listed = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({listed})"  # noqa: S608 - names of the models
            f" SELECT {', '.join(values)} FROM {table}"
            f" WHERE {key} >= %s AND {key} < %s ORDER BY {key}",
            [*params, keys.start, keys.stop],
        )
