"""The Kennzahlentabelle against the small Kreis of ``test_kennzahlen_scenario``, whose
figures were counted by hand: every cell of the workbook is compared, figure by figure."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from imcase.organisation.models import Provider
from reporting.kennzahlen.table import compute_table
from reporting.xlsx import COVER, NOTES, Origin, write_workbook
from tests.factories import LandkreisFactory, ProviderFactory
from tests.test_kennzahlen_scenario import YEAR, _berlin, build_scenario


@pytest.fixture
def scenario(world):
    return build_scenario(world)


def _d(text: str) -> Decimal:
    return Decimal(text)


# (figure, line) → values for (Landratsamt Testkreis, Stadt Neustadt, ohne Zuständigkeit,
# Kreis insgesamt). Every line not listed is 0 in every column.
EXPECTED = {
    ("P01", ""): (5, 2, 0, 7),
    # P02 is the year's average (VZÄ × days employed in 2025 ÷ 365): P1 1.00 + 1.00 + 0.80
    # + 0.25 all year, 0.50 from 15.01. (351 days: 0.4808) = 3.5308; P2 1.00 all year, 0.75
    # from 01.06. (214 days: 0.4397) = 1.4397; Kreis 4.9705.
    ("P02", ""): (_d("3.53"), _d("1.44"), _d("0.00"), _d("4.97")),
    ("P03", "Studium Soziale Arbeit / Sozialwesen"): (2, 1, 0, 3),
    ("P03", "andere Qualifikation (Nachqualifizierung nötig)"): (2, 1, 0, 3),
    ("P03", "ohne Angabe"): (1, 0, 0, 1),
    ("P03", "insgesamt"): (5, 2, 0, 7),
    ("P04", "abgeschlossen (bis 31.12.)"): (1, 0, 0, 1),
    ("P04", "begonnen, noch nicht abgeschlossen"): (1, 0, 0, 1),
    ("P04", "noch nicht begonnen"): (0, 1, 0, 1),
    ("P04", "insgesamt"): (2, 1, 0, 3),
    ("Z01", ""): (6, 3, 1, 10),
    ("Z02", ""): (9, 4, 1, 14),
    ("Z03", "Altstadt (08999001)"): (4, 0, 0, 4),
    ("Z03", "Kleindorf (08999003)"): (2, 0, 0, 2),
    ("Z03", "Neustadt (08999002)"): (0, 3, 0, 3),
    ("Z03", "Waldheim (08999004)"): (0, 0, 1, 1),
    ("Z04", "Altstadt (08999001)"): (6, 0, 0, 6),
    ("Z04", "Kleindorf (08999003)"): (3, 0, 0, 3),
    ("Z04", "Neustadt (08999002)"): (0, 4, 0, 4),
    ("Z04", "Waldheim (08999004)"): (0, 0, 1, 1),
    ("Z05", ""): (5, 2, 0, 6),  # c8 was counselled by both providers
    ("Z06", ""): (1, 1, 0, 2),
    ("Z07", ""): (1, 1, 0, 2),
    ("Z08", ""): (4, 1, 1, 6),
    ("M01", "männlich"): (2, 1, 1, 4),
    ("M01", "weiblich"): (3, 2, 0, 5),
    ("M01", "divers"): (1, 0, 0, 1),
    ("M01", "insgesamt"): (6, 3, 1, 10),
    ("M02", "0–17 Jahre"): (1, 0, 0, 1),
    ("M02", "18–26 Jahre"): (2, 0, 0, 2),
    ("M02", "27–64 Jahre"): (2, 3, 1, 6),
    ("M02", "65 Jahre und älter"): (1, 0, 0, 1),
    ("M02", "insgesamt"): (6, 3, 1, 10),
    ("M03", "Syrien (SYR)"): (2, 1, 0, 3),
    ("M03", "Afghanistan (AFG)"): (2, 0, 0, 2),
    ("M03", "Türkei (TUR)"): (0, 2, 0, 2),
    ("M03", "Eritrea (ERI)"): (0, 0, 1, 1),
    ("M03", "Ukraine (UKR)"): (1, 0, 0, 1),
    ("M03", "sonstige / ohne Angabe"): (1, 0, 0, 1),
    ("M03", "insgesamt"): (6, 3, 1, 10),
    ("M04", "Schutzstatus mit Aufenthaltserlaubnis"): (2, 3, 1, 6),
    ("M04", "Duldung"): (2, 0, 0, 2),
    ("M04", "Aufenthaltsgestattung (Verfahren länger als 24 Monate)"): (1, 0, 0, 1),
    ("M04", "§ 24 AufenthG (Ukraine)"): (1, 0, 0, 1),
    ("M04", "insgesamt"): (6, 3, 1, 10),
    ("M05", "Zuweisung"): (5, 3, 1, 9),
    ("M05", "Familiennachzug"): (1, 0, 0, 1),
    ("M05", "insgesamt"): (6, 3, 1, 10),
    ("I01", ""): (2, 0, 0, 2),
    ("I02", ""): (1, 2, 0, 3),
    ("I03", ""): (1, 1, 0, 2),
    ("I04", ""): (1, 0, 0, 1),
    ("I05", "Teil A · Sprache · neu"): (1, 0, 0, 1),
    ("I05", "Teil A · Sprache · in Umsetzung"): (1, 0, 0, 1),
    ("I05", "Teil A · Sprache · erreicht"): (1, 0, 0, 1),
    ("I05", "Teil A · Schulbildung · verfehlt"): (1, 0, 0, 1),
    ("I05", "Teil A · Wohnen · vereinbart"): (1, 0, 0, 1),
    ("I05", "Teil B · Sprache · vereinbart"): (0, 1, 0, 1),
    ("I05", "Teil B · Arbeitsmarkt · erreicht"): (1, 0, 0, 1),
    ("I05", "Teil B · Wohnen · in Umsetzung"): (0, 1, 0, 1),
    ("I05", "Teil B · Wohnen · erreicht"): (0, 1, 0, 1),
    ("I05", "Ziele insgesamt"): (6, 3, 0, 9),
    ("I06", "Arbeitsmarkt"): (1, 0, 0, 1),
    ("I06", "Wohnen"): (0, 1, 0, 1),
    ("I06", "insgesamt"): (1, 1, 0, 2),
    ("I07", "Sprache"): (1, 0, 0, 1),
    ("I07", "Schulbildung"): (1, 0, 0, 1),
    ("I07", "Wohnen"): (0, 1, 0, 1),
    ("I08", ""): (2, 1, 0, 3),
    ("K01", ""): (5, 2, 0, 7),
    ("K02", ""): (6, 2, 0, 8),
    ("K03", "Sondierungsgespräch"): (1, 1, 0, 2),
    ("K03", "Beratung"): (3, 1, 0, 4),
    ("K03", "Krisenintervention"): (1, 0, 0, 1),
    ("K03", "insgesamt"): (5, 2, 0, 7),
    ("K04", "Sprechstunde"): (1, 1, 0, 2),
    ("K04", "aufsuchend"): (1, 0, 0, 1),
    ("K04", "Büro"): (1, 1, 0, 2),
    ("K04", "telefonisch"): (1, 0, 0, 1),
    ("K04", "online"): (1, 0, 0, 1),
    ("K04", "insgesamt"): (5, 2, 0, 7),
    ("K05", "Sprache"): (2, 1, 0, 3),
    ("K05", "Wohnen"): (2, 0, 0, 2),
    ("K05", "Kinder und Familie"): (1, 0, 0, 1),
    ("K05", "Arbeit und Beschäftigung"): (0, 1, 0, 1),
    ("K06", "Jobcenter"): (1, 1, 0, 2),
    ("K06", "Jugendmigrationsdienst (JMD)"): (1, 0, 0, 1),
    ("K06", "Migrationsberatung für Erwachsene (MBE)"): (0, 1, 0, 1),
    ("K06", "insgesamt"): (2, 2, 0, 4),
    ("K07", "Jugendmigrationsdienst (JMD)"): (1, 0, 0, 1),
    ("K07", "Jobcenter"): (0, 1, 0, 1),
    ("K07", "insgesamt"): (1, 1, 0, 2),
    ("V01", ""): (3, 0, 0, 3),
    ("V02", ""): (1, 0, 0, 1),
    ("V03", ""): (1, 0, 0, 1),
    ("V04", "Beratungszeitraum beendet"): (1, 0, 0, 1),
    ("V04", "weggezogen"): (1, 0, 0, 1),
    ("V04", "selbständig"): (1, 0, 0, 1),
    ("V04", "Beratung abgelehnt"): (0, 1, 0, 1),
    ("V04", "insgesamt"): (3, 1, 0, 4),
}
COLUMNS = ["Landratsamt Testkreis", "Stadt Neustadt", "ohne Zuständigkeit", "Kreis insgesamt"]
SHEETS = [
    COVER,
    "Personal",
    "Zielgruppe und Beratung",
    "Merkmale der Personen",
    "Integrationspläne",
    "Kontakte und Vermittlungen",
    "Verlängerung und Ausleitung",
    NOTES,
]


def read_figures(workbook) -> tuple[list[str], dict[tuple[str, str], tuple]]:
    """Header columns after Nr./Kennzahl/Ausprägung, and every line's values."""
    found: dict[tuple[str, str], tuple] = {}
    columns = None
    for sheet in workbook.worksheets:
        if sheet.title in (COVER, NOTES):
            continue
        header, *rows = sheet.iter_rows(values_only=True)
        assert header[:3] == ("Nr.", "Kennzahl", "Ausprägung")
        columns = list(header[3:])
        for row in rows:
            key = (row[0], row[2] or "")
            assert key not in found, f"Zeile doppelt: {key}"
            found[key] = tuple(row[3:])
    return columns, found


