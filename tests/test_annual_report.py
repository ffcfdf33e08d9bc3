"""The Jahresbericht: figures from the Kennzahl registry in the PDF (read back with pdftotext),
the DOCX (read back with python-docx) and the HTML page; the texts the office writes; access."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import docx
import pytest
from django.urls import reverse

from clients.models import Consultation, ConsultationParticipant, Referral, RegularService, Topic
from imcase.audit.models import AuditEntry
from imcase.errors import StaleVersionError
from imcase.organisation.models import StaffChange, StaffMember
from reporting import services
from reporting.annual_report import ReportScope, build_report, german
from reporting.annual_report_docx import chart_png
from reporting.annual_report_pdf import report_html
from reporting.kennzahlen.registry import Unit
from reporting.kennzahlen.table import KREIS, compute_table
from reporting.models import AnnualReportText
from tests.factories import ConsultationFactory, FundingYearFactory

pytestmark = pytest.mark.today("2026-01-20")
YEAR = 2025
CONTACTS = 1200


def _urls(year: int = YEAR) -> list[str]:
    return [
        reverse("reporting:annual_report") + f"?jahr={year}",
        reverse("reporting:annual_report_texts", args=[year]),
        reverse("reporting:annual_report_pdf", args=[year]),
        reverse("reporting:annual_report_docx", args=[year]),
    ]


@pytest.fixture
def year_of_work(world):
    """1,200 contacts of the Kreis's provider in 2025 (so a figure needs a thousands
    separator), a topic and a referral attended, VZÄ with a fraction, a funding year."""
    # 0.75 VZÄ from the beginning: the person and the first row of the staff history
    # (P02 reads the VZÄ of the year from the history, issue 12 item 1).
    StaffMember.objects.filter(user=world.owner).update(vza=Decimal("0.75"))
    StaffChange.objects.filter(staff__user=world.owner).update(vza=Decimal("0.75"))
    contacts = Consultation.objects.bulk_create(
        Consultation(
            provider=world.provider,
            date=dt.date(YEAR, 1 + i % 12, 1 + i % 28),
            duration_minutes=45,
            recorded_by=world.owner,
        )
        for i in range(CONTACTS)
    )
    ConsultationParticipant.objects.bulk_create(
        ConsultationParticipant(consultation=c, client=world.client) for c in contacts
    )
    housing = Topic.objects.get_or_create(name="Wohnen")[0]
    contacts[0].topics.add(housing)
    jobcenter = RegularService.objects.get_or_create(name="Jobcenter")[0]
    Referral.objects.create(
        consultation=contacts[0], service=jobcenter, status=Referral.Status.ATTENDED
    )
    Referral.objects.create(consultation=contacts[1], service=jobcenter)
    ConsultationFactory(client=world.other_client, provider=world.other_provider)
    FundingYearFactory(landkreis=world.landkreis, year=YEAR)
    return world


def _pdftotext(data: bytes) -> str:
    program = shutil.which("pdftotext")
    assert program, "poppler-utils fehlt: scripts/install-test-deps.sh"
    done = subprocess.run(  # noqa: S603 - a fixed program on our own PDF
        [program, "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


def _kreis_report(world):
    return build_report(ReportScope(world.landkreis, None), YEAR, dt.date(2026, 1, 20))


# --- figures --------------------------------------------------------------------------------


def test_key_figures_are_the_registrys_kreis_values_in_german_format(year_of_work):
    world = year_of_work
    report = _kreis_report(world)
    table = compute_table(world.landkreis, YEAR)
    assert [f.id for f in report.key_figures][:4] == ["P01", "P02", "Z01", "Z02"]
    for figure in report.key_figures:
        unit = table.definition.by_id[figure.id].unit
        assert figure.value == table.value(figure.id, "", KREIS)
        assert figure.text == german(figure.value, unit)
    shown = {f.id: f.text for f in report.key_figures}
    assert shown["K01"] == "1.201"
    assert shown["P02"] == "2,75"


def test_charts_carry_the_registrys_breakdowns(year_of_work):
    report = _kreis_report(year_of_work)
    charts = {chart.key: chart for chart in report.charts}
    assert list(charts) == [
        "zielgruppe",
        "kontakte",
        "themen",
        "vermittlungen",
        "ziele",
        "selbstaendigkeit",
        "personal",
        "netzwerkarbeit",
        "foerderung",
    ]
    table = compute_table(year_of_work.landkreis, YEAR)
    assert sum(v for _, v in charts["kontakte"].rows) == table.value("K01")
    assert charts["zielgruppe"].rows == [
        (str(y), compute_table(year_of_work.landkreis, y).value("Z01")) for y in (2023, 2024, 2025)
    ]
    assert dict(charts["themen"].rows)["Wohnen"] == table.value("K05", "Wohnen") == 1
    assert ["Jobcenter", "2", "1", "50,0 %"] in charts["vermittlungen"].body
    assert all(chart.visible_table for chart in report.charts)


def test_the_pdf_read_back_shows_texts_figures_and_every_chart(year_of_work, client):
    world = year_of_work
    services.save_annual_texts(
        world.office,
        YEAR,
        {
            "introduction": "Das Jahr im Überblick.",
            "sachbericht": "Wir haben beraten.",
            "outlook": "2026 kommen neue Kurse.",
        },
        0,
    )
    client.force_login(world.office)
    response = client.get(reverse("reporting:annual_report_pdf", args=[YEAR]), secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="jahresbericht-2025.pdf"' in response["Content-Disposition"]
    text = _pdftotext(response.content)
    flat = " ".join(text.split())
    assert "Jahresbericht Integrationsmanagement 2025" in flat
    assert "Landkreis Testkreis" in flat
    for words in ("Das Jahr im Überblick.", "Wir haben beraten.", "2026 kommen neue Kurse."):
        assert words in flat
    assert "Beratungskontakte 1.201" in flat
    assert "Mitarbeitende, VZÄ" in flat and "2,75" in flat
    assert "1.508.000,00 €" in flat  # the Kreis's Festbetrag
    report = _kreis_report(world)
    for chart in report.charts:
        assert chart.title in flat
    html = report_html(report)
    charts = report.charts + report.outcome_charts
    assert html.count("<svg") == sum(1 for chart in charts if not chart.is_empty)
    assert AuditEntry.objects.filter(detail__event="annual_report_pdf").exists()


def test_the_docx_read_back_has_the_same_figures_and_a_picture_per_chart(year_of_work, client):
    world = year_of_work
    client.force_login(world.office)
    response = client.get(reverse("reporting:annual_report_docx", args=[YEAR]), secure=True)
    assert response.status_code == 200
    assert 'filename="jahresbericht-2025.docx"' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    report = _kreis_report(world)
    assert headings[0] == "Jahresbericht Integrationsmanagement 2025"
    for chart in report.charts + report.outcome_charts:
        assert chart.title in headings
    charts = report.charts + report.outcome_charts
    assert len(document.inline_shapes) == sum(1 for c in charts if not c.is_empty)
    key_table = document.tables[0]
    rows = {row.cells[0].text: row.cells[2].text for row in key_table.rows[1:]}
    assert rows == {figure.id: figure.text for figure in report.key_figures}
    assert rows["K01"] == "1.201" and rows["P02"] == "2,75"
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "50,0 %" in cells and "1.508.000,00 €" not in cells
    assert any("1.508.000,00 €" in p.text for p in document.paragraphs)


def test_a_chart_png_is_a_picture_of_the_bars(year_of_work):
    chart = next(c for c in _kreis_report(year_of_work).charts if c.key == "kontakte")
    data = chart_png(chart)
    assert data.startswith(b"\x89PNG")


def test_the_html_page_shows_the_same_figures_and_charts_and_no_names(year_of_work, client):
    world = year_of_work
    client.force_login(world.office)
    response = client.get(_urls()[0], secure=True)
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    report = _kreis_report(world)
    for figure in report.key_figures:
        assert f'<td>{figure.id}</td><th scope="row">{figure.label}</th>' in page
        assert f'<td class="text-end">{figure.text}</td>' in page
    charts = report.charts + report.outcome_charts
    assert page.count('class="bar-chart"') == sum(1 for c in charts if not c.is_empty)
    assert "Haddad" not in page and "Petrenko" not in page


def test_the_team_lead_gets_his_providers_report(year_of_work, client):
    world = year_of_work
    client.force_login(world.colleague)
    response = client.get(_urls()[0], secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Landratsamt Testkreis (Landkreis Testkreis)" in page
    report = build_report(ReportScope(world.landkreis, world.provider), YEAR, dt.date(2026, 1, 20))
    table = compute_table(world.landkreis, YEAR, world.provider)
    k01 = next(f for f in report.key_figures if f.id == "K01")
    assert k01.value == table.value("K01", "", f"p{world.provider.pk}") == CONTACTS
    assert "Stadt Neustadt" not in page


# --- texts ------------------------------------------------------------------------------------


def test_office_edits_the_texts_in_the_browser_form(world, client):
    client.force_login(world.office)
    url = reverse("reporting:annual_report_texts", args=[YEAR])
    assert client.get(url, secure=True).status_code == 200
    data = {"introduction": "Einleitung.", "sachbericht": "Absatz 1.\n\nAbsatz 2.", "outlook": ""}
    response = client.post(url, {**data, "version": 0}, secure=True)
    assert response.status_code == 302
    texts = AnnualReportText.objects.get()
    assert (texts.provider, texts.year, texts.version) == (None, YEAR, 1)
    page = client.get(response["Location"], secure=True).content.decode()
    assert "Absatz 1." in page and "Absatz 2." in page
    stale = client.post(url, {**data, "outlook": "später", "version": 0}, secure=True)
    assert stale.status_code == 400
    assert AnnualReportText.objects.get().outlook == ""


def test_a_stale_save_is_refused_and_the_provider_texts_are_separate(world):
    services.save_annual_texts(world.office, YEAR, {"introduction": "Kreis"}, 0)
    with pytest.raises(StaleVersionError):
        services.save_annual_texts(world.office, YEAR, {"introduction": "zu spät"}, 0)
    services.save_annual_texts(world.colleague, YEAR, {"introduction": "Träger"}, 0)
    texts = {t.provider_id: t.introduction for t in AnnualReportText.objects.all()}
    assert texts == {None: "Kreis", world.provider.pk: "Träger"}
    assert AnnualReportText.objects.visible_to(world.colleague).get().introduction == "Träger"
    assert AnnualReportText.objects.visible_to(world.owner).count() == 0


# --- access -------------------------------------------------------------------------------------


def test_managers_municipalities_and_the_rp_get_404_on_the_annual_report(world, client):
    for user in (world.owner, world.outsider, world.municipality_user, world.rp_user):
        client.force_login(user)
        for url in _urls():
            assert client.get(url, secure=True).status_code == 404, (user.username, url)
        response = client.post(_urls()[1], {"introduction": "x", "version": 0}, secure=True)
        assert response.status_code == 404
    assert not AnnualReportText.objects.exists()


def test_a_year_without_definition_is_404(world, client):
    client.force_login(world.office)
    assert (
        client.get(reverse("reporting:annual_report_pdf", args=[2019]), secure=True).status_code
        == 404
    )


def test_german_formats():
    assert german(1234) == "1.234"
    assert german(Decimal("12.5"), Unit.VZA) == "12,50"


# --- background export ----------------------------------------------------------------------


@pytest.fixture
def _inline_tasks(monkeypatch, settings, tmp_path):
    from imcase.celery import app as celery_app

    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("_inline_tasks")
def test_the_team_lead_writes_the_docx_in_the_background(
    world, client, django_capture_on_commit_callbacks
):
    from imcase.exports.models import GeneratedFile

    client.force_login(world.colleague)
    url = reverse("exports:start", args=["jahresbericht_docx"]) + f"?jahr={YEAR}"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, secure=True).status_code == 302
    generated = GeneratedFile.objects.get()
    assert generated.status == GeneratedFile.Status.DONE
    assert generated.filename == f"jahresbericht-{YEAR}.docx"
    with generated.file.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    assert document.paragraphs[1].text == "Landratsamt Testkreis (Landkreis Testkreis)"


@pytest.mark.usefixtures("_inline_tasks")
@pytest.mark.parametrize("persona", ["owner", "municipality_user", "rp_user"])
def test_others_cannot_start_the_annual_report_export(world, client, persona):
    from imcase.exports.models import GeneratedFile

    client.force_login(getattr(world, persona))
    for kind in ("pdf", "docx"):
        url = reverse("exports:start", args=[f"jahresbericht_{kind}"]) + f"?jahr={YEAR}"
        assert client.post(url, secure=True).status_code == 404
    assert not GeneratedFile.objects.exists()


def test_the_demo_texts_are_written_once_and_keep_later_edits(world):
    from devtools.demo.annual_report import build_annual_report_texts

    assert build_annual_report_texts(world.landkreis) == 1
    services.save_annual_texts(world.office, YEAR, {"introduction": "Eigene Einleitung"}, 1)
    assert build_annual_report_texts(world.landkreis) == 0
    assert AnnualReportText.objects.get().introduction == "Eigene Einleitung"
