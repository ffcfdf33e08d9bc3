"""The registry of Kennzahlen: what a figure is, and which set of figures a year reports.

A ``Kennzahl`` has a stable ID (``Z01``), a German label, a group (one sheet of the workbook)
and one aggregate query (``measure``) that the database runs for all providers at once. A
figure without ``rows`` is one line; with ``rows`` it is broken down (by sex, by field, …),
still in one query. The figures of a reporting year form a ``Definition`` with a version; the
Land's changed table for a later year is one new module in ``definitions/`` (found
automatically) whose ``first_year`` is that year.

A definition module looks like::

    DEFINITION = register(Definition(
        version="2026.1", first_year=2026, title="Kennzahlentabelle Integrationsmanagement",
        groups=(Group("personal", "Personal"), …),
        figures=(Kennzahl("P01", "Mitarbeitende (Personen)", "personal", queries.staff_persons,
                          definition="…"), …),
    ))
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reporting.kennzahlen.queries import Measure, Period
    from reporting.kennzahlen.rows import Rows


class Unit(StrEnum):
    COUNT = "count"  # whole number
    VZA = "vza"  # Decimal with two places


@dataclass(frozen=True)
class Group:
    """A group of figures: one sheet of the workbook (``title`` at most 31 characters)."""

    key: str
    title: str

    def __post_init__(self) -> None:
        if len(self.title) > 31 or any(c in self.title for c in "[]:*?/\\"):
            raise ValueError(f"Ungültiger Blattname {self.title!r} (höchstens 31 Zeichen).")


@dataclass(frozen=True)
class Kennzahl:
    """One key figure.

    ``measure`` builds the aggregate query for a period (see ``queries.Measure``). ``additive``
    says whether the Kreis value is the sum of the providers' values: true when every counted
    row belongs to exactly one provider (a client on 31 December, a contact, a staff member);
    false for distinct persons counted across providers (a person counselled by two providers
    in one year counts once for the Kreis), where the Kreis column runs the query again without
    the provider grouping. ``total_label`` adds a line summing the rows (only for breakdowns
    whose rows exclude each other).
    """

    id: str
    label: str
    group: str
    measure: Callable[[Period], Measure]
    definition: str
    rows: Rows | None = None
    unit: Unit = Unit.COUNT
    additive: bool = True
    total_label: str = ""


@dataclass(frozen=True)
class Definition:
    """The set of figures reported from ``first_year`` on, until a later definition starts."""

    version: str
    first_year: int
    title: str
    groups: tuple[Group, ...]
    figures: tuple[Kennzahl, ...]
    by_id: Mapping[str, Kennzahl] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = [figure.id for figure in self.figures]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"Kennzahl-IDs doppelt in {self.version}: {', '.join(duplicates)}")
        keys = {group.key for group in self.groups}
        unknown = sorted({f.group for f in self.figures} - keys)
        if unknown:
            raise ValueError(f"Unbekannte Gruppen in {self.version}: {', '.join(unknown)}")
        object.__setattr__(self, "by_id", {figure.id: figure for figure in self.figures})

    def figures_of(self, group: Group) -> list[Kennzahl]:
        return [figure for figure in self.figures if figure.group == group.key]


DEFINITIONS: dict[str, Definition] = {}


def register(definition: Definition) -> Definition:
    existing = DEFINITIONS.get(definition.version)
    if existing is not None and existing is not definition:
        raise ValueError(f"Die Definition {definition.version} ist schon registriert.")
    if any(
        d.first_year == definition.first_year and d.version != definition.version
        for d in DEFINITIONS.values()
    ):
        raise ValueError(f"Für {definition.first_year} gibt es schon eine Definition.")
    DEFINITIONS[definition.version] = definition
    return definition


def _discover() -> None:
    from reporting.kennzahlen import definitions

    for module in pkgutil.iter_modules(definitions.__path__):
        importlib.import_module(f"{definitions.__name__}.{module.name}")


class NoDefinitionError(LookupError):
    """No definition covers the year (the message is German, for the user)."""


def definition_for(year: int) -> Definition:
    """The definition in force for ``year``: the one with the latest ``first_year`` ≤ year."""
    _discover()
    candidates = [d for d in DEFINITIONS.values() if d.first_year <= year]
    if not candidates:
        first = min((d.first_year for d in DEFINITIONS.values()), default=None)
        raise NoDefinitionError(
            f"Für {year} ist keine Kennzahlentabelle definiert"
            + (f" (erst ab {first})." if first else ".")
        )
    return max(candidates, key=lambda d: d.first_year)


def all_definitions() -> Sequence[Definition]:
    _discover()
    return sorted(DEFINITIONS.values(), key=lambda d: d.first_year)


def first_year() -> int:
    return all_definitions()[0].first_year
