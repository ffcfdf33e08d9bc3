"""The plan as a PDF to sign (WeasyPrint through ``imcase.pdf``, A4, German).

HTML from ``templates/plans/pdf.html``, CSS from ``templates/plans/pdf.css``; fonts and the
refused URL fetcher: see ``imcase.pdf``.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from imcase.pdf import render_pdf
from plans.models import PlanVersion
from plans.queries import goals_of, independence_progress


def plan_html(version: PlanVersion) -> str:
    """The HTML of the PDF (also useful to look at in a test)."""
    plan = version.plan
    client = plan.client
    content = goals_of(version)
    provider = client.municipality.provider_on(version.agreed_on)
    manager = client.manager or version.created_by
    return render_to_string(
        "plans/pdf.html",
        {
            "plan": plan,
            "client": client,
            "version": version,
            "manager": manager,
            "provider": provider,
            "parts": [
                ("A", "Teil A – kurzfristige Ziele", content.goals_a),
                ("B", "Teil B – langfristige Ziele", content.goals_b),
            ],
            "progress": independence_progress(version),
            "printed_on": timezone.localdate(),
        },
    )


def render_plan_pdf(version: PlanVersion) -> bytes:
    """The PDF of one version of a plan."""
    return render_pdf(plan_html(version), render_to_string("plans/pdf.css"))


def pdf_filename(version: PlanVersion) -> str:
    aktenzeichen = "".join(
        ch if ch.isalnum() or ch in "-_" else "_" for ch in version.plan.client.aktenzeichen
    )
    return f"Integrationsplan_{aktenzeichen}_Fassung_{version.number}.pdf"
