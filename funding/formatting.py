"""German number formats for sheets, PDFs and e-mails: 1.508.000,00 €, 3,7700 %, 0,48 VZÄ."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def _german(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def euro(value: Decimal | None) -> str:
    return "–" if value is None else f"{_german(Decimal(value), 2)} €"


def percent(share: Decimal | None, places: int = 4) -> str:
    """A share (0.0377) as a percentage (3,7700 %)."""
    return "–" if share is None else f"{_german(Decimal(share) * 100, places)} %"


def quota(value: Decimal | None) -> str:
    """A percentage as entered (3.77 → 3,77 %)."""
    if value is None:
        return "–"
    value = Decimal(value).normalize()
    places = max(2, -value.as_tuple().exponent)
    return f"{_german(value, places)} %"


def number(value: Decimal | int | None, places: int = 2) -> str:
    return "–" if value is None else _german(Decimal(value), places)
