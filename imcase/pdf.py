"""One way to make a PDF: WeasyPrint from an HTML string and a CSS string (A4, German).

Used by the plan PDF (``plans.pdf``) and the Übermittlungsbogen for the Jobcenter
(``clients.jobcenter``). The fonts come from the system through fontconfig: Noto Sans (Latin,
Cyrillic), Noto Sans Arabic and DejaVu Sans (see scripts/install-test-deps.sh and the
Dockerfile). Nothing is fetched from anywhere: the URL fetcher refuses every URL, so a stray
link in a template cannot reach the network.
"""

from __future__ import annotations


class FetchRefused(ValueError):
    pass


def _refuse(url: str, *args, **kwargs):
    raise FetchRefused(f"Das PDF lädt keine externen Ressourcen ({url[:60]}).")


def render_pdf(html: str, css: str) -> bytes:
    """The PDF of ``html`` styled by ``css``."""
    # WeasyPrint is imported here: it loads Pango on import, which most requests do not need.
    from weasyprint import CSS, HTML

    stylesheet = CSS(string=css, url_fetcher=_refuse)
    document = HTML(string=html, base_url=None, url_fetcher=_refuse)
    return document.write_pdf(stylesheets=[stylesheet])
