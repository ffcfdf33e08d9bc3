"""Horizontal bar charts drawn on the server as SVG (no JavaScript, nothing from elsewhere).

The template ``reporting/_bar_chart.html`` draws a ``BarChart``: the SVG is hidden from screen
readers, and the same figures follow as a table with a caption (visually hidden unless the
chart asks for a visible table), so every chart can be read without seeing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format

WIDTH = 640
LABEL_WIDTH = 230
VALUE_SPACE = 60
ROW_HEIGHT = 26
BAR_HEIGHT = 18
PAD = 6


def display(value: Any) -> str:
    """German number format: 1.234 and 12,5."""
    if isinstance(value, Decimal | float):
        return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    return number_format(value or 0, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Any
    text: str
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 6


@dataclass
class BarChart:
    """``rows``: (label, value) pairs for the bars; ``table_headers``/``table_rows``: the data
    table (by default the same pairs, with ``value_header`` as the second column)."""

    key: str
    title: str
    caption: str
    rows: Sequence[tuple[str, Any]]
    value_header: str = "Anzahl"
    label_header: str = ""
    table_headers: Sequence[str] = ()
    table_rows: Sequence[Sequence[Any]] = ()
    note: str = ""
    visible_table: bool = False
    empty_text: str = "Keine Daten."
    extra: dict = field(default_factory=dict)
    bar_height: int = BAR_HEIGHT

    @property
    def headers(self) -> Sequence[str]:
        return self.table_headers or (self.label_header, self.value_header)

    @property
    def body(self) -> list[list[str]]:
        rows = self.table_rows or self.rows
        return [
            [row[0], *(display(v) if not isinstance(v, str) else v for v in row[1:])]
            for row in rows
        ]

    @property
    def is_empty(self) -> bool:
        return not any(value for _, value in self.rows)

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8

    @property
    def axis_x(self) -> int:
        return LABEL_WIDTH

    @property
    def height(self) -> int:
        return len(self.rows) * ROW_HEIGHT + 2 * PAD

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def bars(self) -> list[Bar]:
        largest = max((value or 0 for _, value in self.rows), default=0) or 1
        span = WIDTH - LABEL_WIDTH - VALUE_SPACE
        return [
            Bar(
                label=_short(label),
                value=value,
                text=display(value),
                y=PAD + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
                width=round(float(value or 0) / float(largest) * span, 1),
            )
            for index, (label, value) in enumerate(self.rows)
        ]


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
