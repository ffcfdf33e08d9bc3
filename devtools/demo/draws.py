"""Weighted draws of the demo generators, as ``random.Random.choices(values, weights)[0]``
computes them (one ``random()`` placed among the cumulative weights, ``bisect``), without the
argument checks and the one-element list around each: the same values from the same seed in a
fraction of the time — the generators draw millions of times for a large Kreis. Fixed weights
(``Weights``) are summed once."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from itertools import accumulate


def weighted(rng: random.Random, values: Sequence, weights: Iterable[float]):
    """One of ``values``, drawn by ``weights``: ``rng.choices(values, weights)[0]``."""
    cumulative = list(accumulate(weights))
    return values[bisect(cumulative, rng.random() * cumulative[-1], 0, len(values) - 1)]


class Weights:
    """Fixed weights by value (a dict), summed once: ``draw`` is ``weighted`` with them."""

    def __init__(self, weights: dict) -> None:
        self.values = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total, self.last = self.cumulative[-1], len(self.values) - 1

    def draw(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.total, 0, self.last)]
