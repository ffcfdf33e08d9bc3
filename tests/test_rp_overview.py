"""The Regierungspräsidium across its Kreise: who submitted and who is overdue, and the
consolidated workbook read back with openpyxl equal to the submitted files."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from imcase.audit.models import AuditEntry
from reporting import services
from reporting.rp_overview import SHEET, due_date
from tests.factories import ConsultationFactory, RegierungspraesidiumFactory
from tests.test_reporting import BASE, office_of_other_kreis, rp_user

YEAR = 2025
pytestmark = pytest.mark.today("2026-02-10")
SUBMITTED_ON = dt.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def region(world):
    """Landkreis Testkreis submitted 2025 twice (a correction); Landkreis Fern in the same RP
    submitted nothing; a Kreis of another RP submitted too."""
    for day in (dt.date(YEAR, 3, 3), dt.date(YEAR, 9, 9)):
        ConsultationFactory(client=world.client, provider=world.provider, date=day)
    services.finalise(world.office, YEAR, "", BASE, today=SUBMITTED_ON)
    ConsultationFactory(client=world.other_client, provider=world.other_provider)
    latest = services.finalise(world.office, YEAR, "Ein Kontakt fehlte.", BASE, today=SUBMITTED_ON)
    _, fern = office_of_other_kreis(rp=world.landkreis.regierungspraesidium)
    other_rp = RegierungspraesidiumFactory(name="Regierungspräsidium Karlsruhe")
    far_office, far_kreis = _kreis_of(other_rp)
    services.finalise(far_office, YEAR, "", BASE, today=SUBMITTED_ON)
    return world, latest, fern, far_kreis, other_rp


def _kreis_of(rp):
    from imcase.organisation.models import Role
    from tests.factories import LandkreisFactory, ProviderFactory, StaffMemberFactory, UserFactory

    landkreis = LandkreisFactory(name="Landkreis Karlsruhe-Land", regierungspraesidium=rp)
    provider = ProviderFactory(landkreis=landkreis, name="Landratsamt Karlsruhe-Land")
    user = UserFactory(username="office_ka")
    StaffMemberFactory(user=user, role=Role.OFFICE, provider=provider)
    return user, landkreis


def _submitted_kreis_totals(submission) -> dict[str, object]:
    """Independently of the code under test: (Nr. + Ausprägung) → last column of each figure
    sheet of the stored file."""
    data = default_storage.open(submission.file.name).read()
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = {}
    for sheet in book.worksheets[1:-1]:
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][-1] == "Kreis insgesamt"
        for row in rows[1:]:
            label = f"{row[0]} {row[1]}" + (f" – {row[2]}" if row[2] else "")
            found[label] = row[-1]
    return found


def test_rp_sees_who_submitted_with_number_date_corrections_and_who_is_overdue(region, client):
    world, latest, fern, far_kreis, _ = region
    client.force_login(world.rp_user)
    response = client.get(reverse("reporting:rp_overview") + f"?jahr={YEAR}", secure=True)
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "Abgegeben: 1 von 2 Kreisen · überfällig: 1 · fällig bis 31.01.2026" in page
    assert "Landkreis Fern" in page and "überfällig" in page
    assert "verspätet abgegeben" in page  # the first submission came after 31.01.
    assert f"Abgabe {latest.number}" in page and "Abgabe 2" in page
    assert "Landkreis Karlsruhe-Land" not in page
    assert due_date(YEAR) == dt.date(2026, 1, 31)

    detail = client.get(reverse("reporting:rp_kreis", args=[YEAR, world.landkreis.pk]), secure=True)
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "Korrekturen: 1" in text and "Ein Kontakt fehlte." in text


@pytest.mark.today("2026-01-25")
def test_before_the_due_date_a_missing_table_is_open_not_overdue(region, client):
    world = region[0]
    client.force_login(world.rp_user)
    page = client.get(reverse("reporting:rp_overview") + f"?jahr={YEAR}", secure=True)
    text = page.content.decode()
    assert "überfällig: 0" in text
    assert "noch offen" in text and "verspätet" not in text


def test_the_consolidated_workbook_equals_the_submitted_files(region, client):
    world, latest, fern, far_kreis, _ = region
    client.force_login(world.rp_user)
    response = client.get(reverse("reporting:rp_consolidated", args=[YEAR]), secure=True)
    assert response.status_code == 200
    assert 'filename="kennzahlen-der-kreise-2025.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [SHEET]
    rows = list(book[SHEET].iter_rows(values_only=True))
    header = rows[0]
    by_kreis = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert list(by_kreis) == ["Landkreis Fern", "Landkreis Testkreis"]

    ours = by_kreis["Landkreis Testkreis"]
    assert ours["Stand"] == "verspätet abgegeben"  # submitted on the test day, 10.02.
    assert ours["Abgabe Nr."] == 2
    assert ours["SHA-256 der Datei"] == latest.sha256
    assert ours["Fassung der Tabelle"] == "2023.1"
    submitted = _submitted_kreis_totals(latest)
    assert set(submitted) == set(header[6:])
    assert {label: ours[label] for label in submitted} == submitted
    assert ours["K01 Beratungskontakte"] == 3

    fern_row = by_kreis["Landkreis Fern"]
    assert fern_row["Stand"] == "überfällig" and fern_row["Abgabe Nr."] is None
    assert all(fern_row[label] is None for label in header[6:])
    assert AuditEntry.objects.filter(detail__event="rp_consolidated_xlsx").exists()


def test_a_file_that_no_longer_matches_its_checksum_gives_no_figures(region, client):
    world, latest, *_ = region
    path = default_storage.path(latest.file.name)
    with open(path, "ab") as handle:
        handle.write(b"x")
    client.force_login(world.rp_user)
    response = client.get(reverse("reporting:rp_consolidated", args=[YEAR]), secure=True)
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content))[SHEET].iter_rows(values_only=True)
    )
    ours = dict(zip(rows[0], next(r for r in rows if r[0] == "Landkreis Testkreis"), strict=True))
    assert ours["Stand"] == "Datei beschädigt"
    # No valid file left: no figure columns at all, so no figure can be shown wrongly.
    assert len(rows[0]) == 6


def test_a_kreis_of_another_rp_is_404(region, client):
    world, latest, fern, far_kreis, other_rp = region
    client.force_login(world.rp_user)
    url = reverse("reporting:rp_kreis", args=[YEAR, far_kreis.pk])
    assert client.get(url, secure=True).status_code == 404
    karlsruhe = rp_user("rp_ka", other_rp)
    client.force_login(karlsruhe)
    assert client.get(url, secure=True).status_code == 200
    ours = reverse("reporting:rp_kreis", args=[YEAR, world.landkreis.pk])
    assert client.get(ours, secure=True).status_code == 404
    response = client.get(reverse("reporting:rp_consolidated", args=[YEAR]), secure=True)
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content))[SHEET].iter_rows(values_only=True)
    )
    assert [row[0] for row in rows[1:]] == ["Landkreis Karlsruhe-Land"]


def test_users_other_than_the_rp_get_404(region, client):
    world = region[0]
    urls = [
        reverse("reporting:rp_overview"),
        reverse("reporting:rp_kreis", args=[YEAR, world.landkreis.pk]),
        reverse("reporting:rp_consolidated", args=[YEAR]),
    ]
    for user in (world.office, world.colleague, world.owner, world.municipality_user, world.admin):
        client.force_login(user)
        for url in urls:
            assert client.get(url, secure=True).status_code == 404, (user.username, url)


def test_a_year_without_definition_is_404_for_the_rp(world, client):
    client.force_login(world.rp_user)
    url = reverse("reporting:rp_consolidated", args=[2019])
    assert client.get(url, secure=True).status_code == 404
