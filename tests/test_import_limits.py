"""Bounded imports: rows, unpacked XLSX size, listed problems; control characters; streaming."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from clients import import_reader
from clients.importer import MAX_LISTED_PROBLEMS, import_assignments
from clients.models import Client
from tests.test_import import HEADER, HEADER_LINE, csv_file, row, run, run_failing, upload


def csv_bytes(*rows: str) -> bytes:
    return "\n".join([HEADER_LINE, *rows]).encode() + b"\n"


def xlsx_bytes(*rows: str, padding: int = 0) -> bytes:
    """A real workbook; ``padding`` zero bytes in an extra member blow up its unpacked size
    while the file itself stays small (zeros compress about a thousandfold)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(list(HEADER))
    for line in rows:
        workbook.active.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    if padding:
        with (
            zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive,
            archive.open("xl/media/padding.bin", "w", force_zip64=True) as member,
        ):
            chunk = bytes(1024 * 1024)
            for _ in range(padding // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


# --- control characters -----------------------------------------------------------------------


def test_nul_byte_in_a_cell_is_a_row_error_with_its_line_in_the_dry_run(world, tmp_path):
    path = csv_file(tmp_path, row(az="IMP-1"), row(az="IMP-2", last="Had\x00dad"))

    err = run_failing(path, "--dry-run")

    assert "Zeile 3: Nachname enthält ein unzulässiges Steuerzeichen (NUL, U+0000)." in err


def test_nul_byte_upload_is_refused_in_the_dry_run_and_in_the_real_import(client, world):
    client.force_login(world.office)
    content = csv_bytes(row(az="IMP-1"), row(az="IMP-2", first="Om\x00ar"))

    for data in ({"dry_run": "on"}, {}):
        response = upload(client, content, **data)

        assert response.status_code == 200
        page = response.content.decode()
        assert "<td>3</td><td>Vorname enthält ein unzulässiges Steuerzeichen (NUL, U+0000)." in (
            page
        )
    assert not Client.objects.filter(aktenzeichen__startswith="IMP-").exists()


@pytest.mark.parametrize(
    ("cell", "name"),
    [("Had\tdad", "Tabulator, U+0009"), ("Had\x07dad", "U+0007"), ("Had\x85dad", "U+0085")],
)
def test_other_control_characters_are_row_errors(world, cell, name):
    result = import_assignments(csv_bytes(row(last=cell)), dry_run=True)

    assert [str(p) for p in result.problems] == [
        f"Zeile 2: Nachname enthält ein unzulässiges Steuerzeichen ({name}). Erlaubt sind nur "
        "druckbare Zeichen, auch kein Tabulator oder Zeilenumbruch in einer Zelle."
    ]


def test_line_break_inside_a_quoted_csv_cell_is_a_row_error_of_the_row_that_starts_it(world):
    data = csv_bytes(row(az="IMP-1"), row(az="IMP-2", last='"Had\ndad"'), row(az="IMP-3"))

    result = import_assignments(data, dry_run=True)

    assert [p.line for p in result.problems] == [3]
    assert "Nachname enthält ein unzulässiges Steuerzeichen (Zeilenumbruch" in (
        result.problems[0].message
    )


# --- number of rows ---------------------------------------------------------------------------


def test_file_with_more_rows_than_allowed_is_refused(world, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [row(az=f"IMP-{n}") for n in range(4)]

    refused = import_assignments(csv_bytes(*rows), dry_run=True)
    accepted = import_assignments(csv_bytes(*rows[:3]), dry_run=True)

    assert [str(p) for p in refused.problems] == [
        "Die Datei enthält mehr als 3 Personen (Zeilen); mehr werden in einem Import nicht "
        "angenommen. Bitte teilen Sie die Liste auf."
    ]
    assert accepted.ok
    assert accepted.created == 3


def test_rows_are_read_as_a_stream_and_reading_stops_at_the_row_limit(world, settings):
    settings.IMPORT_MAX_ROWS = 10
    data = csv_bytes(*(row(az=f"IMP-{n}") for n in range(100_000)))
    assert len(data) > 5_000_000

    class CountingStream(io.BytesIO):
        consumed = 0

        def read(self, size=-1):
            chunk = super().read(size)
            self.consumed += len(chunk)
            return chunk

        def read1(self, size=-1):
            chunk = super().read1(size)
            self.consumed += len(chunk)
            return chunk

    stream = CountingStream(data)
    result = import_assignments(stream, filename="liste.csv", dry_run=True)

    assert "mehr als 10 Personen" in result.problems[0].message
    assert stream.consumed < 100_000


# --- unpacked size of an XLSX -------------------------------------------------------------------


def test_small_xlsx_that_unpacks_past_the_limit_is_refused_before_it_is_parsed(
    world, settings, monkeypatch
):
    settings.IMPORT_MAX_XLSX_MB = 50
    data = xlsx_bytes(row(az="IMP-1"), padding=51 * 1024 * 1024)
    assert len(data) < 1024 * 1024  # the upload is small ...

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(import_reader.openpyxl, "load_workbook", must_not_open)
    tracemalloc.start()
    try:
        result = import_assignments(data, filename="liste.xlsx", dry_run=True)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert [str(p) for p in result.problems] == [
        "Die Excel-Arbeitsmappe ist entpackt 51,0 MB groß; erlaubt sind höchstens 50,0 MB. "
        "Bitte teilen Sie die Liste auf oder laden Sie sie als „CSV UTF-8“ hoch."
    ]
    assert peak < 5 * 1024 * 1024  # ... and refusing it reads nothing unpacked


def test_xlsx_below_the_unpacked_limit_is_imported(world, settings):
    settings.IMPORT_MAX_XLSX_MB = 2
    data = xlsx_bytes(row(az="IMP-X"), padding=1024 * 1024)

    result = import_assignments(data, filename="liste.xlsx")

    assert result.ok, result.problems
    assert Client.objects.filter(aktenzeichen="IMP-X").exists()


# --- listed problems ----------------------------------------------------------------------------


def test_only_the_first_problems_are_listed_and_all_are_counted(world, tmp_path):
    bad = MAX_LISTED_PROBLEMS + 50
    path = csv_file(tmp_path, *(row(az=f"IMP-{n}", sex="x") for n in range(bad)))

    err = run_failing(path, "--dry-run")

    listed = [line for line in err.splitlines() if line.startswith("Zeile ")]
    assert len(listed) == MAX_LISTED_PROBLEMS
    assert listed[0].startswith("Zeile 2: Geschlecht")
    assert listed[-1].startswith(f"Zeile {MAX_LISTED_PROBLEMS + 1}: Geschlecht")
    assert "… und 50 weitere Fehler." in err


def test_upload_page_lists_the_first_problems_and_names_the_rest(client, world):
    client.force_login(world.office)
    bad = MAX_LISTED_PROBLEMS + 7
    content = csv_bytes(*(row(az=f"IMP-{n}", sex="x") for n in range(bad)))

    page = upload(client, content, dry_run="on").content.decode()

    assert f"Die Datei wurde nicht importiert: {bad} Fehler." in page
    assert page.count("ist ungültig (erlaubt: m, w, d)") == MAX_LISTED_PROBLEMS
    assert "… und 7 weitere Fehler." in page


def test_the_command_reads_the_file_it_is_given(world, tmp_path):
    out, _err = run(csv_file(tmp_path, row(az="IMP-1")))

    assert "1 neu" in out


@pytest.mark.parametrize("name", ["liste.csv", "liste.xlsx"])
def test_upload_kept_in_a_temporary_file_is_read_from_it(client, world, settings, name):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # larger uploads go to a temporary file
    content = csv_bytes(row(az="IMP-T")) if name.endswith(".csv") else xlsx_bytes(row(az="IMP-T"))
    assert len(content) > 100
    client.force_login(world.office)

    response = upload(client, content, name=name)

    assert response.status_code == 302
    assert Client.objects.filter(aktenzeichen="IMP-T").exists()
