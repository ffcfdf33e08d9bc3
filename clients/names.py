"""Consonant skeletons of names, for the spelling-tolerant name search (``clients.search``).

Names of refugees reach the files in many transliterations; Arabic script writes no short
vowels and every transliteration guesses them differently. The skeleton keeps what they agree
on: lower case, diacritics folded, ``ph`` → ``f``, ``w`` → ``v``, ``j`` → ``y``; vowels, a ``y``
inside a word, blanks and hyphens removed; doubled letters collapsed (Yusuf, Youssef and Jussuf
all become ``ysf``, Mohammed and Muhammad ``mhmd``, Abdul Rahman and Abdulrahman ``bdlrhmn``).

Every client stores the skeletons of its names (``first_name_skeleton``,
``last_name_skeleton``): on PostgreSQL a trigger keeps them (function ``imcase_name_skeleton``,
migration clients 0005, the same rule in SQL; a test checks that both agree), elsewhere
``Client.save`` and the bulk writers (import, demo, anonymisation) fill them with
``fill_name_skeletons`` (migration clients 0007 filled the rows written before).
"""

from __future__ import annotations

import re

_FOLD_FROM = "äöüßçşğıáàâéèêíìîóòôúùûñčšžwj"
_FOLD_TO = "aouscsgiaaaeeeiiiooouuuncszvy"
_FOLD = str.maketrans(_FOLD_FROM, _FOLD_TO)
SKELETON_FIELDS = ("first_name_skeleton", "last_name_skeleton")


def name_skeleton(text: str) -> str:
    """The consonant skeleton of a name (see the module docstring)."""
    folded = text.lower().translate(_FOLD).replace("ph", "f")
    consonants = re.sub(r"[^a-z]|[aeiou]", "", re.sub(r"(?<=[a-z])y", "", folded))
    return re.sub(r"(.)\1+", r"\1", consonants)


def fill_name_skeletons(client) -> list[str]:
    """Set the client's stored skeletons from its names; returns the fields that changed."""
    changed = []
    for field, name in zip(SKELETON_FIELDS, (client.first_name, client.last_name), strict=True):
        skeleton = name_skeleton(name or "")
        if getattr(client, field) != skeleton:
            setattr(client, field, skeleton)
            changed.append(field)
    return changed
