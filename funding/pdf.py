"""The allocation sheet as a PDF letter (WeasyPrint) from the Landratsamt to the municipality."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from funding import sheet
from funding.models import Allocation


def render_sheet_pdf(allocation: Allocation) -> bytes:
    """The letter with the computation of ``allocation`` as published."""
    # Imported here: WeasyPrint loads Pango at import time, which only PDF requests need.
    from weasyprint import CSS, HTML

    revision = allocation.revision
    context = {
        "allocation": allocation,
        "revision": revision,
        "year": revision.funding_year,
        "landkreis": revision.funding_year.landkreis,
        "steps": sheet.steps(allocation),
        "verdict": sheet.verdict(allocation),
        "published_on": timezone.localtime(revision.published_at).date(),
    }
    html = render_to_string("funding/pdf/sheet.html", context)
    stylesheet = CSS(string=render_to_string("funding/pdf/sheet.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
