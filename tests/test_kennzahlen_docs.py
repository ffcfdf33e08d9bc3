"""Definitions stated once: the registry's text is what the workbook's "Erläuterungen" sheet
and the README say, and the README names the workbook's sheets as they are."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from reporting.kennzahlen.docs import END, START, markdown, section_of, sheet_names
from reporting.kennzahlen.registry import all_definitions, definition_for
from reporting.kennzahlen.table import compute_table
from reporting.xlsx import NOTES, Origin, workbook_bytes

README = settings.BASE_DIR / "README.md"


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def test_the_readme_states_every_definition_as_the_registry_does():
    assert section_of(_readme()) == markdown(all_definitions()), (
        "README weicht vom Register ab: python manage.py kennzahlen_readme"
    )


def test_each_definition_text_appears_once_in_the_readme():
    readme = _readme()
    for definition in all_definitions():
        for figure in definition.figures:
            row = f"| {figure.id} | {figure.label} | {figure.definition} |"
            assert readme.count(row) == 1, figure.id
    assert readme.count(START) == readme.count(END) == 1


def test_the_readme_names_the_sheets_of_the_workbook(world):
    definition = definition_for(2025)
    table = compute_table(world.landkreis, 2025)
    origin = Origin(dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC), "Koordinierungsstelle")
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(table, origin)))

    assert workbook.sheetnames == sheet_names(definition)
    sheets = ", ".join(f"„{name}“" for name in workbook.sheetnames)
    assert f"Blätter der Arbeitsmappe: {sheets}." in _readme()
    notes = list(workbook[NOTES].iter_rows(min_row=2, values_only=True))
    groups = {group.key: group.title for group in definition.groups}
    assert notes == [
        (figure.id, figure.label, groups[figure.group], figure.definition)
        for figure in definition.figures
    ]


def test_p02_and_z08_are_defined_in_words():
    figures = definition_for(2025).by_id
    assert "Jahresdurchschnitt" in figures["P02"].definition
    assert "Tage ihrer Beschäftigung im Jahr ÷ Tage des Jahres" in figures["P02"].definition
    assert "kein weiteres Mitglied in der Zielgruppe" in figures["Z08"].definition


def test_the_command_rewrites_a_stale_readme_and_check_refuses_it(tmp_path):
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n\n{START}\nalt\n{END}\n\nRest\n", encoding="utf-8")

    with pytest.raises(CommandError, match="weichen vom Register ab"):
        call_command("kennzahlen_readme", "--check", "--readme", str(stale), stdout=io.StringIO())
    call_command("kennzahlen_readme", "--readme", str(stale), stdout=io.StringIO())

    text = stale.read_text(encoding="utf-8")
    assert section_of(text) == markdown(all_definitions())
    assert text.startswith("# x\n") and text.endswith("\nRest\n")
    call_command("kennzahlen_readme", "--check", "--readme", str(stale), stdout=io.StringIO())


def test_a_readme_without_markers_is_refused(tmp_path):
    bare = tmp_path / "README.md"
    bare.write_text("# x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Markierungen"):
        call_command("kennzahlen_readme", "--readme", str(bare), stdout=io.StringIO())
