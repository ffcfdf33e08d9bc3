"""The registry: versioned definitions per reporting year, and how lines are laid out."""

from __future__ import annotations

import pytest

from reporting.kennzahlen import queries, registry
from reporting.kennzahlen.queries import Period
from reporting.kennzahlen.registry import Definition, Group, Kennzahl, definition_for
from reporting.kennzahlen.rows import Fixed, Product, TopN
from reporting.kennzahlen.table import compute_table

PERIOD = Period(landkreis_id=1, year=2025)


@pytest.fixture
def isolated_registry(monkeypatch):
    registry.definition_for(2025)  # load the real definitions first
    monkeypatch.setattr(registry, "DEFINITIONS", dict(registry.DEFINITIONS))


def _definition(version: str, first_year: int, *figures: Kennzahl) -> Definition:
    return Definition(
        version=version,
        first_year=first_year,
        title="Test",
        groups=(Group("personal", "Personal"),),
        figures=figures
        or (Kennzahl("P01", "Mitarbeitende", "personal", queries.staff_persons, "x"),),
    )


def test_the_definition_of_a_year_is_the_latest_that_started_by_then(isolated_registry):
    assert definition_for(2023).version == definition_for(2025).version == "2023.1"
    registry.register(_definition("2027.1", 2027))
    assert definition_for(2026).version == "2026.1"
    assert definition_for(2027).version == definition_for(2030).version == "2027.1"


def test_next_years_table_is_computed_from_its_own_definition(isolated_registry, world):
    registry.register(_definition("2027.1", 2027))
    table = compute_table(world.landkreis, 2027)
    assert [line.figure.id for line in table.lines()] == ["P01"]
    assert table.value("P01") == 3  # owner, colleague, outsider


def test_a_year_before_the_first_definition_has_none():
    with pytest.raises(registry.NoDefinitionError, match="erst ab 2023"):
        definition_for(2022)


def test_ids_are_unique_and_groups_known():
    figure = Kennzahl("P01", "Mitarbeitende", "personal", queries.staff_persons, "x")
    with pytest.raises(ValueError, match="doppelt"):
        _definition("x", 2030, figure, figure)
    with pytest.raises(ValueError, match="Unbekannte Gruppen"):
        _definition("x", 2030, Kennzahl("Q1", "q", "nirgends", queries.staff_persons, "x"))
    with pytest.raises(ValueError, match="Blattname"):
        Group("g", "Ein Blattname, der viel zu lang für Excel ist")


def test_a_second_definition_for_the_same_year_is_refused(isolated_registry):
    with pytest.raises(ValueError, match="schon eine Definition"):
        registry.register(_definition("2023.2", 2023))


def test_every_figure_of_the_current_definition_has_a_german_text_and_stable_id():
    definition = definition_for(2025)
    assert [f.id for f in definition.figures][:3] == ["P01", "P02", "P03"]
    for figure in definition.figures:
        assert len(figure.id) == 3 and figure.label and figure.definition.endswith(".")


def test_top_n_keeps_the_most_frequent_and_groups_the_rest():
    rows = TopN(2, lambda code: f"Land {code}", "sonstige")
    totals = {("SYR",): 5, ("AFG",): 3, ("TUR",): 3, ("ERI",): 1, ("",): 4}
    lines = rows.lines(PERIOD, totals)
    assert [line.label for line in lines] == ["Land SYR", "Land AFG", "sonstige"]
    assert lines[-1].members == frozenset({("TUR",), ("ERI",), ("",)})


def test_a_product_lists_every_combination_in_order():
    rows = Product((Fixed((("A", "Teil A"), ("B", "Teil B"))), Fixed((("x", "X"), ("y", "Y")))))
    lines = rows.lines(PERIOD, {})
    assert [line.label for line in lines] == [
        "Teil A · X",
        "Teil A · Y",
        "Teil B · X",
        "Teil B · Y",
    ]
    assert lines[1].members == frozenset({("A", "y")})
