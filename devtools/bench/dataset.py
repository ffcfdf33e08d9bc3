"""The bench data set, built fast: the demo Kreis of ``devtools.demo.build_demo`` (the same
generators, the same rows), written with PostgreSQL's COPY instead of INSERT statements.

``build_demo`` creates its large tables with ``bulk_create`` (clients, their histories and
assignments, the year of consultations, the plans) and everything else through the real
services. While ``bulk_loading()`` is active:

- ``QuerySet.bulk_create`` reserves the primary keys from the table's sequence in one
  statement and writes the rows with ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``), the
  values prepared by the model fields exactly as an INSERT would have them (short-cut for the
  values a field would pass on unchanged); the objects come back with their keys, as from
  ``bulk_create``. Calls it cannot serve the same way (conflict handling, database defaults,
  expressions, other databases) go the ordinary way.
- ``QuerySet.bulk_update`` copies the new values into a temporary table and writes them with
  one ``UPDATE … FROM`` instead of a ``CASE WHEN`` per object and field.
- the demo's year of consultations is drawn in worker processes, one per core, and written
  by this one as they come: contacts, participants, topic links and referrals with COPY, their
  first history entries with ``INSERT … SELECT`` from them (``devtools.bench.contacts``):
  about eight rows per contact.
- the demo's plans are written as rows made from their records' values (``RowMaker``) instead
  of model instances, the keys reserved level by level (``_Draft.insert``).
- the first history entries of the clients and the outcomes
  (``devtools.demo.versions.add_first_versions``) are read off the objects and copied, without
  a history instance per entry.
- the plain indexes of the client, consultation, plan and outcome tables (not the primary keys
  and unique constraints) are dropped while the demo writes those tables and created again
  afterwards, with the same names and definitions: one sorted build instead of an insert per
  row.
- ``session_replication_role = replica`` (superusers only) leaves out the foreign-key checks,
  which PostgreSQL would otherwise run one by one for millions of rows at the commit (the
  bench database is written by nobody else, and the rows are made to fit by construction,
  as ``pg_restore --disable-triggers`` does). The checks still run in the test that builds a
  small Kreis both ways and compares them (``tests/test_bench.py``).

The seed, the order of the writes and therefore every row are the same as ``build_demo``'s.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from django.db import connections, models, transaction
from django.db.models import AutoField
from django.db.models.query import QuerySet
from django.test.utils import override_settings

from devtools.bench.rows import NotCopyable, RowMaker, row_reader

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
    into ``table`` with one COPY; returns how many. Each row is sent as it comes (psycopg
    buffers a few kilobytes): rows made by a generator are made while the server writes the
    ones before, and memory stays bounded."""
    quoted = ", ".join(f'"{column}"' for column in columns)
    written = 0
    with connections[using].cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor under Django's wrapper
        with raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written


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
    objs = list(objs)
    if not objs or copy_objects(queryset, objs, kwargs) is None:
        return _original_bulk_create(queryset, objs, batch_size=batch_size, **kwargs)
    return objs


def copy_objects(
    queryset: QuerySet, objs: list[models.Model], kwargs: dict | None = None
) -> tuple[list[str], list[list]] | None:
    """Give ``objs`` their keys and write them with COPY, as ``bulk_create`` would insert
    them; returns the columns and the rows written, or None (nothing written) where the
    ordinary ``bulk_create`` has to do it."""
    if not _copyable(queryset, kwargs or {}):
        return None
    model, using = queryset.model, queryset.db
    connection = connections[using]
    queryset._for_write = True
    _prepare_for_bulk_create(model, objs)
    missing = [obj for obj in objs if not obj._is_pk_set()]
    pk = model._meta.pk
    if missing and not isinstance(pk, AutoField):
        return None
    for obj, key in zip(missing, reserve_ids(model, len(missing), using), strict=True):
        setattr(obj, pk.attname, key)
    read, columns = row_reader(model._meta.concrete_fields, connection)
    try:
        rows = list(map(read, objs))
    except NotCopyable:
        return None
    with transaction.atomic(using=using, savepoint=False):
        copy_rows(model._meta.db_table, columns, rows, using)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return columns, rows


