"""Step 5 of the funding procedure: split an amount over municipalities in proportion to a key.

Pure functions without the database, so a test (and the benchmark) can call them directly.

The rule: each municipality's amount = distributable amount × its persons ÷ all persons,
in euro cents, rounded by the largest-remainder method (Hare–Niemeyer): every municipality
first gets the cents it is owed rounded down; the cents left over go one each to the largest
remainders, ties broken by the smaller key (the AGS), so the result never depends on the input
order. The parts add up to the distributable amount exactly, and a municipality with fewer
persons never gets more than one with more persons.

The same function splits by Einwohnerzahl (another programme's key): the weights are just
whole numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
SHARE_PLACES = Decimal("0.0000000001")  # ten places: a share is shown as a percentage


class SplitError(ValueError):
    """The split cannot be made; the message is for the user, in German."""


@dataclass(frozen=True)
class SplitLine:
    """One municipality's part of the split."""

    key: str  # the AGS
    weight: int  # persons (or inhabitants)
    share: Decimal  # weight ÷ all weights, ten decimal places
    amount: Decimal  # euro, two places
    vza: Decimal  # amount ÷ cost per VZÄ, two places
    below_threshold: bool  # too little for a position of its own (Eigenregie)


def to_cents(amount: Decimal) -> int:
    """An amount in whole cents; refuses negatives and fractions of a cent."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise SplitError("Der Betrag muss eine Dezimalzahl sein.")
    if amount < 0:
        raise SplitError("Der zu verteilende Betrag darf nicht negativ sein.")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise SplitError("Der Betrag darf höchstens zwei Nachkommastellen haben.")
    return int(cents)


def split_cents(total_cents: int, weights: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Split ``total_cents`` over the keys in proportion to their weights (largest remainder).

    ``weights`` are (key, weight) pairs with unique keys and whole, non-negative weights.
    """
    pairs = list(weights)
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise SplitError("Jede Gemeinde darf in der Verteilung nur einmal vorkommen.")
    if any(weight < 0 for _, weight in pairs):
        raise SplitError("Die Zahl der Personen darf nicht negativ sein.")
    if total_cents < 0:
        raise SplitError("Der zu verteilende Betrag darf nicht negativ sein.")
    total_weight = sum(weight for _, weight in pairs)
    if total_weight == 0:
        raise SplitError(
            "Keine Gemeinde hat Personen in der Zielgruppe: der Betrag kann nicht verteilt werden."
        )
    # Exact integer arithmetic: floor and remainder of total × weight ÷ all weights.
    parts: dict[str, int] = {}
    remainders: list[tuple[int, str]] = []
    for key, weight in pairs:
        floor, remainder = divmod(total_cents * weight, total_weight)
        parts[key] = floor
        remainders.append((remainder, key))
    left_over = total_cents - sum(parts.values())
    # Fewer than len(pairs) cents are left; the largest remainders get one each.
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _remainder, key in remainders[:left_over]:
        parts[key] += 1
    return parts


def split_amount(
    amount: Decimal,
    weights: Iterable[tuple[str, int]],
    cost_per_vza: Decimal,
    min_vza: Decimal,
) -> list[SplitLine]:
    """The split of ``amount`` (euro) with each part's share, VZÄ and the Eigenregie flag.

    Lines come back in the order of ``weights``.
    """
    if cost_per_vza <= 0:
        raise SplitError("Die Kosten je VZÄ müssen größer als null sein.")
    pairs = [(str(key), int(weight)) for key, weight in weights]
    cents = split_cents(to_cents(amount), pairs)
    total_weight = sum(weight for _, weight in pairs)
    # A position of min_vza costs this much; compared exactly, not after rounding the VZÄ.
    threshold_amount = cost_per_vza * min_vza
    lines = []
    for key, weight in pairs:
        part = (Decimal(cents[key]) / 100).quantize(CENT)
        lines.append(
            SplitLine(
                key=key,
                weight=weight,
                share=(Decimal(weight) / Decimal(total_weight)).quantize(
                    SHARE_PLACES, rounding=ROUND_HALF_UP
                ),
                amount=part,
                vza=(part / cost_per_vza).quantize(CENT, rounding=ROUND_HALF_UP),
                below_threshold=part < threshold_amount,
            )
        )
    return lines
