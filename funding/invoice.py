"""The quarterly invoice of a cooperation: its figures (pure functions) and its PDF (WeasyPrint).

Brackenheim serves Cleebronn from 2025 with an integration manager for at least 15 hours a week
and bills "quartalsweise und unter Berücksichtigung der Umsatzsteuerpflicht". The agreement is
either hourly (weekly hours × 13 weeks × hourly rate) or a flat amount per quarter; VAT is the
rate of the setting ``FUNDING_VAT_PERCENT`` when the invoice is issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from funding.models.decisions import QUARTERS, WEEKS_PER_QUARTER, CooperationInvoice
from funding.split import split_cents, to_cents

CENT = Decimal("0.01")


@dataclass(frozen=True)
class InvoiceFigures:
    hours: Decimal | None  # hours in the quarter (hourly billing only)
    rate: Decimal  # hourly rate, or the flat amount
    net: Decimal
    vat: Decimal
    gross: Decimal


def invoice_figures(
    billing: str,
    weekly_hours: Decimal,
    hourly_rate: Decimal | None,
    quarterly_flat: Decimal | None,
    vat_percent: Decimal,
) -> InvoiceFigures:
    """Net, VAT and gross of one quarter, each rounded to the cent (half up)."""
    if billing == "hourly":
        hours = (weekly_hours * WEEKS_PER_QUARTER).quantize(CENT)
        rate = hourly_rate
        net = (hours * hourly_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        hours, rate, net = None, quarterly_flat, quarterly_flat.quantize(CENT)
    vat = (net * vat_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return InvoiceFigures(hours=hours, rate=rate, net=net, vat=vat, gross=net + vat)


def quarter_shares(amount: Decimal) -> dict[int, Decimal]:
    """A year's amount in four quarterly parts that add up to it to the cent."""
    cents = split_cents(to_cents(amount), [(str(q), 1) for q in QUARTERS])
    return {q: (Decimal(cents[str(q)]) / 100).quantize(CENT) for q in QUARTERS}


def invoice_number(year: int, buyer_ags: str, quarter: int) -> str:
    """One number per served municipality, year and quarter, e.g. ``IM-2025-08125017-Q1``."""
    return f"IM-{year}-{buyer_ags}-Q{quarter}"


def render_invoice_pdf(invoice: CooperationInvoice) -> bytes:
    """The invoice letter from the serving to the served municipality, as issued."""
    # Imported here: WeasyPrint loads Pango at import time, which only PDF requests need.
    from weasyprint import CSS, HTML

    decision = invoice.decision
    context = {
        "invoice": invoice,
        "decision": decision,
        "year": decision.funding_year,
        "landkreis": decision.funding_year.landkreis,
        "issued_on": timezone.localtime(invoice.issued_at).date(),
    }
    html = render_to_string("funding/decisions/invoice_pdf.html", context)
    stylesheet = CSS(string=render_to_string("funding/decisions/invoice.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