def _workbook(tmp_path, *options) -> openpyxl.Workbook:
    """``manage.py kennzahlen`` (the scenario holds a second Kreis: name ours, or a provider)."""
    path = tmp_path / "kennzahlen.xlsx"
    if "--provider" not in options:
        options = ("--kreis", "Landkreis Testkreis", *options)
    call_command(
        "kennzahlen", "--year", str(YEAR), *options, "--xlsx", str(path), stdout=io.StringIO()
    )
    return openpyxl.load_workbook(path)


def test_every_figure_of_the_workbook_matches_the_hand_count(scenario, tmp_path):
    workbook = _workbook(tmp_path)
    assert workbook.sheetnames == SHEETS
    columns, found = read_figures(workbook)
    assert columns == COLUMNS
    unknown = set(EXPECTED) - set(found)
    assert not unknown, f"erwartete Zeilen fehlen: {sorted(unknown)}"
    for key, values in found.items():
        expected = EXPECTED.get(key, (0, 0, 0, 0))
        if key[0] == "P02":
            assert all(isinstance(v, float | int) for v in values)
            values = tuple(Decimal(str(v)).quantize(Decimal("0.01")) for v in values)
        assert values == expected, f"{key}: {values} statt {expected}"


def test_the_provider_workbook_has_only_that_providers_column(scenario, tmp_path):
    workbook = _workbook(tmp_path, "--provider", str(scenario.p2.pk))
    columns, found = read_figures(workbook)
    assert columns == ["Stadt Neustadt"]
    for key, values in found.items():
        expected = EXPECTED.get(key, (0, 0, 0, 0))[1]
        if key[0] == "P02":
            values = (Decimal(str(values[0])).quantize(Decimal("0.01")),)
        assert values == (expected,), key
    # only the municipalities it served, in the municipality breakdown
    assert [label for figure, label in found if figure == "Z03"] == ["Neustadt (08999002)"]
    assert workbook[COVER]["B6"].value == "Stadt Neustadt"


