"""Strict readers for settings from the environment.

Each helper fails loudly (ImproperlyConfigured) on a value it cannot parse, so a typo in a
deployment stops the start instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def env_str(name: str, default: str | object = _UNSET) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"Die Umgebungsvariable {name} muss gesetzt sein.")
        return default  # type: ignore[return-value]
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} ist kein Wahrheitswert (erlaubt: 1/0, true/false, yes/no, on/off)."
    )


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number; with ``minimum``/``maximum`` also a value outside the range stops the
    start (the default is not checked: it is the code's own choice)."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} ist keine ganze Zahl.") from exc
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        if maximum is None:
            allowed = f"mindestens {minimum}"
        elif minimum is None:
            allowed = f"höchstens {maximum}"
        else:
            allowed = f"zwischen {minimum} und {maximum}"
        raise ImproperlyConfigured(f"{name}={value!r} ist nicht erlaubt ({allowed}).")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} enthält einen leeren Eintrag.")
    return items


def env_decimal(name: str, default: str) -> Decimal:
    """A positive amount with at most two decimal places (a dot as separator)."""
    raw = env_str(name, default).strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0 or value.as_tuple().exponent < -2:
        raise ImproperlyConfigured(
            f"{name}={raw!r} ist kein positiver Betrag mit höchstens zwei Nachkommastellen "
            "(Punkt als Dezimaltrennzeichen, z. B. 70000.00)."
        )
    return value.quantize(Decimal("0.01"))
