"""The bench data set, built fast: the demo Kreis of ``devtools.demo.build_demo`` (the same
generators, the same rows), written with PostgreSQL's COPY instead of INSERT statements.

``build_demo`` creates its large tables with ``bulk_create`` (clients, their histories and
assignments, the year of consultations, the plans) and everything else through the real
services. While ``bulk_loading()`` is active:

- ``QuerySet.bulk_create`` reserves the primary keys from the table's sequence in one
  statement and writes the rows with ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``), the
  values prepared by the model fields exactly as an INSERT would have them; the objects come
  back with their keys, as from ``bulk_create``. Calls it cannot serve the same way (conflict
  handling, database defaults, expressions, other databases) go the ordinary way.
- the demo's consultation buffer (participants, topic links, the first history entry and its
  topics, referrals and theirs: about six rows per contact) writes those rows as plain tuples,
  without a model instance per row.
- ``session_replication_role = replica`` (superusers only) leaves out the foreign-key checks,
  which PostgreSQL would otherwise run one by one for millions of rows at the commit (the
  bench database is written by nobody else, and the rows are made to fit by construction,
  as ``pg_restore --disable-triggers`` does). The checks still run in the test that builds a
  small Kreis both ways and compares them (``tests/test_bench.py``).

The seed, the order of the writes and therefore every row are the same as ``build_demo``'s.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import Any

from django.db import connections, models, transaction
from django.db.models import AutoField
from django.db.models.query import QuerySet
from django.test.utils import override_settings

COPY_CHUNK = 50_000  # rows per COPY statement (bounded memory for the prepared values)


# --- COPY primitives ----------------------------------------------------------------------


def reserve_ids(model: type[models.Model], count: int, using: str = "default") -> range:
    """``count`` consecutive primary keys of ``model``, taken from its sequence at once (the
    bench database has no other writer, so nobody takes keys in between)."""
    if count <= 0:
        return range(0)
    opts = model._meta
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s))"
            " + %s - 1)",
            [opts.db_table, opts.pk.column, opts.db_table, opts.pk.column, count],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


def copy_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], using: str = "default"
) -> int:
    """Write ``rows`` (tuples in the order of ``columns``, values as the database takes them)
    into ``table`` with COPY; returns how many."""
    quoted = ", ".join(f'"{column}"' for column in columns)
    written = 0
    with connections[using].cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor under Django's wrapper
        chunk: list[Sequence[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= COPY_CHUNK:
                written += _copy_chunk(raw, table, quoted, chunk)
                chunk = []
        if chunk:
            written += _copy_chunk(raw, table, quoted, chunk)
    return written


def _copy_chunk(raw, table: str, quoted: str, chunk: list[Sequence[Any]]) -> int:
    with raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        for row in chunk:
            copy.write_row(row)
    return len(chunk)


# --- bulk_create through COPY -------------------------------------------------------------

_original_bulk_create = QuerySet.bulk_create


def _copyable(queryset: QuerySet, kwargs: dict) -> bool:
    if any(kwargs.get(name) for name in ("ignore_conflicts", "update_conflicts")):
        return False
    opts = queryset.model._meta
    connection = connections[queryset.db]
    return (
        connection.vendor == "postgresql"
        and not any(p._meta.concrete_model is not opts.concrete_model for p in opts.all_parents)
        and not any(f.generated or f.has_db_default() for f in opts.concrete_fields)
        and opts.db_returning_fields == [opts.pk]
    )


def copy_bulk_create(queryset: QuerySet, objs, batch_size=None, **kwargs):
    """``bulk_create`` with COPY: the same rows, the objects returned with their keys."""
    if not _copyable(queryset, kwargs):
        return _original_bulk_create(queryset, objs, batch_size=batch_size, **kwargs)
    objs = list(objs)
    if not objs:
        return objs
    model, using = queryset.model, queryset.db
    connection = connections[using]
    queryset._for_write = True
    queryset._prepare_for_bulk_create(objs)
    missing = [obj for obj in objs if not obj._is_pk_set()]
    pk = model._meta.pk
    if missing and not isinstance(pk, AutoField):
        return _original_bulk_create(queryset, objs, batch_size=batch_size, **kwargs)
    for obj, key in zip(missing, reserve_ids(model, len(missing), using), strict=True):
        setattr(obj, pk.attname, key)
    fields = model._meta.concrete_fields
    read, columns = row_reader(fields, connection)

    def prepared(obj):
        row = read(obj)
        if any(hasattr(value, "resolve_expression") for value in row):
            raise _NotCopyable
        return row

    try:
        rows = [prepared(obj) for obj in objs]
    except _NotCopyable:
        return _original_bulk_create(queryset, objs, batch_size=batch_size, **kwargs)
    with transaction.atomic(using=using, savepoint=False):
        copy_rows(model._meta.db_table, columns, rows, using)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs


# Values that plain fields store as they are (what get_db_prep_save returns for them unchanged).
PLAIN_TYPES = frozenset({int, str, bool, type(None), dt.date, uuid.UUID})


def _is_plain(field: models.Field) -> bool:
    """A field whose pre_save is the attribute and whose value of a plain type is stored as
    it is (not a timestamp, whose auto_now and time zone need the field)."""
    if isinstance(field, models.DateTimeField) or getattr(field, "auto_now", False):
        return False
    if getattr(field, "auto_now_add", False):
        return False
    if isinstance(field, models.ForeignKey):
        return _is_plain(field.target_field)
    return isinstance(
        field,
        models.IntegerField
        | models.AutoField
        | models.BigAutoField
        | models.CharField
        | models.TextField
        | models.BooleanField
        | models.DateField
        | models.UUIDField,
    )


def row_reader(fields, connection):
    """A function that reads one row of ``fields`` off an object, values as an INSERT would
    write them, and the columns in the order of its values: the plain fields first, all at
    once (``attrgetter``), then the rest through their ``pre_save`` and
    ``get_db_prep_save``."""
    plain = [f for f in fields if _is_plain(f)]
    other = [f for f in fields if not _is_plain(f)]
    getter = _getter([f.attname for f in plain])

    def read(obj) -> list:
        values = getter(obj)
        if PLAIN_TYPES.issuperset(map(type, values)):
            row = list(values)
        else:
            row = [
                value if type(value) in PLAIN_TYPES else f.get_db_prep_save(value, connection)
                for f, value in zip(plain, values, strict=True)
            ]
        for field in other:
            row.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
        return row

    return read, [f.column for f in plain + other]


def _getter(names: list[str]):
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        return lambda obj: (getattr(obj, names[0]),)
    return attrgetter(*names)


class _NotCopyable(Exception):
    """A value is an SQL expression: the ordinary INSERT has to compute it."""


# --- the demo's consultations as tuples ---------------------------------------------------


def flush_consultations(buffer) -> None:
    """``devtools.demo.consultations._Buffer.flush`` with the same rows, written as tuples: the
    contacts (with keys), their participants, topic links, referrals, and the first history
    entry of each contact and referral ("angelegt", by the manager at 17:00 on the contact
    day) with the topics of that version."""
    from clients.models import Consultation, ConsultationParticipant, Referral
    from devtools.demo.consultations import _at

    if not buffer.consultations:
        return
    rows = Consultation.objects.bulk_create(buffer.consultations)
    ids = [row.pk for row in rows]
    participants = ConsultationParticipant._meta
    copy_rows(
        participants.db_table,
        ["consultation_id", "client_id", "funded"],
        ((ids[i], client, True) for i, client in buffer.participants),
    )
    through = Consultation.topics.through
    link_ids = reserve_ids(through, len(buffer.topics))
    links = [(key, ids[i], topic) for key, (i, topic) in zip(link_ids, buffer.topics, strict=True)]
    copy_rows(through._meta.db_table, ["id", "consultation_id", "topic_id"], links)
    for i, referral in buffer.referrals:
        referral.consultation_id = ids[i]
    referrals = Referral.objects.bulk_create([r for _, r in buffer.referrals])
    history = Consultation.history.model
    history_ids = reserve_ids(history, len(rows))
    copy_history(
        history,
        rows,
        history_ids,
        dates=(_at(row.date, 17) for row in rows),
        users=(row.recorded_by_id for row in rows),
    )
    topic_history = history.topics.model
    copy_rows(
        topic_history._meta.db_table,
        ["id", "history_id", "consultation_id", "topic_id"],
        (
            (key, history_ids[i], consultation, topic)
            for (key, consultation, topic), (i, _) in zip(links, buffer.topics, strict=True)
        ),
    )
    referral_history = Referral.history.model
    copy_history(
        referral_history,
        referrals,
        reserve_ids(referral_history, len(referrals)),
        dates=(_at(r.status_changed_on, 17) for r in referrals),
        users=(None for _ in referrals),
    )
    buffer.written += len(ids)
    buffer.consultations, buffer.participants, buffer.topics, buffer.referrals = [], [], [], []


def copy_history(
    history_model: type[models.Model],
    instances: Sequence[models.Model],
    keys: Iterable[int],
    dates: Iterable,
    users: Iterable[int | None],
    using: str = "default",
) -> int:
    """The first history entry ("+") of each instance, as simple_history's
    ``bulk_history_create`` writes it, without a model instance per entry."""
    connection = connections[using]
    tracked_names = {f.attname for f in history_model.tracked_fields}
    fields = history_model._meta.concrete_fields
    read, columns = row_reader([f for f in fields if f.attname in tracked_names], connection)
    own = ["history_id", "history_date", "history_user", "history_change_reason", "history_type"]
    columns += [history_model._meta.get_field(name).column for name in own]
    rest = [
        f for f in fields if f.attname not in tracked_names and f.name not in own
    ]  # e.g. the snapshot fields of a contact's version, at their defaults
    columns += [f.column for f in rest]
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in rest]

    def rows() -> Iterator[list]:
        for instance, key, date, user in zip(instances, keys, dates, users, strict=True):
            row = read(instance)
            row += (key, date, user, "", "+")
            row += defaults
            yield row

    return copy_rows(history_model._meta.db_table, columns, rows(), using)


# --- switching it on ----------------------------------------------------------------------


@contextmanager
def bulk_loading(using: str = "default") -> Iterator[None]:
    """Within the surrounding transaction: bulk_create through COPY, the demo's consultation
    buffer as tuples and, for a superuser, no foreign-key triggers (the demo's ANALYZE
    covers this database's tables only)."""
    from devtools.demo.consultations import _Buffer

    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
    flush = _Buffer.flush
    QuerySet.bulk_create = copy_bulk_create
    _Buffer.flush = flush_consultations
    try:
        yield
    finally:
        QuerySet.bulk_create = _original_bulk_create
        _Buffer.flush = flush
        if superuser and connection.in_atomic_block and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")


def build_bench_kreis(
    clients: int, seed: int = 2026, stdout=None, contacts_per_year: float | None = None
) -> float:
    """``build_demo`` with COPY (see the module's docstring); returns the seconds it took."""
    from devtools.demo import build_demo
    from devtools.demo.consultations import CONTACTS_PER_YEAR

    per_year = CONTACTS_PER_YEAR if contacts_per_year is None else contacts_per_year
    started = time.monotonic()
    # Millions of short-lived objects: the cycle collector would walk them over and over.
    thresholds = gc.get_threshold()
    gc.set_threshold(200_000, 20, 100)
    # the e-mails of the services go out after the commit, which is this transaction's
    email = "django.core.mail.backends.dummy.EmailBackend"
    try:
        with override_settings(EMAIL_BACKEND=email), transaction.atomic(), bulk_loading():
            build_demo(clients=clients, seed=seed, stdout=stdout, contacts_per_year=per_year)
    finally:
        gc.set_threshold(*thresholds)
    return time.monotonic() - started
