"""The Kennzahlen page usable: a table of contents per sheet with anchors, the submission box
after the figures with a summary of what is submitted, the correction reason only where a
submission exists."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from reporting import services
from reporting.views.figures import submission_summary

TODAY = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _page(client, user, year=2025) -> str:
    client.force_login(user)
    response = client.get(reverse("reporting:figures") + f"?jahr={year}", secure=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.today("2026-01-20")
def test_table_of_contents_links_every_sheet_and_figure(world, client):
    html = _page(client, world.office)
    table = services.table_for(world.office, 2025, None)
    start = html.index('id="inhaltsverzeichnis"')
    toc = html[start : html.index("</nav>", start)]
    for section in table.sections:
        key = section.group.key
        assert f'href="#gruppe-{key}"' in toc
        assert f'id="gruppe-{key}"' in html
        first = section.lines[0].figure.id
        assert f'href="#kennzahl-{first}"' in toc
        assert f'id="kennzahl-{first}"' in html
    assert 'href="#abgabe"' in toc


@pytest.mark.today("2026-01-20")
def test_the_submission_box_comes_after_the_figures_with_a_summary(world, client):
    html = _page(client, world.office)
    table = services.table_for(world.office, 2025, None)
    last_sheet = f'id="gruppe-{table.sections[-1].group.key}"'
    assert html.index(last_sheet) < html.index('id="abgabe"')
    summary = html[html.index('id="abgabe-zusammenfassung"') :]
    figures = len({line.figure.id for line in table.lines()})
    assert f"{figures} Kennzahlen auf {len(table.sections)} Blättern" in summary
    assert "Abgabe Nr. 1 (erste Abgabe für dieses Jahr)" in summary
    assert "Landratsamt Testkreis" in summary


@pytest.mark.today("2026-01-20")
def test_no_correction_reason_for_the_first_submission(world, client):
    html = _page(client, world.office)
    assert "Endgültig abgeben" in html
    assert "Grund der Korrektur" not in html
    assert 'name="note"' not in html


@pytest.mark.today("2026-01-20")
def test_the_correction_reason_appears_once_a_submission_exists(world, client):
    first = services.finalise(world.office, 2025, "", "https://x.example/", today=TODAY)
    html = _page(client, world.office)
    assert 'name="note"' in html and "Grund der Korrektur" in html
    assert "Korrektur abgeben (Abgabe 2)" in html
    assert f"Abgabe Nr. 2: Korrektur der Abgabe Nr. 1 vom {first.submitted_at:%d.%m.%Y}" in html


@pytest.mark.today("2026-01-20")
def test_a_first_submission_through_the_page_needs_no_reason(world, client):
    html = _page(client, world.office)
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', html).group(1)
    response = client.post(
        reverse("reporting:finalise", args=[2025]),
        {"fingerprint": fingerprint, "bestaetigung": "on"},
        secure=True,
    )
    assert response.status_code == 302


@pytest.mark.today("2026-01-20")
def test_managers_see_the_contents_but_no_submission_box(world, client):
    html = _page(client, world.owner)
    assert 'id="inhaltsverzeichnis"' in html
    assert 'id="abgabe"' not in html


def _fake_table(figure_ids: list[str], sheets: int):
    lines = [SimpleNamespace(figure=SimpleNamespace(id=i)) for i in figure_ids]
    return SimpleNamespace(
        lines=lambda: lines,
        sections=[object()] * sheets,
        columns=[SimpleNamespace(title="Kreis insgesamt")],
    )


def test_the_summary_counts_in_german_singular_and_plural():
    one = submission_summary(_fake_table(["Z01", "Z01"], 1), [])
    assert (one.figures, one.sheets, one.number) == ("1 Kennzahl", "1 Blatt", 1)
    many = submission_summary(_fake_table(["Z01", "Z02", "Z03"], 2), [SimpleNamespace(number=4)])
    assert (many.figures, many.sheets, many.number) == ("3 Kennzahlen", "2 Blättern", 5)
