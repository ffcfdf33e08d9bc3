"""Counted nouns in German: "1 Person", "2 Personen", "1 nachgeborenes Kind".

Every message with a number goes through ``counted`` (or the template filter ``counted`` of
``imcase_tags``), so singular and plural come from ``ngettext`` and thousands are grouped the
German way (1.234).
"""

from __future__ import annotations

from django.utils.translation import ngettext


def number(value: int) -> str:
    """1234 → "1.234"."""
    return f"{value:,}".replace(",", ".")


def counted(count: int, singular: str, plural: str) -> str:
    """``count`` with the noun phrase in the right number: counted(1, "Tag", "Tage") → "1 Tag".

    ``singular`` and ``plural`` are the words after the number ("nachgeborenes Kind",
    "nachgeborene Kinder").
    """
    return ngettext("%(n)s " + singular, "%(n)s " + plural, count) % {"n": number(count)}
