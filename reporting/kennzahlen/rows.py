"""The lines of a broken-down figure: which keys it shows, in which order, with which label.

A row source turns the raw keys of a query (``(k0, k1, …)`` tuples) and their totals into
``Line`` objects. Lines come in a fixed order (the order of the choices, of the fields by
position and name, of the municipalities by name), so the same data always gives the same
table; a line may sum several raw keys (``members``), as "sonstige" does.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q

from imcase.organisation.models import Municipality, ProviderArea
from reporting.kennzahlen.queries import Period

Totals = Mapping[tuple, Any]  # raw key → value, over the table's columns


@dataclass(frozen=True)
class Line:
    key: tuple  # stable key of the line, e.g. ("w",) or ("A", "Sprache", "erreicht")
    label: str
    members: frozenset[tuple]  # the raw keys whose values this line adds up


class Rows(Protocol):
    def lines(self, period: Period, totals: Totals) -> list[Line]: ...


def _single(key: Any, label: str, raw: Any = None) -> Line:
    return Line((key,), label, frozenset({(key if raw is None else raw,)}))


@dataclass(frozen=True)
class Fixed:
    """A fixed list of (key, label); ``blank_label`` adds a line for the empty value."""

    entries: Sequence[tuple[Any, str]]
    blank_label: str = ""

    def lines(self, period: Period, totals: Totals) -> list[Line]:
        found = [_single(key, label) for key, label in self.entries]
        if self.blank_label:
            found.append(_single("", self.blank_label))
        return found


def choices(choices_class, blank_label: str = "") -> Fixed:
    return Fixed(tuple(choices_class.choices), blank_label)


@dataclass(frozen=True)
class Objects:
    """One line per object of a model with ``name`` and ``position`` (GoalField, Topic,
    RegularService): the active ones, and inactive ones with a value."""

    model_label: str

    def lines(self, period: Period, totals: Totals) -> list[Line]:
        from django.apps import apps

        model = apps.get_model(self.model_label)
        used = {key[0] for key, value in totals.items() if value}
        objects = model.objects.filter(Q(active=True) | Q(pk__in=used)).order_by("position", "name")
        return [_single(obj.name, obj.name, obj.pk) for obj in objects]


@dataclass(frozen=True)
class Municipalities:
    """The Kreis's municipalities by name (for one provider: those it served in the year),
    plus any other with a value."""

    def lines(self, period: Period, totals: Totals) -> list[Line]:
        used = {key[0] for key, value in totals.items() if value}
        shown = Q(landkreis_id=period.landkreis_id)
        if period.provider_id is not None:
            served = ProviderArea.objects.filter(
                Q(valid_until__isnull=True) | Q(valid_until__gte=period.start),
                provider_id=period.provider_id,
                valid_from__lte=period.end,
            ).values("municipality_id")
            shown = Q(pk__in=served)
        municipalities = Municipality.objects.filter(shown | Q(pk__in=used)).order_by("name", "ags")
        return [_single(m.ags, f"{m.name} ({m.ags})", m.pk) for m in municipalities]


@dataclass(frozen=True)
class OutcomeKinds:
    """One line per outcome kind with the flag ``flag`` (``counts_as_work_or_training``, …):
    the kinds valid in the year, and retired ones with a value; in the vocabulary's order."""

    flag: str

    def lines(self, period: Period, totals: Totals) -> list[Line]:
        from clients.models import OutcomeKind

        used = {key[0] for key, value in totals.items() if value}
        valid = Q(first_year__lte=period.year) & (
            Q(last_year__isnull=True) | Q(last_year__gte=period.year)
        )
        kinds = (
            OutcomeKind.objects.filter(**{self.flag: True})
            .filter(valid | Q(pk__in=used))
            .order_by("category", "position", "name")
        )
        return [_single(kind.code, kind.name, kind.pk) for kind in kinds]


@dataclass(frozen=True)
class TopN:
    """The ``n`` most frequent keys (by the table's total, then by key) as lines of their own,
    then one line for all the others and the empty value."""

    n: int
    label: Callable[[Any], str]
    other_label: str = "sonstige / ohne Angabe"

    def lines(self, period: Period, totals: Totals) -> list[Line]:
        ranked = sorted(
            ((key[0], value) for key, value in totals.items() if key[0] and value),
            key=lambda item: (-item[1], item[0]),
        )
        top = [key for key, _ in ranked[: self.n]]
        rest = frozenset(key for key in totals if key[0] not in top)
        found = [_single(key, self.label(key)) for key in top]
        found.append(Line(("sonstige",), self.other_label, rest))
        return found


@dataclass(frozen=True)
class Product:
    """Every combination of the lines of several sources (part × field × status); each
    dimension's lines are chosen from its own totals."""

    sources: tuple[Rows, ...]
    separator: str = " · "

    def lines(self, period: Period, totals: Totals) -> list[Line]:
        dimensions = []
        for index, source in enumerate(self.sources):
            marginal: dict[tuple, Any] = {}
            for key, value in totals.items():
                marginal[(key[index],)] = marginal.get((key[index],), 0) + (value or 0)
            dimensions.append(source.lines(period, marginal))
        found = []
        for combination in itertools.product(*dimensions):
            members = frozenset(
                tuple(itertools.chain.from_iterable(parts))
                for parts in itertools.product(*(line.members for line in combination))
            )
            found.append(
                Line(
                    tuple(itertools.chain.from_iterable(line.key for line in combination)),
                    self.separator.join(line.label for line in combination),
                    members,
                )
            )
        return found


def sum_members(values: Mapping[tuple, Any], members: Iterable[tuple], zero: Any) -> Any:
    total = zero
    for key in members:
        value = values.get(key)
        if value:
            total += value
    return total
