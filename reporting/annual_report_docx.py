"""The Jahresbericht as a Word file (python-docx) that the office pastes into its Sitzungsvorlage.

Same content as the PDF: the texts, the key figures and every chart with its numbers. Word
takes no SVG without a PNG fallback, so each chart is drawn here once more as a PNG (Pillow,
the same bars and labels as ``reporting.charts.BarChart``) and followed by its table.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw, ImageFont

from reporting.annual_report import AnnualReport
from reporting.charts import BarChart

FONT_FILES = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
SCALE = 2  # pixels per SVG unit: sharp enough when Word scales the picture to 16 cm
CHART_WIDTH = Cm(16)


def _font(size: int):
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size * SCALE)
    return ImageFont.load_default(size * SCALE)


def chart_png(chart: BarChart) -> bytes:
    """The bars of ``chart`` as a PNG, laid out like the SVG of ``_bar_chart.html``."""
    width, height = chart.width * SCALE, chart.height * SCALE
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = _font(12)
    axis = chart.axis_x * SCALE
    draw.line([(axis, 0), (axis, height)], fill="#6c757d", width=SCALE)
    for bar in chart.bars:
        top = bar.y * SCALE
        bottom = (bar.y + chart.bar_height) * SCALE
        middle = (top + bottom) // 2
        draw.text(
            (chart.label_x * SCALE, middle), bar.label, fill="#212529", font=font, anchor="rm"
        )
        if bar.width:
            draw.rectangle([axis, top, axis + bar.width * SCALE, bottom], fill="#0a58ca")
        draw.text((bar.value_x * SCALE, middle), bar.text, fill="#212529", font=font, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _table(document, headers, rows, numeric_from: int = 1) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for index, header in enumerate(headers):
        cell = table.rows[0].cells[index]
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, value in enumerate(row):
            cells[index].text = str(value)
            if index >= numeric_from:
                cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _text(document, block) -> None:
    document.add_heading(block.title, level=2)
    for paragraph in block.paragraphs or ["Noch kein Text."]:
        document.add_paragraph(paragraph)


def write_report_docx(report: AnnualReport, out: IO[bytes]) -> None:
    document = Document()
    document.core_properties.title = f"{report.title} – {report.subtitle}"
    document.core_properties.author = "imcase"
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)

    document.add_heading(report.title, level=1)
    document.add_paragraph(report.subtitle)
    _text(document, report.block("introduction"))

    document.add_heading(f"Kennzahlen {report.year} im Überblick", level=2)
    _table(
        document,
        ("Nr.", "Kennzahl", "Wert"),
        [(figure.id, figure.label, figure.text) for figure in report.key_figures],
        numeric_from=2,
    )
    _text(document, report.block("sachbericht"))

    document.add_heading("Zahlen und Diagramme", level=2)
    _charts(document, report.charts)
    document.add_heading("Wirkung", level=2)
    _charts(document, report.outcome_charts)
    _text(document, report.block("outlook"))
    definition = report.table.definition
    document.add_paragraph(
        f"Zahlen aus der {definition.title}, Fassung {definition.version}, berechnet am "
        f"{report.generated_on:%d.%m.%Y}."
    ).runs[0].font.size = Pt(8.5)
    document.save(out)


def _charts(document, charts: list[BarChart]) -> None:
    for chart in charts:
        document.add_heading(chart.title, level=3)
        if chart.is_empty:
            document.add_paragraph(chart.empty_text)
        else:
            document.add_picture(io.BytesIO(chart_png(chart)), width=CHART_WIDTH)
        document.add_paragraph(chart.caption).runs[0].italic = True
        _table(document, [h or "Bezeichnung" for h in chart.headers], chart.body)
        if chart.note:
            document.add_paragraph(chart.note).runs[0].font.size = Pt(8.5)


def report_docx_bytes(report: AnnualReport) -> bytes:
    buffer = io.BytesIO()
    write_report_docx(report, buffer)
    return buffer.getvalue()