def _prepare_for_bulk_create(model: type[models.Model], objs: list[models.Model]) -> None:
    """``QuerySet._prepare_for_bulk_create`` on PostgreSQL (which takes DEFAULT in a bulk
    insert), with ``_prepare_related_fields_for_save`` inlined for the common cases: a related
    object that is cached and saved, whose key the object holds already or takes now (the
    related object was saved after it was assigned). Anything else (an unsaved related
    object, a GenericForeignKey) goes to Django's method, which raises as for
    ``bulk_create``."""
    opts = model._meta
    pk = opts.pk
    relations = [f for f in opts.concrete_fields if f.is_relation]
    every = bool(opts.private_fields)
    for obj in objs:
        if not obj._is_pk_set():
            obj.pk = pk.get_pk_value_on_save(obj)
        cached = obj._state.fields_cache
        if every:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
        elif cached:
            _check_related(obj, cached, relations)


def _check_related(obj: models.Model, cached: dict, relations: list[models.Field]) -> None:
    for field in relations:
        related = cached.get(field.cache_name)
        if not related:  # not cached, or None
            continue
        if not related._is_pk_set():
            obj._prepare_related_fields_for_save(operation_name="bulk_create")  # raises
            return
        key = getattr(obj, field.attname)
        target = getattr(related, field.target_field.attname)
        if key in field.empty_values:
            # what Django's check does by assigning the related object again: the key set,
            # the object still cached
            obj.__dict__[field.attname] = key = target
        if target != key:
            field.delete_cached_value(obj)


_original_bulk_update = QuerySet.bulk_update


def copy_bulk_update(queryset: QuerySet, objs, fields, batch_size=None):
    """``bulk_update`` through a temporary table filled with COPY and one ``UPDATE … FROM``
    instead of a ``CASE WHEN`` per object and field: the same values (prepared by the fields
    as for the CASE), the same rows (those of ``queryset`` among the objects' keys), the same
    count. Anything unusual (an expression as value, a key twice, a field that is not a
    plain column) goes the ordinary way, which also raises its errors."""
    objs = tuple(objs)
    model, using = queryset.model, queryset.db
    connection = connections[using]
    opts = model._meta
    try:
        targets = [opts.get_field(name) for name in fields]
    except Exception:  # noqa: BLE001 - the ordinary way names the error
        targets = []
    usual = (
        connection.vendor == "postgresql"
        and objs
        and targets
        and all(f.concrete and not f.many_to_many and not f.primary_key for f in targets)
        and not any(p._meta.concrete_model is not opts.concrete_model for p in opts.all_parents)
        and all(obj._is_pk_set() for obj in objs)
    )
    keys = [obj.pk for obj in objs] if usual else []
    if not usual or len(set(keys)) != len(keys):
        return _original_bulk_update(queryset, objs, fields, batch_size=batch_size)
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_update", fields=targets)
    rows = []
    for obj in objs:
        values = [getattr(obj, f.attname) for f in targets]
        if any(hasattr(value, "resolve_expression") for value in values):
            return _original_bulk_update(queryset, objs, fields, batch_size=batch_size)
        rows.append(
            [obj.pk]
            + [f.get_db_prep_save(v, connection) for f, v in zip(targets, values, strict=True)]
        )
    queryset._for_write = True
    if queryset.query.where:  # a manager that hides rows: only those it shows
        shown = set(queryset.filter(pk__in=keys).values_list("pk", flat=True))
        rows = [row for row in rows if row[0] in shown]
    quote = connection.ops.quote_name
    table, key = quote(opts.db_table), quote(opts.pk.column)
    columns = [opts.pk.column] + [f.column for f in targets]
    listed = ", ".join(quote(c) for c in columns)
    scratch = f"bulk_update_{opts.db_table}"
    assignments = ", ".join(f"{quote(f.column)} = u.{quote(f.column)}" for f in targets)
    # the names are the model's table and columns, not input
    create = f"CREATE TEMPORARY TABLE {quote(scratch)} AS SELECT {listed} FROM {table} LIMIT 0"  # noqa: S608
    update = (
        f"UPDATE {table} SET {assignments} FROM {quote(scratch)} u WHERE {table}.{key} = u.{key}"  # noqa: E501, S608
    )
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        cursor.execute(create)
        copy_rows(scratch, columns, rows, using)
        cursor.execute(update)
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {quote(scratch)}")
    return updated


