"""Every XLSX the product writes (``imcase.exports.xlsx``): a text typed into a form stays text
and never becomes a formula, and every sheet is set up for printing on A4 (one page wide, the
header row on every page, a footer with the sheet name and the page number)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from clients.exporter import write_clients_xlsx
from clients.models import Client
from funding.exports.allocation import OverviewRow, write_overview_xlsx, write_sheet_xlsx
from funding.models import Allocation
from funding.services import population as population_services
from funding.services import usage as usage_services
from imcase.exports import xlsx
from imcase.organisation.models import Role
from reporting.kennzahlen.table import compute_table
from reporting.xlsx import Origin, write_workbook
from tests.factories import (
    ClientFactory,
    FundingYearFactory,
    MunicipalityFactory,
    StaffMemberFactory,
    TeamFactory,
    UserFactory,
)
from tests.test_funding_decisions import publish_amounts
from tests.test_funding_support import http

HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULA_LIKE = [HYPERLINK, "=1+1", "+49 711 123", "-1", "@SUMME(A1)"]


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def assert_no_formula_in(content: bytes) -> None:
    """Not one ``<f>`` element in any sheet of the file."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def cells_with(book: openpyxl.Workbook, text: str) -> list:
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == text
    ]


def assert_literal(content: bytes, text: str) -> None:
    found = cells_with(workbook(content), text)
    assert found, f"{text!r} fehlt"
    assert all(cell.data_type == "s" for cell in found)
    assert_no_formula_in(content)


def assert_printable(sheet, *, landscape: bool, title_rows: str | None = "$1:$1") -> None:
    assert sheet.page_setup.orientation == ("landscape" if landscape else "portrait")
    assert sheet.page_setup.paperSize == 9  # A4
    # One page wide: 1 is the file format's default, which XlsxWriter leaves out (None).
    assert sheet.page_setup.fitToWidth in (1, None)
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == title_rows
    assert sheet.oddFooter.left.text == "&A"
    assert sheet.oddFooter.right.text == "Seite &P von &N"


# --- the writer itself ---------------------------------------------------------------------


def small_book() -> bytes:
    book = xlsx.Spreadsheet()
    table = book.add_table(
        "Tabelle", [xlsx.Column("Text", 20), xlsx.Column("Betrag (EUR)", 14, xlsx.EURO_FORMAT)]
    )
    table.write_rows([(text, Decimal("1.50")) for text in FORMULA_LIKE])
    table.append([dt.date(2025, 1, 31), None])
    cover = book.add_sheet("Deckblatt", (30, 30))
    cover.append_field("Name", HYPERLINK)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_text_that_looks_like_a_formula_is_written_as_text(text):
    assert_literal(small_book(), text)


