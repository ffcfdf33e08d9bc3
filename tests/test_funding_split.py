"""The split (step 5) as a pure function: largest remainder in cents, VZÄ and the Eigenregie
flag. Property tests (hypothesis) show it always adds up to the amount to the cent and never
gives more to a municipality with fewer persons."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funding.split import SplitError, split_amount, split_cents, to_cents

COST = Decimal("70000.00")
HALF = Decimal("0.50")

amounts = st.integers(min_value=0, max_value=10**11).map(lambda cents: Decimal(cents) / 100)
weights = st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=60).filter(
    lambda ws: sum(ws) > 0
)


def keyed(ws: list[int]) -> list[tuple[str, int]]:
    return [(f"08{index:06d}", weight) for index, weight in enumerate(ws)]


@settings(max_examples=300, deadline=None)
@given(amount=amounts, ws=weights)
def test_split_always_adds_up_to_the_amount_to_the_cent(amount, ws):
    lines = split_amount(amount, keyed(ws), COST, HALF)

    assert sum(line.amount for line in lines) == amount
    assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in lines)


@settings(max_examples=300, deadline=None)
@given(amount=amounts, ws=weights)
def test_split_never_gives_more_to_a_municipality_with_fewer_persons(amount, ws):
    lines = split_amount(amount, keyed(ws), COST, HALF)

    for smaller in lines:
        for larger in lines:
            if smaller.weight < larger.weight:
                assert smaller.amount <= larger.amount


@settings(max_examples=200, deadline=None)
@given(amount=amounts, ws=weights)
def test_each_part_is_its_exact_share_rounded_down_or_up_by_at_most_one_cent(amount, ws):
    total_cents = to_cents(amount)
    parts = split_cents(total_cents, keyed(ws))
    total_weight = sum(ws)

    for key, weight in keyed(ws):
        exact_floor = total_cents * weight // total_weight
        assert parts[key] in (exact_floor, exact_floor + 1)


@settings(max_examples=100, deadline=None)
@given(amount=amounts, ws=weights, data=st.data())
def test_result_does_not_depend_on_the_order_of_the_municipalities(amount, ws, data):
    pairs = keyed(ws)
    shuffled = data.draw(st.permutations(pairs))

    assert split_cents(to_cents(amount), pairs) == split_cents(to_cents(amount), shuffled)


def test_left_over_cents_go_to_the_largest_remainders():
    # 1.00 € over 3 equal municipalities: 33 cents each, the remaining cent to the first AGS.
    parts = split_cents(100, [("08000003", 1), ("08000001", 1), ("08000002", 1)])
    assert parts == {"08000001": 34, "08000002": 33, "08000003": 33}
    # 10 cents by 1:2:3 → exact 1.67, 3.33, 5.00: the largest remainder (0.67) gets the cent.
    parts = split_cents(10, [("a", 1), ("b", 2), ("c", 3)])
    assert parts == {"a": 2, "b": 3, "c": 5}


def test_heilbronn_example_gives_shares_vza_and_the_flag():
    # 1.508.000 € (40 Mio. € × 3,77 %) over three municipalities with 950, 40 and 10 persons.
    lines = split_amount(
        Decimal("1508000.00"),
        [("08125017", 950), ("08125020", 40), ("08125021", 10)],
        COST,
        HALF,
    )
    by_key = {line.key: line for line in lines}

    assert by_key["08125017"].amount == Decimal("1432600.00")
    assert by_key["08125020"].amount == Decimal("60320.00")
    assert by_key["08125021"].amount == Decimal("15080.00")
    assert by_key["08125017"].share == Decimal("0.9500000000")
    assert by_key["08125020"].vza == Decimal("0.86")
    assert by_key["08125021"].vza == Decimal("0.22")
    assert [line.below_threshold for line in lines] == [False, False, True]


def test_threshold_is_compared_exactly_not_after_rounding_the_vza():
    # 34.999,99 € is 0.49999… VZÄ: shown as 0,50 but still below half a position.
    lines = split_amount(Decimal("34999.99"), [("a", 1)], COST, HALF)
    assert lines[0].vza == Decimal("0.50")
    assert lines[0].below_threshold is True
    lines = split_amount(Decimal("35000.00"), [("a", 1)], COST, HALF)
    assert lines[0].below_threshold is False


def test_municipalities_without_persons_get_nothing():
    lines = split_amount(Decimal("100.00"), [("a", 0), ("b", 3), ("c", 0)], COST, HALF)
    assert [line.amount for line in lines] == [Decimal("0.00"), Decimal("100.00"), Decimal("0.00")]
    assert lines[0].share == Decimal("0")


def test_no_persons_at_all_is_refused_in_german():
    with pytest.raises(SplitError, match="Keine Gemeinde hat Personen"):
        split_amount(Decimal("100.00"), [("a", 0), ("b", 0)], COST, HALF)
    with pytest.raises(SplitError, match="Keine Gemeinde hat Personen"):
        split_amount(Decimal("100.00"), [], COST, HALF)


def test_a_zero_amount_gives_zero_everywhere():
    lines = split_amount(Decimal("0.00"), [("a", 2), ("b", 5)], COST, HALF)
    assert [line.amount for line in lines] == [Decimal("0.00"), Decimal("0.00")]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("-1.00"), "nicht negativ"),
        (Decimal("1.005"), "höchstens zwei Nachkommastellen"),
        (Decimal("NaN"), "Dezimalzahl"),
    ],
)
def test_bad_amounts_are_refused(amount, message):
    with pytest.raises(SplitError, match=message):
        split_amount(amount, [("a", 1)], COST, HALF)


def test_duplicate_keys_and_negative_persons_are_refused():
    with pytest.raises(SplitError, match="nur einmal"):
        split_cents(100, [("a", 1), ("a", 2)])
    with pytest.raises(SplitError, match="nicht negativ"):
        split_cents(100, [("a", -1), ("b", 2)])
