"""The one way to write an XLSX file: every workbook the product offers goes through here.

A ``Spreadsheet`` is an openpyxl write-only workbook (rows are streamed, so a list of 50,000
clients does not sit in memory). It holds two kinds of sheet:

- a *table* (``add_table``): a bold header row from ``Column``s, frozen and repeated on every
  printed page, then one row per record; each value takes its column's number format;
- a *form* (``add_sheet``): a cover or a list of labels and values, written row by row.

Every sheet gets the same print set-up, because these files are printed in offices: A4, fit to
one page wide (as many pages down as needed), landscape when the columns are wider than a
portrait page, and a footer with the sheet name and "Seite x von y".

Every string is stored as text, never as a formula: a name such as ``=HYPERLINK(…)`` typed into
a form comes back out of the file as those characters, not as a link or a computation.

A list of tens of thousands of rows (the client export) goes through ``LargeSpreadsheet``: the
same tables (header, widths, number formats, frozen header, print set-up, text never a formula)
written by XlsxWriter's constant-memory mode, which needs half of openpyxl's time per cell
(50,000 × 19 cells: 6.0 s against 13.0 s, both about 90 MB; see the README's "Export"). It
offers tables only; covers and cells styled one by one stay with ``Spreadsheet``.

Usage::

    book = Spreadsheet()
    sheet = book.add_table("Liste", [Column("Name", 30), Column("Betrag (EUR)", 14, EURO_FORMAT)])
    sheet.write_rows((row.name, row.amount) for row in rows)
    book.save(out)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from imcase.exports.registry import XLSX

CONTENT_TYPE = XLSX

# Number formats. Excel shows them in the reader's locale (1.234,56 in a German Excel).
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
INTEGER_FORMAT = "0"
GROUPED_INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "0.00"
GROUPED_DECIMAL_FORMAT = "#,##0.00"
# Amounts in columns headed "(EUR)": no currency sign, so other spreadsheets can sum them.
EURO_FORMAT = GROUPED_DECIMAL_FORMAT
# Amounts read like a letter (the allocation sheet's computation): with the sign.
EURO_SIGN_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0.0000%"

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
# A cell that needs a second look (below a minimum, not reached).
MARKED_FILL = PatternFill("solid", fgColor="FCE4D6")

# Column widths (Excel's character units) that still fit an A4 page upright at 100 %.
PORTRAIT_WIDTH = 100
FOOTER_LEFT = "&A"  # the sheet's name
FOOTER_RIGHT = "Seite &P von &N"


@dataclass(frozen=True)
class Column:
    """One column of a table: its header text, its width and the number format of its values
    (dates always get ``DATE_FORMAT``)."""

    header: str
    width: float
    number_format: str | None = None


@dataclass(frozen=True)
class HeaderStyle:
    """How a table's header row looks (bold unless a table asks for more)."""

    font: Font = BOLD
    fill: PatternFill | None = None
    alignment: Alignment | None = None


HEADER = HeaderStyle()


def euro_for_decimal(value: Any) -> str | None:
    """The format of a label/value list whose amounts are the only ``Decimal``s."""
    return EURO_FORMAT if isinstance(value, Decimal) else None