def test_the_cover_names_kreis_year_provider_time_author_and_version(scenario, tmp_path):
    cover = _workbook(tmp_path)[COVER]
    values = {
        cover.cell(row=r, column=1).value: cover.cell(row=r, column=2).value for r in range(3, 11)
    }
    assert values["Kreis"] == "Landkreis Testkreis"
    assert values["Regierungspräsidium"] == "Regierungspräsidium Stuttgart"
    assert values["Berichtsjahr"] == YEAR
    assert values["Träger"] == "alle Träger des Kreises"
    assert values["Fassung der Tabelle"] == "2023.1"
    assert isinstance(values["erstellt am"], dt.datetime)
    assert values["erstellt von"].startswith("Kommandozeile")


def test_figure_sheets_freeze_the_header_and_format_numbers(scenario, tmp_path):
    workbook = _workbook(tmp_path)
    sheet = workbook["Personal"]
    assert sheet.freeze_panes == "D2"
    assert sheet["A1"].font.bold
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["P01"][3].number_format == "#,##0"
    assert rows["P02"][3].number_format == "#,##0.00"
    notes = workbook[NOTES]
    assert notes["A1"].value == "Nr." and notes.max_row == 1 + 36


def test_the_same_data_gives_the_same_cells(scenario, world):
    def cells(at):
        buffer = io.BytesIO()
        write_workbook(compute_table(world.landkreis, YEAR), Origin(at, "x"), buffer)
        workbook = openpyxl.load_workbook(buffer)
        return {
            sheet.title: [tuple(c.value for c in row) for row in sheet.iter_rows()]
            for sheet in workbook.worksheets
            if sheet.title != COVER
        }

    assert cells(_berlin(2026, 1, 20, 9)) == cells(_berlin(2026, 1, 28, 17))


