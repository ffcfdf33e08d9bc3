"""The README's Kennzahlen definitions, generated from the registry.

A figure's definition text lives once, on its ``Kennzahl`` in ``definitions/``. The workbook's
sheet "Erläuterungen" is written from it (``reporting.xlsx``); the README's section between
the two markers below is generated from it by ``python manage.py kennzahlen_readme`` and a
test fails when the README and the registry differ.
"""

from __future__ import annotations

from collections.abc import Sequence

from reporting.kennzahlen.registry import Definition, Kennzahl
from reporting.xlsx import COVER, NOTES

START = (
    "<!-- kennzahlen-definitions: generated from the registry by "
    "`python manage.py kennzahlen_readme`; do not edit by hand -->"
)
END = "<!-- /kennzahlen-definitions -->"


class MarkersMissing(ValueError):
    """The README lacks the markers of the generated section."""


def sheet_names(definition: Definition) -> list[str]:
    """The workbook's sheets in order: cover, one per group, notes."""
    return [COVER, *(group.title for group in definition.groups), NOTES]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _same(figure: Kennzahl, earlier: Definition | None) -> bool:
    """The figure is taken over unchanged from the earlier definition (same ID and text)."""
    if earlier is None:
        return False
    before = earlier.by_id.get(figure.id)
    return before is not None and (before.label, before.definition, before.group) == (
        figure.label,
        figure.definition,
        figure.group,
    )


def markdown(definitions: Sequence[Definition]) -> str:
    """The generated section: per definition its sheets and every figure's definition; a
    figure taken over unchanged from the definition before is named, not repeated."""
    lines: list[str] = []
    earlier: Definition | None = None
    for definition in definitions:
        sheets = ", ".join(f"„{name}“" for name in sheet_names(definition))
        lines += [
            f"**{definition.title}**, Fassung {definition.version}, ab Berichtsjahr "
            f"{definition.first_year}. Blätter der Arbeitsmappe: {sheets}.",
            "",
        ]
        for group in definition.groups:
            figures = definition.figures_of(group)
            kept = [f.id for f in figures if _same(f, earlier)]
            changed = [f for f in figures if not _same(f, earlier)]
            if kept:
                assert earlier is not None
                lines += [
                    f"Blatt „{group.title}“: unverändert aus Fassung {earlier.version}: "
                    f"{', '.join(kept)}.",
                    "",
                ]
            if not changed:
                continue
            if not kept:
                lines += [f"Blatt „{group.title}“:", ""]
            lines += ["| Nr. | Kennzahl | Was gezählt wird |", "| --- | --- | --- |"]
            lines += [f"| {f.id} | {_cell(f.label)} | {_cell(f.definition)} |" for f in changed]
            lines.append("")
        earlier = definition
    return "\n".join(lines).rstrip() + "\n"


def _bounds(readme: str) -> tuple[int, int]:
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise MarkersMissing("Die Markierungen der Kennzahlen-Definitionen fehlen im README.")
    return start + len(START), end


def section_of(readme: str) -> str:
    """The generated section as it stands in the README (between the markers)."""
    start, end = _bounds(readme)
    return readme[start:end].strip("\n") + "\n"


def with_section(readme: str, definitions: Sequence[Definition]) -> str:
    """The README with its generated section replaced by the registry's text."""
    start, end = _bounds(readme)
    return f"{readme[:start]}\n\n{markdown(definitions)}\n{readme[end:]}"