# --- first history entries as rows --------------------------------------------------------


def copy_history(
    history_model: type[models.Model],
    instances: Sequence,
    keys: Iterable[int],
    dates: Iterable,
    users: Iterable[int | None],
    using: str = "default",
    written: tuple[list[str], list[list]] | None = None,
) -> int:
    """The first history entry ("+") of each instance, as simple_history's
    ``bulk_history_create`` writes it, without a model instance per entry. ``written``: the
    columns and rows of the instances as just copied, whose values the entries repeat (then
    they are not read off the instances, which may be those rows themselves)."""
    connection = connections[using]
    tracked_names = {f.attname for f in history_model.tracked_fields}
    fields = history_model._meta.concrete_fields
    read, columns = row_reader([f for f in fields if f.attname in tracked_names], connection)
    source = _positions(columns, written[0]) if written is not None else None
    if source is not None:
        pick = itemgetter(*source) if len(source) > 1 else lambda row: (row[source[0]],)
        read, instances = (lambda row: list(pick(row))), written[1]
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


def copy_first_versions(
    model: type[models.Model], objs: Sequence[models.Model], batch_size: int = 2000
) -> None:
    """``devtools.demo.versions.add_first_versions`` with COPY: the same entries, read off the
    objects without a history instance per entry."""
    history = model.history.model
    copy_history(
        history,
        objs,
        reserve_ids(history, len(objs)),
        dates=(obj._history_date for obj in objs),
        users=(obj._history_user.pk if obj._history_user else None for obj in objs),
    )


def _positions(columns: list[str], written: list[str]) -> list[int] | None:
    """Where each of ``columns`` is among the ``written`` ones (None if one is missing)."""
    where = {column: i for i, column in enumerate(written)}
    if not columns or any(column not in where for column in columns):
        return None
    return [where[column] for column in columns]


def client_models() -> list[type[models.Model]]:
    """The tables ``add_clients`` fills: clients, their first versions, households, dated
    responsibilities and extension requests."""
    from clients.models import Client, Household, ManagerAssignment, WindowExtension

    return [Client, Client.history.model, Household, ManagerAssignment, WindowExtension]


def outcome_models() -> list[type[models.Model]]:
    """The tables ``build_demo_outcomes`` fills: the outcomes and their first versions."""
    from clients.models import OutcomeEvent

    return [OutcomeEvent, OutcomeEvent.history.model]


def consultation_models() -> list[type[models.Model]]:
    """The tables ``add_consultations`` fills: contacts, participants, topic links, referrals
    and their first versions."""
    from clients.models import Consultation, ConsultationParticipant, Referral

    history = Consultation.history.model
    return [
        Consultation,
        ConsultationParticipant,
        Consultation.topics.through,
        history,
        history.topics.model,
        Referral,
        Referral.history.model,
    ]


def insert_rows(
    makers: dict[type[models.Model], RowMaker],
    model: type[models.Model],
    names: list[str],
    values: list[list],
    using: str = "default",
) -> range:
    """The rows of ``model`` from lists of values in the order of ``names`` (``RowMaker``, one
    per model in ``makers``), written with COPY as they are made, as ``bulk_create`` would
    write ``model(**dict(zip(names, row)))`` for each; returns their keys, in order."""
    maker = makers.get(model)
    if maker is None:
        maker = makers[model] = RowMaker(model, using)
    keys = reserve_ids(model, len(values), using)
    copy_rows(model._meta.db_table, maker.columns, maker.rows(names, values, keys), using)
    return keys


def plan_models() -> list[type[models.Model]]:
    """The tables ``build_demo_plans`` fills."""
    from plans.models import Evaluation, Goal, IndependenceRating, Plan, PlanVersion, Step

    return [Plan, PlanVersion, Goal, Step, Evaluation, IndependenceRating]


