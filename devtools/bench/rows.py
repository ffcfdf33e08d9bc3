"""Rows for COPY as an INSERT would write them: ``row_reader`` reads one off a model instance
(each value prepared by its field, short-cut where the field would pass the value on
unchanged); ``RowMaker`` makes one from a model's keyword values without an instance. Used by
``devtools.bench.dataset``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter

from django.db import connections, models
from django.utils import timezone


class NotCopyable(Exception):
    """A value is an SQL expression: the ordinary INSERT has to compute it."""


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


def _keeps_strings(field: models.Field) -> bool:
    """A text field, which stores any ``str`` as it is (a ``TextChoices`` member too: its
    ``get_db_prep_save`` returns the value unchanged)."""
    return isinstance(field, models.CharField | models.TextField) and not isinstance(
        field, models.ForeignKey
    )


def _is_timestamp(field: models.Field) -> bool:
    """A ``DateTimeField``: an aware datetime (or None) goes to PostgreSQL as it is
    (``get_prep_value`` changes only a naive one, ``adapt_datetimefield_value`` nothing)."""
    return type(field) is models.DateTimeField


def _stored_as_is(value) -> bool:
    return value is None or (type(value) is dt.datetime and value.tzinfo is not None)


def row_reader(fields, connection):
    """A function that reads one row of ``fields`` off an object, values as an INSERT would
    write them, and the columns in the order of its values: the plain fields first, all at
    once (``attrgetter``), then the rest through their ``pre_save`` and
    ``get_db_prep_save``, short-cut for the values those would return unchanged."""
    plain = [f for f in fields if _is_plain(f)]
    other = [f for f in fields if not _is_plain(f)]
    getter = _getter([f.attname for f in plain])
    strings = [_keeps_strings(f) for f in plain]
    as_is: dict[tuple, bool] = {}  # per tuple of value types: all stored unchanged?

    def unchanged(types: tuple) -> bool:
        if any(hasattr(t, "resolve_expression") for t in types):
            raise NotCopyable
        return all(
            t in PLAIN_TYPES or (keeps and issubclass(t, str))
            for t, keeps in zip(types, strings, strict=True)
        )

    def slow(values) -> list:
        return [
            value if type(value) in PLAIN_TYPES else f.get_db_prep_save(value, connection)
            for f, value in zip(plain, values, strict=True)
        ]

    readers = []
    for field in other:
        readers.append(_other_reader(field, connection))

    def read(obj) -> list:
        values = getter(obj)
        types = tuple(map(type, values))
        fast = as_is.get(types)
        if fast is None:
            fast = as_is[types] = unchanged(types)
        row = list(values) if fast else slow(values)
        for reader in readers:
            row.append(reader(obj))
        return row

    return read, [f.column for f in plain + other]


def _other_reader(field: models.Field, connection):
    """Read one field that is not plain: through ``pre_save`` (an ``auto_now`` stamps the
    object, as on an INSERT) and ``get_db_prep_save``, skipped for an aware datetime."""
    attname = field.attname
    prep = field.get_db_prep_save
    if not _is_timestamp(field):

        def prepared(obj):
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                raise NotCopyable
            return prep(value, connection)

        return prepared
    if field.auto_now or field.auto_now_add:

        def stamped(obj):
            value = field.pre_save(obj, True)
            return value if _stored_as_is(value) else _prepared(prep, value, connection)

        return stamped

    def timestamp(obj):
        value = getattr(obj, attname)
        return value if _stored_as_is(value) else _prepared(prep, value, connection)

    return timestamp


def _prepared(prep, value, connection):
    if hasattr(value, "resolve_expression"):
        raise NotCopyable
    return prep(value, connection)


def _getter(names: list[str]):
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        return lambda obj: (getattr(obj, names[0]),)
    return attrgetter(*names)


# --- rows without model instances ---------------------------------------------------------


class RowMaker:
    """The row that ``row_reader`` would read off ``model(**values)``, without the instance:
    a template per set of keywords, read once off a real instance, with the given values put
    in their columns. Used where a fields' values are all of a kind stored as it is (see
    ``row_reader``) and every field left out has a constant default; otherwise the row is read
    off a real instance. The key column stays empty and the ``auto_now`` stamps are set by
    ``stamp`` when the rows are written, as ``bulk_create`` would."""

    def __init__(self, model: type[models.Model], using: str = "default") -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.read, self.columns = row_reader(fields, connections[using])
        self.key_at = self.columns.index(model._meta.pk.column)
        self.stamps = [
            self.columns.index(f.column)
            for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.templates: dict[tuple, tuple[list, list] | None] = {}

    def row(self, values: dict) -> list:
        keys = tuple(values)
        if keys not in self.templates:
            self.templates[keys] = self._template(values)
        template = self.templates[keys]
        if template is None:
            return self._read(values)
        base, places = template
        row = base.copy()
        for (at, fits), value in zip(places, values.values(), strict=True):
            if not fits(value):
                return self._read(values)
            row[at] = value
        return row

    def rows(
        self, names: Sequence[str], values: Iterable[Sequence], keys: Iterable[int]
    ) -> Iterator[list]:
        """``row`` and ``stamp`` for many rows, the values of each in the order of ``names``
        (attribute names), the ``auto_now`` stamps the moment of the call (one statement's):
        made as they are read, so that they can be written while the next are made. The
        values' kinds are checked once per tuple of their types (a datetime's time zone, by
        its value, each time)."""
        names = tuple(names)
        moment = timezone.now()
        key_at, stamps = self.key_at, self.stamps
        base: list | None = None
        as_is: dict[tuple, bool] = {}
        for given, key in zip(values, keys, strict=True):
            if base is None:
                if names not in self.templates:
                    self.templates[names] = self._template(dict(zip(names, given, strict=True)))
                base, places = self.templates[names] or ([], [])
                places_at = [at for at, _ in places]
            row = None
            if base:
                types = tuple(map(type, given))
                fast = as_is.get(types)
                if fast is None:
                    fast = all(fits(v) for (_, fits), v in zip(places, given, strict=True))
                    if dt.datetime not in types:
                        as_is[types] = fast
                if fast:
                    row = base.copy()
                    for at, value in zip(places_at, given, strict=True):
                        row[at] = value
            if row is None:
                row = self._read(dict(zip(names, given, strict=True)))
            row[key_at] = key
            for at in stamps:
                row[at] = moment
            yield row

    def stamp(self, rows: list[list], keys: Iterable[int]) -> None:
        """Give the rows their keys and their ``auto_now`` stamps, as they are written."""
        now = timezone.now
        key_at, stamps = self.key_at, self.stamps
        for row, key in zip(rows, keys, strict=True):
            row[key_at] = key
            for at in stamps:
                row[at] = now()

    def _read(self, values: dict) -> list:
        row = self.read(self.model(**values))
        row[self.key_at] = None
        return row

    def _template(self, values: dict) -> tuple[list, list] | None:
        opts = self.model._meta
        given = set()
        places = []
        for name in values:
            field = opts.get_field(name)
            fits = _fits(field)
            if fits is None or name != field.attname or field.column not in self.columns:
                return None  # a related object, a field of another kind: the instance reads it
            given.add(field.attname)
            places.append((self.columns.index(field.column), fits))
        for field in opts.concrete_fields:
            stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            if field.attname in given or field.primary_key or stamped:
                continue
            if field.has_default() and callable(field.default):
                return None  # a default drawn per row (a code): the instance draws it
        return self._read(values), places


def _fits(field: models.Field):
    """A test that a value of ``field`` is stored as it is (None: no such test)."""
    if _is_plain(field):
        if _keeps_strings(field):
            return lambda value: type(value) in PLAIN_TYPES or isinstance(value, str)
        return lambda value: type(value) in PLAIN_TYPES
    if _is_timestamp(field) and not (field.auto_now or field.auto_now_add):
        return _stored_as_is
    return None
