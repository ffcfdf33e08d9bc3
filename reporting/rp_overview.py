"""The Regierungspräsidium's view across its Kreise: who has submitted the Kennzahlentabelle of
a year (number, date, corrections), who is overdue, and one consolidated workbook.

The consolidated workbook is built only from the stored submission files, each checked against
its SHA-256 first (``services.read_verified``): a figure the RP sees is exactly the figure the
Kreis submitted, never a figure computed again. Per Kreis the latest submission counts (a
correction replaces the earlier numbers); a file whose checksum no longer matches gives no
figures, only a note in its row.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from imcase.exports import xlsx
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Role
from reporting.checks import submission_deadline
from reporting.models import Submission
from reporting.services import IntegrityError, read_verified
from reporting.xlsx import COVER, NOTES

SHEET = "Kennzahlen der Kreise"
FIXED = (
    xlsx.Column("Kreis", 30),
    xlsx.Column("Stand", 16),
    xlsx.Column("Abgabe Nr.", 9, xlsx.INTEGER_FORMAT),
    xlsx.Column("abgegeben am", 17),
    xlsx.Column("Fassung der Tabelle", 10),
    xlsx.Column("SHA-256 der Datei", 24),
)
FIGURE_WIDTH = 14
KREIS_TOTAL = "Kreis insgesamt"


def due_date(year: int) -> dt.date:
    """The table of a year is due by 31 January of the next year: the same date as the
    nightly check's (``reporting.checks.submission_deadline``)."""
    return submission_deadline(year)


def rp_kreise_or_404(user) -> QuerySet[Landkreis]:
    """The Kreise of the RP user's region; anyone who is not an RP user gets a 404."""
    scope = scope_for(user)
    if scope.role != Role.RP or not scope.rp_id:
        raise Http404
    return Landkreis.objects.filter(scope.landkreis_q()).order_by("name", "pk")


@dataclass
class KreisStatus:
    landkreis: Landkreis
    year: int
    submissions: list[Submission]  # newest first
    due: dt.date
    today: dt.date

    @property
    def latest(self) -> Submission | None:
        return self.submissions[0] if self.submissions else None

    @property
    def corrections(self) -> int:
        return max(len(self.submissions) - 1, 0)

    @property
    def submitted_late(self) -> bool:
        first = self.submissions[-1] if self.submissions else None
        return first is not None and timezone.localdate(first.submitted_at) > self.due

    @property
    def overdue(self) -> bool:
        return not self.submissions and self.today > self.due

    @property
    def state(self) -> str:
        if self.submissions:
            return "verspätet abgegeben" if self.submitted_late else "abgegeben"
        return "überfällig" if self.overdue else "noch offen"


def kreis_statuses(user, year: int, today: dt.date) -> list[KreisStatus]:
    kreise = list(rp_kreise_or_404(user).select_related("regierungspraesidium"))
    found: dict[int, list[Submission]] = {}
    submissions = (
        Submission.objects.visible_to(user)
        .filter(year=year, landkreis__in=kreise)
        .order_by("-number")
    )
    for submission in submissions:
        found.setdefault(submission.landkreis_id, []).append(submission)
    return [
        KreisStatus(kreis, year, found.get(kreis.pk, []), due_date(year), today) for kreis in kreise
    ]


@dataclass
class SubmittedFigures:
    """The Kreis totals of one submission file: (Nr., Ausprägung) → value, in sheet order."""

    version: str = ""
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)


def read_submitted_figures(data: bytes) -> SubmittedFigures:
    """The "Kreis insgesamt" column of every figure sheet of a submitted workbook."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    found = SubmittedFigures()
    for sheet in workbook.worksheets:
        if sheet.title == COVER:
            for row in sheet.iter_rows(values_only=True):
                if row and row[0] == "Fassung der Tabelle":
                    found.version = str(row[1])
            continue
        if sheet.title == NOTES:
            continue
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header or KREIS_TOTAL not in header:
            continue
        total = header.index(KREIS_TOTAL)
        for row in rows:
            if not row or not row[0]:
                continue
            figure_id, label, line = row[0], row[1], row[2] or ""
            key = (str(figure_id), str(line))
            found.values[key] = row[total]
            found.labels[key] = f"{figure_id} {label}" + (f" – {line}" if line else "")
    workbook.close()
    return found


@dataclass
class Consolidated:
    statuses: list[KreisStatus]
    figures: dict[int, SubmittedFigures]  # by Kreis id, for valid files
    broken: dict[int, str]  # Kreis id → why its file gave no figures

    @property
    def columns(self) -> list[tuple[tuple[str, str], str]]:
        """Every figure line of any submitted file, in the order of their sheets."""
        seen: dict[tuple[str, str], str] = {}
        for figures in self.figures.values():
            for key, label in figures.labels.items():
                seen.setdefault(key, label)
        return list(seen.items())


def consolidate(user, year: int, today: dt.date) -> Consolidated:
    statuses = kreis_statuses(user, year, today)
    figures: dict[int, SubmittedFigures] = {}
    broken: dict[int, str] = {}
    for status in statuses:
        if status.latest is None:
            continue
        try:
            figures[status.landkreis.pk] = read_submitted_figures(read_verified(status.latest))
        except IntegrityError as error:
            broken[status.landkreis.pk] = str(error)
    return Consolidated(statuses, figures, broken)


def write_consolidated(consolidated: Consolidated, year: int, out: IO[bytes]) -> None:
    columns = consolidated.columns
    book = xlsx.Spreadsheet()
    book.properties.creator = "imcase"
    book.properties.title = f"Kennzahlentabellen {year} der Kreise"
    sheet = book.add_table(
        SHEET,
        [*FIXED, *(xlsx.Column(label, FIGURE_WIDTH) for _, label in columns)],
        freeze="B2",
        header=xlsx.HeaderStyle(alignment=xlsx.WRAP),
    )
    for status in consolidated.statuses:
        latest = status.latest
        pk = status.landkreis.pk
        figures = consolidated.figures.get(pk)
        values: list[Any] = []
        if figures is not None:
            for key, _ in columns:
                value = figures.values.get(key)
                fmt = (
                    xlsx.GROUPED_INTEGER_FORMAT
                    if isinstance(value, int)
                    else xlsx.GROUPED_DECIMAL_FORMAT
                )
                values.append(sheet.cell(value, fmt))
        state = status.state if pk not in consolidated.broken else "Datei beschädigt"
        sheet.append(
            [
                status.landkreis.name,
                state,
                latest.number if latest else None,
                timezone.localtime(latest.submitted_at).replace(tzinfo=None) if latest else None,
                figures.version if figures else (latest.definition_version if latest else ""),
                latest.sha256 if latest else "",
                *values,
            ]
        )
    book.save(out)
