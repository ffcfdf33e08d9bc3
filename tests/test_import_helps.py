"""An import that helps: every problem of every row in one pass, the error list capped with the
total and downloadable in full as CSV (formulas neutralised), templates that import as they are."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from clients.import_jobs import _save_log
from clients.import_reader import read_rows
from clients.import_template import template_csv, template_xlsx
from clients.importer import (
    HEADER,
    MAX_LISTED_PROBLEMS,
    Problem,
    ProblemLog,
    csv_safe,
    import_assignments,
)
from clients.models import Client, ImportJob
from imcase.organisation.models import Role
from tests.factories import (
    LandkreisFactory,
    MunicipalityFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.test_import import row, upload
from tests.test_import_limits import csv_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def problems_of(line: int, result) -> list[str]:
    return [p.message for p in result.problems if p.line == line]


# --- every problem of a row in one pass ---------------------------------------------------------


@pytest.mark.today
def test_unknown_ags_is_listed_with_the_date_and_sex_errors_of_the_same_row(world):
    content = csv_bytes(
        row(az="IMP-1"),
        row(az="IMP-2", birth="31.02.1990", sex="x", ags="08999999", assigned="1.13.2024"),
    )

    result = import_assignments(content, landkreis=world.landkreis, dry_run=True)

    assert problems_of(3, result) == [
        "Geburtsdatum '31.02.1990' ist kein gültiges Datum (TT.MM.JJJJ).",
        "Geschlecht 'x' ist ungültig (erlaubt: m, w, d).",
        "AGS '08999999' ist keine bekannte Gemeinde.",
        "Zuweisungsdatum '1.13.2024' ist kein gültiges Datum (TT.MM.JJJJ).",
    ]
    assert result.problem_count == 4
    assert not problems_of(2, result)


@pytest.mark.today
def test_an_ags_of_another_kreis_is_listed_with_the_rows_other_errors(world):
    other = MunicipalityFactory(landkreis=LandkreisFactory(name="Nachbarkreis"), ags="08111001")

    result = import_assignments(
        csv_bytes(row(az="IMP-1", ags=other.ags, sex="")), landkreis=world.landkreis, dry_run=True
    )

    assert problems_of(2, result) == [
        "Geschlecht fehlt (erlaubt: m, w, d).",
        f"AGS '08111001' ({other.name}) gehört nicht zum Kreis Landkreis Testkreis.",
    ]


# --- capped list, full CSV ----------------------------------------------------------------------


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.today
def test_more_than_200_errors_are_capped_with_the_total_and_downloadable_in_full(client, world):
    client.force_login(world.office)
    bad = 312
    content = csv_bytes(*(row(az=f"IMP-{n}", sex="x") for n in range(bad)))

    page = upload(client, content, dry_run="on").content.decode()

    assert f"312 Fehler; die ersten {MAX_LISTED_PROBLEMS}:" in page
    assert page.count("ist ungültig (erlaubt: m, w, d)") == MAX_LISTED_PROBLEMS
    job = ImportJob.objects.get(owner=world.office)
    url = reverse("clients:import_problems", args=[job.code])
    assert f'href="{url}"' in page

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(b"".join(response.streaming_content))
    assert rows[0] == ["Zeile", "Fehler"]
    assert len(rows) == 1 + bad
    assert rows[1] == ["2", "Geschlecht 'x' ist ungültig (erlaubt: m, w, d)."]
    assert rows[-1][0] == str(bad + 1)
    assert not Client.objects.filter(aktenzeichen__startswith="IMP-").exists()


@pytest.mark.today
def test_a_few_errors_are_listed_with_their_count_and_the_csv(client, world):
    client.force_login(world.office)

    page = upload(client, csv_bytes(row(az="IMP-1", sex="x", birth="x"))).content.decode()

    assert "2 Fehler:" in page
    assert "Vollständige Fehlerliste als CSV herunterladen" in page


def test_the_problem_list_belongs_to_the_uploader_only(client, world):
    job = ImportJob.objects.create(
        owner=world.office,
        landkreis=world.landkreis,
        status=ImportJob.Status.DONE,
        expires_at="2099-01-01T00:00Z",
    )
    log = ProblemLog()
    log.write([Problem(2, "Geschlecht fehlt.")])
    _save_log(job, log)
    job.save()
    url = reverse("clients:import_problems", args=[job.code])
    other_office = UserFactory(username="office2")
    StaffMemberFactory(user=other_office, role=Role.OFFICE, provider=world.provider)
    for outsider in (other_office, world.owner, world.admin):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(world.office)
    assert client.get(url).status_code == 200


def test_the_csv_never_holds_a_formula():
    for value in ('=HYPERLINK("x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_safe(value) == "'" + value
    assert csv_safe("Geschlecht fehlt.") == "Geschlecht fehlt."
    log = ProblemLog()
    log.write([Problem(2, "=1+1"), Problem(None, "@A1")])
    rows = _csv_rows(log.read().encode())
    assert rows[1:] == [["2", "'=1+1"], ["", "'@A1"]]
    log.close()


def test_a_refused_file_as_a_whole_leaves_only_its_reason_in_the_log(world):
    log = ProblemLog()
    result = import_assignments(
        csv_bytes(*(row(az=f"IMP-{n}", sex="x") for n in range(3))),
        landkreis=world.landkreis,
        dry_run=True,
        log=log,
    )
    assert log.count == result.problem_count == 3
    log.clear()
    assert log.count == 0 and _csv_rows(log.read().encode()) == [["Zeile", "Fehler"]]


# --- templates ----------------------------------------------------------------------------------


@pytest.mark.today
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_are_downloadable_and_their_example_row_imports(client, world, fmt):
    client.force_login(world.office)
    page = client.get(reverse("clients:import")).content.decode()
    url = reverse("clients:import_template", args=[fmt])
    assert f'href="{url}"' in page

    response = client.get(url)

    assert response.status_code == 200
    assert f'filename="zuweisungsliste-vorlage.{fmt}"' in response["Content-Disposition"]
    content = response.content
    lines = list(read_rows(io.BytesIO(content), f"vorlage.{fmt}", max_xlsx_bytes=10 * 1024 * 1024))
    assert [str(c) for c in lines[0][1]] == list(HEADER)
    assert len(lines) == 2
    result = import_assignments(
        content, filename=f"vorlage.{fmt}", landkreis=world.landkreis, dry_run=True
    )
    assert result.ok, result.problems
    assert (result.created, result.updated) == (1, 0)
    assert not Client.objects.filter(aktenzeichen="BEISPIEL-0001").exists()


def test_the_templates_name_a_municipality_of_the_office_kreis(world):
    assert world.town.ags.encode() in template_csv(world.landkreis)
    assert template_xlsx(world.landkreis).startswith(b"PK")


@pytest.mark.parametrize("persona", ["owner", "municipality_user", "admin"])
def test_only_the_office_downloads_templates(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("clients:import_template", args=["csv"])).status_code == 404


def test_an_unknown_template_format_is_not_found(client, world):
    client.force_login(world.office)
    assert client.get(reverse("clients:import_template", args=["pdf"])).status_code == 404