@contextmanager
def indexes_built_afterwards(
    tables: Sequence[type[models.Model]], using: str = "default"
) -> Iterator[None]:
    """Drop the plain indexes of the tables (not the primary keys, not the indexes of unique
    constraints) and create them again, with the same names and definitions, when the block
    has written its rows: one sorted build per index instead of an insert into it per row
    (which costs more even for a key written in ascending order). Only for a block that
    writes and does not look rows up by those indexes."""
    connection = connections[using]
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
              AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY i.indexrelid""",
            [names],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")  # a name from the catalog, quoted as needed
    yield
    with connection.cursor() as cursor:
        # the sorts of the builds in memory, for this transaction's builds only
        cursor.execute("SELECT current_setting('maintenance_work_mem')")
        memory = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('maintenance_work_mem', '256MB', true)")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [memory])


@contextmanager
def unique_constraints_checked_afterwards(
    tables: Sequence[type[models.Model]], using: str = "default"
) -> Iterator[None]:
    """Drop the unique constraints of the tables that no foreign key depends on (not the
    primary keys) and add them again, with the same names and definitions, when the block has
    written its rows: one sorted build and check per constraint instead of an index insert per
    row, which for a random key (a contact's code) lands on a page at random each time. A
    duplicate still fails, at the end of the block."""
    connection = connections[using]
    quote = connection.ops.quote_name
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
              AND c.contype = 'u'
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
              )
            ORDER BY c.oid""",
            [names],
        )
        constraints = cursor.fetchall()
        for table, name, _ in constraints:  # names from the catalog
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


# --- switching it on ----------------------------------------------------------------------


@contextmanager
def bulk_loading(using: str = "default") -> Iterator[None]:
    """Within the surrounding transaction: bulk_create through COPY, bulk_update through a
    temporary table, the demo's contacts, referrals and plans as rows, the first versions of
    clients and outcomes without history instances, the plain indexes of the client,
    consultation, plan and outcome tables built after their writes and, for a superuser, no
    foreign-key triggers (the demo's ANALYZE covers this database's tables only)."""
    import devtools.demo as demo
    from devtools.bench.contacts import add_consultations_in_parallel
    from devtools.demo import versions
    from devtools.demo.plans import _Draft

    add_clients, build_demo_outcomes = demo.add_clients, demo.build_demo_outcomes
    add_consultations, build_demo_plans = demo.add_consultations, demo.build_demo_plans

    def add_clients_fast(*args, **kwargs):
        # its lookups: by the unique Aktenzeichen (kept) and the Kreis' few households
        with indexes_built_afterwards(client_models(), using):
            return add_clients(*args, **kwargs)

    def build_demo_outcomes_fast(*args, **kwargs):
        # it looks up the clients and the plans' evaluations, not the outcomes it writes
        with indexes_built_afterwards(outcome_models(), using):
            return build_demo_outcomes(*args, **kwargs)

    def add_consultations_fast(*args, **kwargs):
        tables = consultation_models()
        with (
            indexes_built_afterwards(tables, using),
            unique_constraints_checked_afterwards(tables, using),
        ):
            return add_consultations_in_parallel(*args, using=using, **kwargs)

    def build_demo_plans_fast(*args, **kwargs):
        with indexes_built_afterwards(plan_models(), using):
            return build_demo_plans(*args, **kwargs)

    plan_makers: dict[type[models.Model], RowMaker] = {}

    def insert_plan_rows(draft, model, names, values) -> range:
        return insert_rows(plan_makers, model, names, values, using)

    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
    insert_plan = _Draft.insert
    QuerySet.bulk_create = copy_bulk_create
    QuerySet.bulk_update = copy_bulk_update
    _Draft.insert = insert_plan_rows
    add_first_versions, versions.add_first_versions = (
        versions.add_first_versions,
        copy_first_versions,
    )
    demo.add_clients, demo.build_demo_outcomes = add_clients_fast, build_demo_outcomes_fast
    demo.add_consultations = add_consultations_fast
    demo.build_demo_plans = build_demo_plans_fast
    try:
        yield
    finally:
        QuerySet.bulk_create = _original_bulk_create
        QuerySet.bulk_update = _original_bulk_update
        _Draft.insert = insert_plan
        demo.add_consultations, demo.build_demo_plans = add_consultations, build_demo_plans
        demo.add_clients, demo.build_demo_outcomes = add_clients, build_demo_outcomes
        versions.add_first_versions = add_first_versions
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
