"""The counselling window (Beratungszeitraum): plain date rules, no database.

VwV IntM: counselling for three years from the assignment to AU, extendable once by one year in
a justified single case. Per BGB §§ 187(1), 188(2),(3) the last counselling day is the
assignment date moved by three (four) years; a 29 February moves to 28 February when the
target year has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

YEARS = 3
EXTENSION_YEARS = 1
ENDS_SOON_DAYS = 90


class WindowStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_WINDOW = "in_window"
    ENDS_SOON = "ends_soon"
    EXTENDED = "extended"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return WINDOW_STATUS_LABELS[self]


WINDOW_STATUS_LABELS = {
    WindowStatus.NOT_STARTED: "noch nicht begonnen",
    WindowStatus.IN_WINDOW: "im Beratungszeitraum",
    WindowStatus.ENDS_SOON: f"endet in höchstens {ENDS_SOON_DAYS} Tagen",
    WindowStatus.EXTENDED: "verlängert",
    WindowStatus.ENDED: "beendet – Ausleitung fällig",
}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February if needed."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_counselling_day(start: dt.date, extended: bool = False) -> dt.date:
    return add_years(start, YEARS + (EXTENSION_YEARS if extended else 0))


@dataclass(frozen=True)
class Window:
    start: dt.date
    extended: bool = False

    @property
    def end(self) -> dt.date:
        return last_counselling_day(self.start, self.extended)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def days_left(self, day: dt.date) -> int:
        return (self.end - day).days

    def status_on(self, day: dt.date) -> WindowStatus:
        """Precedence: ended, then ends soon, then extended, then in window."""
        if day < self.start:
            return WindowStatus.NOT_STARTED
        left = self.days_left(day)
        if left < 0:
            return WindowStatus.ENDED
        if left <= ENDS_SOON_DAYS:
            return WindowStatus.ENDS_SOON
        if self.extended:
            return WindowStatus.EXTENDED
        return WindowStatus.IN_WINDOW

    def elapsed_share(self, day: dt.date) -> float:
        """Share of the window used up on ``day`` (0..1), for the progress bar only."""
        total = (self.end - self.start).days or 1
        return min(max((day - self.start).days / total, 0.0), 1.0)
