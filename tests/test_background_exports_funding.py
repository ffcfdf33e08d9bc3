"""The allocation files as background exports: the office's overview and a municipality's
sheet run as tasks, write the same workbooks as the direct downloads, and are refused (404 at
the start, a failed file in the task) outside the user's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from funding import services
from funding.computation import plan_for_year
from funding.models import FundingYear
from imcase.audit.models import AuditEntry
from imcase.celery import app as celery_app
from imcase.exports import services as export_services
from imcase.exports.models import GeneratedFile
from imcase.exports.registry import get_export
from imcase.organisation.models import Role, StaffMember
from tests.test_funding_support import http, make_funding, persona

OVERVIEW = reverse("exports:start", args=["funding_overview"])
SHEET = reverse("exports:start", args=["funding_sheet"])
TOWN_SHEET = SHEET + "?jahr=2025&ags=08999001&revision=1"
OTHER_SHEET = SHEET + "?jahr=2025&ags=08999002&revision=1"


@pytest.fixture(autouse=True)
def _inline_tasks_and_media(monkeypatch, settings, tmp_path):
    # The test run has REDIS_URL set; here tasks run inline like in the demo.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def funding(world):
    """Lists of Altstadt (3 persons) and Neustadt (2) sent, the split published as revision 1."""
    funding = make_funding(world)
    services.generate_lists(world.office, funding.year)
    services.send_lists(world.office, funding.year, "https://imcase.example/")
    year = FundingYear.objects.get(pk=funding.year.pk)
    services.publish(
        world.office, year, plan_for_year(year).fingerprint, "", "https://imcase.example/"
    )
    return funding


def start(user, url: str, capture):
    with capture(execute=True):
        return http(user).post(url)


def workbook_values(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


def stored(generated: GeneratedFile) -> bytes:
    with generated.file.open("rb") as handle:
        return handle.read()


def pending(user, identifier: str, **params) -> GeneratedFile:
    export = get_export(identifier)
    return GeneratedFile.objects.create(
        owner=user,
        export=identifier,
        params=params,
        filename=export.filename(params),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )


def test_exports_are_registered_through_the_funding_exports_module():
    assert get_export("funding_overview").verbose_name.startswith("Verteilung")
    assert get_export("funding_sheet").verbose_name == "Zuteilungsblatt (XLSX)"


# --- the office's overview ----------------------------------------------------------------


def test_office_overview_runs_as_task_and_matches_the_direct_download(
    world, funding, django_capture_on_commit_callbacks
):
    response = start(
        world.office, OVERVIEW + "?jahr=2025&revision=1", django_capture_on_commit_callbacks
    )

    generated = GeneratedFile.objects.get()
    assert response["Location"] == reverse("exports:detail", args=[generated.code])
    assert generated.status == GeneratedFile.Status.DONE
    assert generated.params == {"year": 2025, "number": 1}
    assert generated.rows == 2
    assert generated.filename == "verteilung-2025-revision-1.xlsx"
    direct = http(world.office).get(reverse("funding:overview_xlsx", args=[2025, 1]))
    assert workbook_values(stored(generated)) == workbook_values(direct.content)
    download = http(world.office).get(reverse("exports:download", args=[generated.code]))
    assert "verteilung-2025-revision-1.xlsx" in download["Content-Disposition"]


def test_background_overview_is_written_to_the_audit_log(
    world, funding, django_capture_on_commit_callbacks
):
    start(world.office, OVERVIEW + "?jahr=2025&revision=1", django_capture_on_commit_callbacks)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == world.office
    assert entry.detail["municipalities"] == 2 and entry.detail["background"] is True


@pytest.mark.parametrize(
    "query", ["?jahr=2025&revision=2", "?jahr=2026&revision=1", "?jahr=x&revision=1", ""]
)
def test_overview_of_a_missing_revision_is_not_found(
    world, funding, django_capture_on_commit_callbacks, query
):
    response = start(world.office, OVERVIEW + query, django_capture_on_commit_callbacks)

    assert response.status_code == 404
    assert not GeneratedFile.objects.exists()


@pytest.mark.parametrize(
    "who",
    ["municipality_user", "other_office", "owner", "colleague", "outsider", "rp_user", "admin"],
)
def test_overview_export_is_for_the_office_of_the_kreis_only(
    world, funding, django_capture_on_commit_callbacks, who
):
    user = persona(world, funding, who)

    response = start(user, OVERVIEW + "?jahr=2025&revision=1", django_capture_on_commit_callbacks)

    assert response.status_code == 404
    assert not GeneratedFile.objects.exists()


# --- a municipality's sheet ---------------------------------------------------------------


def test_municipality_exports_its_sheet_in_the_background(
    world, funding, django_capture_on_commit_callbacks
):
    start(world.municipality_user, TOWN_SHEET, django_capture_on_commit_callbacks)

    generated = GeneratedFile.objects.get()
    assert generated.status == GeneratedFile.Status.DONE
    assert generated.filename == "zuteilung-2025-08999001-revision-1.xlsx"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == world.municipality_user
    assert entry.detail == {"kind": "xlsx", "background": True}
    direct = http(world.municipality_user).get(
        reverse("funding:sheet_xlsx", args=[2025, "08999001", 1])
    )
    values = workbook_values(stored(generated))
    assert values == workbook_values(direct.content)
    assert values["Zuteilung"][0][0] == "Zuteilung Integrationsmanagement 2025 – Altstadt"


def test_office_exports_any_sheet_of_its_kreis(world, funding, django_capture_on_commit_callbacks):
    start(world.office, OTHER_SHEET, django_capture_on_commit_callbacks)

    assert GeneratedFile.objects.get().status == GeneratedFile.Status.DONE


@pytest.mark.parametrize(
    "who", ["other_municipality", "other_office", "owner", "colleague", "outsider", "rp_user"]
)
def test_sheet_export_outside_the_municipality_and_its_office_is_not_found(
    world, funding, django_capture_on_commit_callbacks, who
):
    user = persona(world, funding, who)

    response = start(user, TOWN_SHEET, django_capture_on_commit_callbacks)

    assert response.status_code == 404
    assert not GeneratedFile.objects.exists()


def test_municipality_cannot_start_the_sheet_of_another_municipality(
    world, funding, django_capture_on_commit_callbacks
):
    response = start(world.municipality_user, OTHER_SHEET, django_capture_on_commit_callbacks)

    assert response.status_code == 404
    assert not GeneratedFile.objects.exists()


# --- the permission is checked again in the task ------------------------------------------


def test_task_fails_for_a_sheet_of_another_municipality(world, funding):
    generated = pending(
        world.municipality_user, "funding_sheet", year=2025, ags="08999002", number=1
    )

    assert export_services.generate(generated.pk) == GeneratedFile.Status.FAILED

    generated.refresh_from_db()
    assert generated.error and not generated.file
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_task_fails_when_the_user_moved_to_another_municipality_meanwhile(world, funding):
    generated = pending(
        world.municipality_user, "funding_sheet", year=2025, ags="08999001", number=1
    )
    StaffMember.objects.filter(user=world.municipality_user).update(municipality=world.other_town)

    assert export_services.generate(generated.pk) == GeneratedFile.Status.FAILED

    assert not GeneratedFile.objects.get(pk=generated.pk).file


def test_task_fails_with_the_permission_message_when_the_role_was_withdrawn(world, funding):
    generated = pending(world.office, "funding_overview", year=2025, number=1)
    StaffMember.objects.filter(user=world.office).update(role=Role.MANAGER)

    assert export_services.generate(generated.pk) == GeneratedFile.Status.FAILED

    generated.refresh_from_db()
    assert generated.error == export_services.NOT_ALLOWED


# --- the buttons on the funding pages ----------------------------------------------------


def test_revision_page_button_starts_the_overview_export(world, funding):
    html = http(world.office).get(reverse("funding:revision", args=[2025, 1])).content.decode()

    assert f'action="{OVERVIEW}?jahr=2025&amp;revision=1"' in html
    # The table of the year page keeps the direct download.
    year_page = http(world.office).get(reverse("funding:year", args=[2025])).content.decode()
    assert reverse("funding:overview_xlsx", args=[2025, 1]) in year_page


def test_sheet_page_button_starts_the_sheet_export(world, funding):
    page = http(world.municipality_user).get(reverse("funding:sheet", args=[2025, "08999001"]))

    assert f'action="{SHEET}?jahr=2025&amp;ags=08999001&amp;revision=1"' in page.content.decode()


def test_export_refused_by_a_dead_broker_sends_the_user_back_to_the_sheet(
    world, funding, monkeypatch
):
    from imcase.exports import views

    def broker_down(user, export, params):
        raise export_services.BrokerUnavailable(export_services.UNAVAILABLE)

    monkeypatch.setattr(views, "start_export", broker_down)

    response = http(world.municipality_user).post(TOWN_SHEET, follow=True)

    assert response.redirect_chain[0][0] == reverse("funding:sheet", args=[2025, "08999001"])
    assert "Hintergrunddienst nicht erreichbar" in response.content.decode()
    assert not GeneratedFile.objects.exists()