class Sheet:
    """One worksheet being written. Set-up (widths, frozen panes, print set-up) is done when it
    is created: a write-only sheet writes it before its first row."""

    def __init__(
        self,
        worksheet,
        widths: Sequence[float],
        formats: Sequence[str | None] = (),
        *,
        freeze: str | None = None,
        title_rows: str | None = None,
        landscape: bool | None = None,
    ) -> None:
        self.worksheet = worksheet
        self.formats = tuple(formats)
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            worksheet.freeze_panes = freeze
        if landscape is None:
            landscape = sum(widths) > PORTRAIT_WIDTH
        _print_setup(worksheet, landscape=landscape, title_rows=title_rows)

    def cell(
        self,
        value: Any,
        number_format: str | None = None,
        *,
        bold: bool = False,
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
        wrap: bool = False,
    ) -> Cell:
        """One styled cell. A string is always text (without a number format), a date gets
        the German date format, an empty cell no format."""
        cell = WriteOnlyCell(self.worksheet, value=value)
        if isinstance(value, str):
            # openpyxl takes a string beginning with "=" for a formula; user input never is.
            cell.data_type = "s"
        elif isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        elif number_format and value is not None:
            cell.number_format = number_format
        if font is not None or bold:
            cell.font = font or BOLD
        if fill is not None:
            cell.fill = fill
        if alignment is not None or wrap:
            cell.alignment = alignment or WRAP
        return cell

    def append(self, values: Iterable[Any] = (), *, bold: bool = False, wrap: bool = False) -> None:
        """One row; plain values take the format of their column, cells made by ``cell`` are
        written as they are."""
        row = []
        for index, value in enumerate(values):
            if isinstance(value, Cell):
                row.append(value)
            else:
                number_format = self.formats[index] if index < len(self.formats) else None
                row.append(self.cell(value, number_format, bold=bold, wrap=wrap))
        self.worksheet.append(row)

    def append_field(
        self, label: str, value: Any, number_format: str | None = None, **style: Any
    ) -> None:
        """A label in bold and its value: the rows of a cover or a parameter list."""
        self.worksheet.append(
            [self.cell(label, bold=True), self.cell(value, number_format, **style)]
        )

    def write_rows(self, rows: Iterable[Sequence[Any]], **style: Any) -> int:
        """Append every row of ``rows`` (consumed once, so a generator streams); returns the
        count."""
        count = 0
        for row in rows:
            self.append(row, **style)
            count += 1
        return count


