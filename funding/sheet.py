"""The allocation sheet of one municipality: the computation step by step, from the frozen
figures of a published revision. The HTML page, the PDF letter and the XLSX use the same steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from funding.formatting import euro, number, percent, quota
from funding.models import Allocation, AllocationRevision
from imcase.exports import xlsx


@dataclass(frozen=True)
class Step:
    label: str
    value: Decimal | int  # the figure itself (for the XLSX)
    text: str  # the figure in German format (for the page and the PDF)
    number_format: str = xlsx.GROUPED_DECIMAL_FORMAT
    total: bool = False  # a result line, shown in bold


def _euro(label: str, value: Decimal, *, total: bool = False) -> Step:
    return Step(label, value, euro(value), xlsx.EURO_SIGN_FORMAT, total)


def steps(allocation: Allocation) -> list[Step]:
    """The computation of ``allocation`` as published."""
    revision: AllocationRevision = allocation.revision
    lines: list[Step] = []
    if revision.land_total is not None and revision.quota_percent is not None:
        lines.append(_euro("Landesmittel für das Integrationsmanagement", revision.land_total))
        lines.append(
            Step(
                "Zuteilungsquote des Kreises",
                revision.quota_percent / 100,
                quota(revision.quota_percent),
                "0.00##%",
            )
        )
        lines.append(_euro("Betrag des Kreises (Landesmittel × Quote)", revision.kreis_amount))
    else:
        lines.append(_euro("Betrag des Kreises", revision.kreis_amount))
    for deduction in revision.deductions:
        amount = Decimal(deduction["amount"])
        lines.append(Step(f"abzüglich {deduction['name']}", -amount, f"− {euro(amount)}"))
    lines.append(_euro("Verteilbarer Betrag", revision.distributable_amount, total=True))
    lines += [
        Step(
            f"Personen der Zielgruppe in {allocation.municipality_name}",
            allocation.persons,
            str(allocation.persons),
            xlsx.INTEGER_FORMAT,
        ),
        Step(
            "Personen der Zielgruppe im Kreis",
            revision.total_persons,
            f"{revision.total_persons:,}".replace(",", "."),
            xlsx.GROUPED_INTEGER_FORMAT,
        ),
        Step(
            f"Anteil von {allocation.municipality_name} (Personen ÷ Personen im Kreis)",
            allocation.share,
            percent(allocation.share),
            xlsx.PERCENT_FORMAT,
        ),
        _euro(
            "Zuteilung (verteilbarer Betrag × Anteil, auf den Cent gerundet)",
            allocation.amount,
            total=True,
        ),
        _euro("Personalkosten je Vollzeitstelle (VZÄ)", revision.cost_per_vza),
        Step(
            "Förderfähige Stellenanteile (Zuteilung ÷ Kosten je VZÄ)",
            allocation.vza,
            f"{number(allocation.vza)} VZÄ",
            '0.00 "VZÄ"',
            total=True,
        ),
    ]
    return lines


def verdict(allocation: Allocation) -> str:
    """What the figure means for the decision on Eigenregie (Nr. 3.4 VwV IntM)."""
    revision = allocation.revision
    minimum = number(revision.eigenregie_min_vza)
    if allocation.below_threshold:
        return (
            f"Die Zuteilung reicht nicht für eine eigene Stelle von mindestens {minimum} VZÄ "
            f"({euro(revision.eigenregie_min_amount)}). Ein Integrationsmanagement in eigener "
            "Regie ist nur im Verbund mit anderen Gemeinden, in Kooperation oder mit eigenen "
            "Mitteln möglich; sonst erbringt der Landkreis das Integrationsmanagement."
        )
    return (
        f"Die Zuteilung reicht für eine Stelle von mindestens {minimum} VZÄ: Ihre Gemeinde kann "
        "das Integrationsmanagement in eigener Regie durchführen oder beim Landkreis belassen."
    )
