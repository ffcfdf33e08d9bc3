"""XLSX of a programme split by Einwohnerzahl: one row per applicant with its amount and
whether it reaches the minimum position, a sum row, the parameters on a second sheet, and the
positions the applicants reported with the money they did not use on a third.

"Mindeststelle erreicht" on the first sheet is judged from the position an applicant reported
once it has; before that it says whether the grant alone would pay the minimum position."""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from funding.models import PopulationProgramme
from funding.models.population import PopulationLine, ProgrammeOutcome
from imcase.exports import xlsx

SHEET = "Verteilung"
PARAMETER_SHEET = "Programm"
POSITION_SHEET = "Stellen"
POSITION_COLUMNS = (
    xlsx.Column("Antragsteller", 34),
    xlsx.Column("Art", 12),
    xlsx.Column("für die Gemeinden", 36),
    xlsx.Column("Betrag (EUR)", 15, xlsx.EURO_FORMAT),
    xlsx.Column("Geschaffene Stelle (VZÄ)", 12, xlsx.DECIMAL_FORMAT),
    xlsx.Column("besetzt ab", 12),
    xlsx.Column("mit Eigenmitteln", 10),
    xlsx.Column("Mindeststelle laut Stelle", 14),
    xlsx.Column("nicht genutzt (EUR)", 15, xlsx.EURO_FORMAT),
    xlsx.Column("Umverteilung (EUR)", 15, xlsx.EURO_FORMAT),
)
COLUMNS = (
    xlsx.Column("AGS", 11),
    xlsx.Column("Gemeinde", 30),
    xlsx.Column("Einwohner", 12, xlsx.GROUPED_INTEGER_FORMAT),
    xlsx.Column("Anteil", 11, xlsx.PERCENT_FORMAT),
    xlsx.Column("Betrag (EUR)", 15, xlsx.EURO_FORMAT),
    xlsx.Column("VZÄ", 8, xlsx.DECIMAL_FORMAT),
    xlsx.Column("Mindeststelle erreicht", 12),
)


def write_population_xlsx(
    programme: PopulationProgramme,
    lines: list[PopulationLine],
    out: IO[bytes] | str,
    outcome: ProgrammeOutcome | None = None,
) -> int:
    """Write the programme's split to ``out``; returns the number of applicants."""
    book = xlsx.Spreadsheet()
    sheet = book.add_table(SHEET, COLUMNS)
    by_key = {r.line.ags: r for r in outcome.results} if outcome else {}
    reaching = 0
    for line in lines:
        result = by_key.get(line.ags)
        if result is not None and result.applicant.has_reported:
            ok = result.position_reached
        else:
            ok = line.reaches_minimum
        reaching += ok
        fill = None if ok else xlsx.MARKED_FILL
        reached = sheet.cell("ja" if ok else "nein", fill=fill)
        ags = result.applicant.ags if result else line.ags
        sheet.append([ags, line.name, line.population, line.share, line.amount, line.vza, reached])
    sheet.append(
        [
            "Summe",
            f"{len(lines)} Antragsteller",
            sum(line.population for line in lines),
            sum((line.share for line in lines), Decimal(0)),
            sum((line.amount for line in lines), Decimal("0.00")),
            sum((line.vza for line in lines), Decimal("0.00")),
            f"{reaching} von {len(lines)}",
        ],
        bold=True,
    )
    params = book.add_sheet(PARAMETER_SHEET, (44, 36))
    for label, value, number_format in [
        ("Programm", programme.name, None),
        ("Jahr", programme.year, xlsx.INTEGER_FORMAT),
        ("Kreis", programme.landkreis.name, None),
        ("Betrag (EUR)", programme.amount, xlsx.EURO_FORMAT),
        ("Verteilungsschlüssel", "Einwohnerzahl der Antragsteller", None),
        ("Kosten je VZÄ (EUR)", programme.cost_per_vza, xlsx.EURO_FORMAT),
        ("Mindeststelle je Antragsteller (VZÄ)", programme.min_vza, xlsx.DECIMAL_FORMAT),
        ("Mindestbetrag für die Mindeststelle (EUR)", programme.min_amount, xlsx.EURO_FORMAT),
    ]:
        params.append_field(label, value, number_format)
    if programme.remainder_use:
        params.append_field(
            "Nicht genutzte Mittel (EUR)", programme.remainder_amount, xlsx.EURO_FORMAT
        )
        params.append_field("Verwendung", programme.get_remainder_use_display())
        params.append_field("Bemerkung", programme.remainder_note)
    if outcome is not None:
        _positions(book, programme, outcome)
    book.save(out)
    return len(lines)


def _positions(book: xlsx.Spreadsheet, programme: PopulationProgramme, outcome) -> None:
    sheet = book.add_table(POSITION_SHEET, POSITION_COLUMNS)
    redistributed = programme.remainder_use == "redistributed"
    for result in outcome.results:
        applicant = result.applicant
        if applicant.has_reported:
            verdict = "ja" if result.position_reached else "nein"
        else:
            verdict = "noch nicht gemeldet"
        members = ", ".join(m.name for m in applicant.members.all())
        sheet.append(
            [
                result.line.name,
                applicant.get_kind_display(),
                members,
                result.line.amount,
                applicant.position_vza,
                applicant.position_from,
                ("ja" if applicant.own_funds else "nein") if applicant.has_reported else "",
                verdict,
                result.line.amount if result.unused else None,
                outcome.redistribution.get(result.line.ags) if redistributed else None,
            ]
        )
    sheet.append(
        [
            "Summe",
            "",
            "",
            sum((r.line.amount for r in outcome.results), Decimal("0.00")),
            outcome.position_total,
            None,
            "",
            f"{outcome.reached_count} von {len(outcome.results)}",
            outcome.unused,
            sum(outcome.redistribution.values(), Decimal("0.00")) if redistributed else None,
        ],
        bold=True,
    )