class Spreadsheet:
    """An XLSX file being written, sheet by sheet in the order they are added."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)

    @property
    def properties(self):
        """The document properties (creator, title, dates)."""
        return self.workbook.properties

    def add_table(
        self,
        title: str,
        columns: Sequence[Column],
        *,
        freeze: str = "A2",
        header: HeaderStyle = HEADER,
        landscape: bool | None = None,
    ) -> Sheet:
        """A sheet that is a plain table: its header row is written already."""
        sheet = Sheet(
            self.workbook.create_sheet(title),
            [column.width for column in columns],
            [column.number_format for column in columns],
            freeze=freeze,
            title_rows="1:1",
            landscape=landscape,
        )
        sheet.append(
            sheet.cell(
                column.header, font=header.font, fill=header.fill, alignment=header.alignment
            )
            for column in columns
        )
        return sheet

    def add_sheet(
        self, title: str, widths: Sequence[float], *, landscape: bool | None = None
    ) -> Sheet:
        """A sheet written row by row: a cover, a list of labels and values."""
        return Sheet(self.workbook.create_sheet(title), widths, landscape=landscape)

    def save(self, out: IO[bytes] | str) -> None:
        self.workbook.save(out)


# Excel's day 0 (1899-12-30, so that 1900-03-01 is 61 as in Excel): a date is its day count.
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()


class LargeSheet:
    """One table of a ``LargeSpreadsheet``, written row by row (a row cannot be revisited)."""

    def __init__(self, book: LargeSpreadsheet, worksheet, formats: Sequence[str | None]) -> None:
        self.book = book
        self.worksheet = worksheet
        self.formats = [book.format(number_format) for number_format in formats]
        self.date_format = book.format(DATE_FORMAT)
        self.datetime_format = book.format(DATETIME_FORMAT)
        self.next_row = 0

    def append(self, values: Iterable[Any] = ()) -> None:
        """One row; a value takes its column's format, a date the German date format, a string
        is always text and an empty value leaves the cell out."""
        worksheet, row, formats = self.worksheet, self.next_row, self.formats
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                worksheet.write_string(row, index, value)
            elif isinstance(value, dt.datetime):
                if timezone.is_aware(value):  # Excel knows no time zones: Berlin time
                    value = timezone.localtime(value).replace(tzinfo=None)
                worksheet.write_datetime(row, index, value, self.datetime_format)
            elif isinstance(value, dt.date):
                serial = value.toordinal() - _EXCEL_EPOCH
                worksheet.write_number(row, index, serial, self.date_format)
            elif isinstance(value, bool):
                worksheet.write_boolean(row, index, value)
            else:
                number_format = formats[index] if index < len(formats) else None
                worksheet.write_number(row, index, value, number_format)
        self.next_row += 1

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> int:
        """Append every row of ``rows`` (consumed once, so a generator streams); returns the
        count."""
        count = 0
        for row in rows:
            self.append(row)
            count += 1
        return count


class LargeSpreadsheet:
    """An XLSX file of big tables, streamed to ``out`` (a path or a binary file) by XlsxWriter
    in constant-memory mode: each row goes to a temporary file as soon as it is complete, so
    the memory stays flat however long the list. ``save()`` assembles the file."""

    def __init__(self, out: IO[bytes] | str) -> None:
        self.workbook = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                # A string is text, whatever it looks like: no formulas, numbers or links.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._formats: dict[tuple, Any] = {}

    def format(self, number_format: str | None = None, **properties: Any):
        """A cell format, made once per combination (XlsxWriter keeps them in the workbook)."""
        if number_format:
            properties["num_format"] = number_format
        if not properties:
            return None
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    def add_table(
        self,
        title: str,
        columns: Sequence[Column],
        *,
        header: HeaderStyle = HEADER,
        landscape: bool | None = None,
    ) -> LargeSheet:
        """A table like ``Spreadsheet.add_table``: its header row is written already, frozen
        and repeated on every printed page."""
        worksheet = self.workbook.add_worksheet(title)
        widths = [column.width for column in columns]
        for index, width in enumerate(widths):
            worksheet.set_column(index, index, width)
        worksheet.freeze_panes(1, 0)
        worksheet.set_paper(9)  # A4
        if landscape is None:
            landscape = sum(widths) > PORTRAIT_WIDTH
        if landscape:
            worksheet.set_landscape()
        else:
            worksheet.set_portrait()
        worksheet.fit_to_pages(1, 0)
        worksheet.repeat_rows(0)
        worksheet.set_footer(f"&L{FOOTER_LEFT}&R{FOOTER_RIGHT}")
        header_format = self.format(**_header_properties(header))
        for index, column in enumerate(columns):
            worksheet.write_string(0, index, column.header, header_format)
        sheet = LargeSheet(self, worksheet, [column.number_format for column in columns])
        sheet.next_row = 1
        return sheet

    def save(self) -> None:
        self.workbook.close()


def _header_properties(header: HeaderStyle) -> dict[str, Any]:
    """The header style (openpyxl objects) as XlsxWriter format properties."""
    properties: dict[str, Any] = {}
    if header.font is not None and header.font.bold:
        properties["bold"] = True
    if header.fill is not None and header.fill.fgColor is not None:
        properties["pattern"] = 1
        properties["bg_color"] = "#" + str(header.fill.fgColor.rgb)[-6:]
    if header.alignment is not None:
        if header.alignment.wrap_text:
            properties["text_wrap"] = True
        if header.alignment.vertical:
            properties["valign"] = header.alignment.vertical
        if header.alignment.horizontal:
            properties["align"] = header.alignment.horizontal
    return properties


def _print_setup(worksheet, *, landscape: bool, title_rows: str | None) -> None:
    setup = worksheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = (
        Worksheet.ORIENTATION_LANDSCAPE if landscape else Worksheet.ORIENTATION_PORTRAIT
    )
    # One page wide, as many pages down as the rows need (0: no limit).
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        worksheet.print_title_rows = title_rows
    worksheet.oddFooter.left.text = FOOTER_LEFT
    worksheet.oddFooter.right.text = FOOTER_RIGHT
