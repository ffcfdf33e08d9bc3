"""The plan as a PDF to sign (WeasyPrint, A4, German).

HTML from ``templates/plans/pdf.html``, CSS from ``templates/plans/pdf.css``. The fonts come
from the system through fontconfig: Noto Sans (Latin, Cyrillic), Noto Sans Arabic and
DejaVu Sans (see scripts/install-test-deps.sh and the Dockerfile). Nothing is fetched from
anywhere: the URL fetcher refuses every URL, so a stray link in a template cannot reach the
network.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from plans.models import PlanVersion
from plans.queries import goals_of, independence_progress


class FetchRefused(ValueError):
    pass


def _refuse(url: str, *args, **kwargs):
    raise FetchRefused(f"Der Plan-PDF lädt keine externen Ressourcen ({url[:60]}).")


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
    # WeasyPrint is imported here: it loads Pango on import, which most requests do not need.
    from weasyprint import CSS, HTML

    css = CSS(string=render_to_string("plans/pdf.css"), url_fetcher=_refuse)
    document = HTML(string=plan_html(version), base_url=None, url_fetcher=_refuse)
    return document.write_pdf(stylesheets=[css])


def pdf_filename(version: PlanVersion) -> str:
    aktenzeichen = "".join(
        ch if ch.isalnum() or ch in "-_" else "_" for ch in version.plan.client.aktenzeichen
    )
    return f"Integrationsplan_{aktenzeichen}_Fassung_{version.number}.pdf"