def test_a_table_formats_its_columns_and_dates_and_leaves_empty_cells_plain():
    sheet = workbook(small_book())["Tabelle"]

    assert [cell.value for cell in sheet[1]] == ["Text", "Betrag (EUR)"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["B2"].value == 1.5 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["A2"].number_format == "General"
    assert sheet["A7"].value == dt.datetime(2025, 1, 31)
    assert sheet["A7"].number_format == "DD.MM.YYYY"
    assert sheet["B7"].value is None and sheet["B7"].number_format == "General"
    assert sheet.column_dimensions["A"].width == 20


def test_a_narrow_sheet_prints_upright_and_a_wide_one_across():
    book = xlsx.Spreadsheet()
    book.add_table("schmal", [xlsx.Column("A", 50), xlsx.Column("B", 50)])
    book.add_table("breit", [xlsx.Column("A", 50), xlsx.Column("B", 51)])
    book.add_sheet("quer", (10,), landscape=True)
    out = io.BytesIO()
    book.save(out)
    read = workbook(out.getvalue())

    assert_printable(read["schmal"], landscape=False)
    assert_printable(read["breit"], landscape=True)
    assert_printable(read["quer"], landscape=True, title_rows=None)


def large_book(header: xlsx.HeaderStyle = xlsx.HEADER) -> bytes:
    out = io.BytesIO()
    book = xlsx.LargeSpreadsheet(out)
    table = book.add_table(
        "Tabelle",
        [xlsx.Column("Text", 20), xlsx.Column("Betrag (EUR)", 14, xlsx.EURO_FORMAT)],
        header=header,
    )
    table.write_rows([(text, Decimal("1.50")) for text in FORMULA_LIKE])
    table.append([dt.date(2025, 1, 31), None])
    table.append([dt.datetime(2025, 1, 31, 14, 30), 7])
    table.append([dt.datetime(2025, 1, 31, 13, 30, tzinfo=dt.UTC), None])
    book.save()
    return out.getvalue()


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_large_table_writes_a_text_that_looks_like_a_formula_as_text(text):
    assert_literal(large_book(), text)


def test_a_large_table_is_the_same_table_as_a_small_one():
    sheet = workbook(large_book())["Tabelle"]

    assert [cell.value for cell in sheet[1]] == ["Text", "Betrag (EUR)"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["B2"].value == 1.5 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["A2"].number_format == "General"
    assert sheet["A7"].value == dt.datetime(2025, 1, 31)
    assert sheet["A7"].number_format == "DD.MM.YYYY"
    assert sheet["B7"].value is None and sheet["B7"].number_format == "General"
    assert sheet["A8"].value == dt.datetime(2025, 1, 31, 14, 30)
    assert sheet["A8"].number_format == "DD.MM.YYYY HH:MM"
    assert sheet["B8"].value == 7
    assert sheet["A9"].value == dt.datetime(2025, 1, 31, 14, 30)  # 13:30 UTC is 14:30 in Berlin
    assert sheet.column_dimensions["A"].width == pytest.approx(20, abs=1)
    assert_printable(sheet, landscape=False)


def test_a_large_table_takes_the_header_style_of_its_table():
    header = xlsx.HeaderStyle(fill=xlsx.MARKED_FILL, alignment=xlsx.WRAP)

    cell = workbook(large_book(header))["Tabelle"]["A1"]

    assert cell.font.bold and cell.alignment.wrap_text and cell.alignment.vertical == "top"
    assert cell.fill.fgColor.rgb.endswith("FCE4D6")


# --- client list ---------------------------------------------------------------------------


def test_client_export_writes_a_name_that_looks_like_a_formula_as_text(world, tmp_path):
    ClientFactory(municipality=world.town, last_name=HYPERLINK, first_name="+49 Amina")
    path = tmp_path / "klienten.xlsx"

    call_command("export_clients", "--xlsx", str(path), stdout=io.StringIO())

    content = path.read_bytes()
    assert_literal(content, HYPERLINK)
    assert_literal(content, "+49 Amina")


def test_client_export_prints_across_one_page_wide_with_the_header_on_every_page(world):
    out = io.BytesIO()
    write_clients_xlsx(Client.objects.filter(pk=world.client.pk), dt.date(2025, 6, 1), out)

    assert_printable(workbook(out.getvalue())["Klienten"], landscape=True)


# --- allocation overview and sheet ---------------------------------------------------------


def test_allocation_overview_is_set_up_for_printing():
    out = io.BytesIO()
    row = OverviewRow(
        "08999001", HYPERLINK, 10, Decimal("1"), Decimal("100.00"), Decimal("0.01"), True
    )
    write_overview_xlsx([row], [("Kreis", "Landkreis Testkreis")], out)

    read = workbook(out.getvalue())
    assert_printable(read["Verteilung"], landscape=False)
    assert_printable(read["Berechnung"], landscape=False, title_rows=None)
    assert_literal(out.getvalue(), HYPERLINK)


def test_allocation_sheet_is_set_up_for_printing(world):
    year = FundingYearFactory(landkreis=world.landkreis)
    revision = publish_amounts(world, year, {world.town: Decimal("904800.00")})
    revision.note = HYPERLINK
    revision.save()
    out = io.BytesIO()

    write_sheet_xlsx(Allocation.objects.get(revision=revision), out)

    assert_printable(workbook(out.getvalue())["Zuteilung"], landscape=False, title_rows=None)
    assert_literal(out.getvalue(), f"Grund der Korrektur: {HYPERLINK}")


# --- Gesamtverwendungsnachweis -------------------------------------------------------------


@pytest.fixture
def usage_download(world):
    """The office's Gesamtverwendungsnachweis 2025: the Eigenregie provider is named like a
    formula and has submitted a Sachbericht that starts like one."""
    world.other_provider.name = HYPERLINK
    world.other_provider.save()
    year = FundingYearFactory(landkreis=world.landkreis)
    publish_amounts(world, year, {world.other_town: Decimal("603200.00")})
    team = TeamFactory(provider=world.other_provider, name="Team Neustadt")
    lead = UserFactory(username="teamleitung_neustadt")
    StaffMemberFactory(user=lead, role=Role.TEAM_LEAD, provider=world.other_provider, team=team)
    report = usage_services.start_report(lead, year, world.other_provider)[0]
    figures = {
        "staff_costs": Decimal("540000.00"),
        "other_costs": Decimal("38500.50"),
        "vza": Decimal("7.50"),
        "sachbericht": "=Sieben Integrationsmanagerinnen berieten 412 Personen.",
    }
    report = usage_services.save_report(lead, report, figures, report.version)
    usage_services.submit_report(lead, report, report.version)
    response = http(world.office).get(reverse("funding:usage_xlsx", args=[2025]))
    assert response.status_code == 200
    return response.content


def test_usage_compilation_writes_a_provider_name_that_looks_like_a_formula_as_text(
    usage_download,
):
    assert_literal(usage_download, HYPERLINK)
    assert_literal(usage_download, "=Sieben Integrationsmanagerinnen berieten 412 Personen.")


def test_usage_compilation_is_set_up_for_printing(usage_download):
    read = workbook(usage_download)

    assert_printable(read["Deckblatt"], landscape=False, title_rows=None)
    assert_printable(read["Verwendungsnachweise"], landscape=True)
    assert_printable(read["Sachberichte"], landscape=True)


# --- programme split by population ---------------------------------------------------------


@pytest.fixture
def programme_download(world):
    town = MunicipalityFactory(
        landkreis=world.landkreis, name=HYPERLINK, ags="08999009", population=5_000
    )
    programme = population_services.create_programme(
        world.office,
        world.landkreis,
        {
            "name": "=Soforthilfe",
            "year": 2024,
            "amount": Decimal("10000.00"),
            "min_vza": Decimal("0.50"),
            "cost_per_vza": Decimal("70000.00"),
        },
    )
    population_services.add_applicant(world.office, programme, town, programme.version)
    response = http(world.office).get(reverse("funding:programme_xlsx", args=[programme.code]))
    assert response.status_code == 200
    return response.content


def test_programme_sheet_writes_a_municipality_name_that_looks_like_a_formula_as_text(
    programme_download,
):
    assert_literal(programme_download, HYPERLINK)
    assert_literal(programme_download, "=Soforthilfe")


def test_programme_sheet_is_set_up_for_printing(programme_download):
    read = workbook(programme_download)

    assert_printable(read["Verteilung"], landscape=False)
    assert_printable(read["Programm"], landscape=False, title_rows=None)


# --- Kennzahlentabelle ---------------------------------------------------------------------


def test_kennzahlentabelle_is_set_up_for_printing(world):
    world.provider.name = HYPERLINK
    world.provider.save()
    out = io.BytesIO()
    at = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)

    write_workbook(compute_table(world.landkreis, 2025), Origin(at, "@office"), out)

    read = workbook(out.getvalue())
    assert_printable(read["Deckblatt"], landscape=False, title_rows=None)
    for sheet in read.worksheets[1:]:
        assert_printable(sheet, landscape=True)
    assert_literal(out.getvalue(), HYPERLINK)
    assert_literal(out.getvalue(), "@office")
