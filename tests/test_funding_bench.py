"""The funding benchmark cases are registered and work (on a small synthetic Kreis here;
``manage.py bench`` runs them at 1,101 municipalities and 150,000 persons)."""

from __future__ import annotations

from decimal import Decimal

from devtools.bench import CASES
from devtools.bench import funding as bench_funding
from funding.computation import plan_for_year


def test_funding_cases_are_registered():
    names = [case.name for case in CASES]
    assert "Förderung: Verteilung 1.101 Gemeinden / 150.000 Personen (Funktion)" in names
    assert "Förderung: Verteilung aus den Listen (1.101 Gemeinden, 150.000 Einträge)" in names


def test_synthetic_distribution_has_the_land_size_and_sums_exactly():
    weights = bench_funding.synthetic_weights()
    assert len(weights) == 1101
    assert sum(count for _, count in weights) == 150_000
    assert len({ags for ags, _ in weights}) == 1101


def test_pure_case_splits_the_land_total():
    case = next(c for c in CASES if c.name.endswith("(Funktion)"))
    lines = case.run(case.setup())
    assert sum(line.amount for line in lines) == Decimal("40000000.00")


def test_bench_kreis_is_built_once_and_split_from_its_lists(db):
    year = bench_funding.ensure_bench_kreis(municipalities=12, persons=300)
    again = bench_funding.ensure_bench_kreis(municipalities=12, persons=300)
    assert again.pk == year.pk

    plan = plan_for_year(year)

    assert len(plan.rows) == 12
    assert plan.total_persons == 300 - sum(
        len(range(0, count, 25)) for _, count in bench_funding.synthetic_weights(12, 300)
    )
    assert plan.total_amount == Decimal("40000000.00")
