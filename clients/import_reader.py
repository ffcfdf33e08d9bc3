"""Reading an uploaded assignment list row by row: CSV (UTF-8, ``;``) or XLSX (first sheet).

Rows are streamed, never the whole table held: the CSV through a text reader over the file,
the workbook through openpyxl's read-only mode. An XLSX is a zip archive; its unpacked size is
taken from the archive's directory and checked before openpyxl opens anything, so a small file
that would unpack to gigabytes (a zip bomb) is refused unread. The directory cannot understate
a member's size to get past the check: Python's zip reader stops at the declared size and the
checksum then fails.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

Rows = Iterator[tuple[int, list]]

_NOT_UTF8 = (
    "Die Datei ist weder eine UTF-8-kodierte CSV-Datei noch eine Excel-Arbeitsmappe (.xlsx). "
    "Bitte speichern Sie sie in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ oder als "
    ".xlsx."
)
_NOT_XLSX = "Die Datei ist keine gültige Excel-Arbeitsmappe (.xlsx)."


class UnreadableFile(Exception):
    """The file cannot be read as a whole; the message says why (German)."""


def read_rows(stream: BinaryIO, filename: str, *, max_xlsx_bytes: int) -> Rows:
    """``(line, cells)`` for every row of the file, line 1 first; raises ``UnreadableFile``
    (also while iterating, when a later part of the file turns out broken)."""
    start = stream.read(8)
    stream.seek(0)
    if start.startswith(b"PK\x03\x04"):
        return _xlsx_rows(stream, max_xlsx_bytes)
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            "Das alte Excel-Format (.xls) wird nicht unterstützt. Bitte speichern Sie die Datei "
            "als Excel-Arbeitsmappe (.xlsx) oder als „CSV UTF-8“."
        )
    if filename.lower().endswith(".xlsx"):
        raise UnreadableFile(_NOT_XLSX)
    return _csv_rows(stream)


def _csv_rows(stream: BinaryIO) -> Rows:
    # newline="" leaves line breaks to the csv module (a quoted cell may span lines) and, unlike
    # str.splitlines, never treats other control characters as line ends.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=";")
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except UnicodeDecodeError as error:
        raise UnreadableFile(_NOT_UTF8) from error
    except csv.Error as error:
        message = f"Die CSV-Datei ist ab Zeile {start} nicht lesbar: {error}."
        raise UnreadableFile(message) from error
    finally:
        text.detach()  # the caller owns the file; closing the reader must not close it


def _xlsx_rows(stream: BinaryIO, max_bytes: int) -> Rows:
    _check_unpacked_size(stream, max_bytes)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, ValueError) as error:
        raise UnreadableFile(_NOT_XLSX) from error
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(values)
    except (zipfile.BadZipFile, KeyError, IndexError, ValueError, SyntaxError) as error:
        # SyntaxError: the XML parser's ParseError for a damaged sheet.
        raise UnreadableFile(_NOT_XLSX) from error
    finally:
        workbook.close()


def _check_unpacked_size(stream: BinaryIO, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnreadableFile(_NOT_XLSX) from error
    finally:
        stream.seek(0)
    if unpacked > max_bytes:
        raise UnreadableFile(
            f"Die Excel-Arbeitsmappe ist entpackt {_megabytes(unpacked)} MB groß; erlaubt sind "
            f"höchstens {_megabytes(max_bytes)} MB. Bitte teilen Sie die Liste auf oder laden "
            "Sie sie als „CSV UTF-8“ hoch."
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")