def test_one_query_per_figure_and_one_more_for_each_non_additive_kreis_column(
    scenario, world, django_assert_max_num_queries
):
    table = compute_table(world.landkreis, YEAR)  # warm caches (content types, fields)
    figures = len(table.definition.figures)
    non_additive = sum(1 for f in table.definition.figures if not f.additive)
    row_sources = 12  # municipalities, fields, topics, services and the columns' providers
    with django_assert_max_num_queries(figures + non_additive + row_sources):
        compute_table(world.landkreis, YEAR)


def test_command_refuses_an_unknown_provider_and_a_year_without_definition(world, tmp_path):
    out = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="keinen Träger"):
        call_command("kennzahlen", "--year", "2025", "--provider", "999999", "--xlsx", out)
    with pytest.raises(CommandError, match="keine Kennzahlentabelle"):
        call_command("kennzahlen", "--year", "2019", "--xlsx", out)


def test_command_asks_for_the_kreis_when_the_database_holds_several(world, tmp_path):
    LandkreisFactory(name="Landkreis Zwei")
    out = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="--kreis"):
        call_command("kennzahlen", "--year", "2025", "--xlsx", out)
    call_command(
        "kennzahlen",
        "--year",
        "2025",
        "--kreis",
        "Landkreis Testkreis",
        "--xlsx",
        out,
        stdout=io.StringIO(),
    )
    assert openpyxl.load_workbook(out)[COVER]["B3"].value == "Landkreis Testkreis"


def test_a_provider_of_another_kreis_is_refused(world):
    stranger = ProviderFactory(name="Fremder Träger")
    with pytest.raises(ValueError, match="gehört nicht"):
        compute_table(world.landkreis, YEAR, stranger)


def test_unserved_column_is_left_out_when_nobody_lives_there(world):
    table = compute_table(world.landkreis, YEAR)
    assert [c.title for c in table.columns] == [
        "Landratsamt Testkreis",
        "Stadt Neustadt",
        "Kreis insgesamt",
    ]
    assert Provider.objects.count() >= 2
