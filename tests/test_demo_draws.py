"""The demo's fast weighted draws give exactly the values of ``random.choices`` (so a faster
generator writes the same demo Kreis from the same seed)."""

from __future__ import annotations

import random

from devtools.demo.draws import Weights, weighted

WEIGHTS = {"Beratung": 80, "Begleitung": 12, "Krisenintervention": 8, "selten": 0.5}


def test_weighted_draws_are_those_of_random_choices():
    for seed in range(500):
        fast, reference = random.Random(seed), random.Random(seed)
        fixed = Weights(WEIGHTS)
        for _ in range(20):
            assert (
                weighted(fast, list(WEIGHTS), WEIGHTS.values())
                == reference.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
            )
            assert fixed.draw(fast) == reference.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
        assert fast.random() == reference.random()  # as many numbers drawn on both sides


def test_every_value_with_weight_is_drawn_and_none_without():
    rng = random.Random(2026)
    drawn = {Weights({"a": 1, "b": 0, "c": 3}).draw(rng) for _ in range(2000)}
    assert drawn == {"a", "c"}
