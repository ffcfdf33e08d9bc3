"""The Kennzahlentabelle's deadline alert (31 January) and its background export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from imcase.alerts.models import Alert
from imcase.alerts.registry import CHECKS
from imcase.alerts.services import run_deadline_checks
from imcase.celery import app as celery_app
from imcase.exports.models import GeneratedFile
from reporting import services

BASE = "https://imcase.example.org/"


@pytest.fixture(autouse=True)
def _inline_tasks_and_media(monkeypatch, settings, tmp_path):
    # The test run has REDIS_URL set; here tasks run inline like in the demo.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.MEDIA_ROOT = tmp_path / "media"


def run(today: dt.date):
    return run_deadline_checks(today, checks=[CHECKS["kennzahlen_not_submitted"]])


def test_no_alert_for_last_year_up_to_the_31st_of_january(world):
    services.finalise(world.office, 2024, "", BASE, today=dt.date(2025, 1, 20))
    assert run(dt.date(2026, 1, 31)).total_created == 0
    assert not Alert.objects.exists()


def test_a_year_never_submitted_stays_overdue(world):
    run(dt.date(2026, 1, 31))
    assert Alert.objects.get().due_date == dt.date(2025, 1, 31)


def test_the_office_is_alerted_from_the_first_of_february(world):
    result = run(dt.date(2026, 2, 1))
    alert = Alert.objects.get()
    assert result.created == {"kennzahlen_not_submitted": 1}
    assert alert.recipient == world.office
    assert alert.due_date == dt.date(2026, 1, 31)
    assert "Kennzahlentabelle 2025" in alert.message


def test_a_second_run_creates_nothing_and_a_submission_ends_the_alert(world):
    run(dt.date(2026, 2, 1))
    assert run(dt.date(2026, 2, 2)).total_created == 0
    services.finalise(world.office, 2025, "", BASE, today=dt.date(2026, 2, 3))
    result = run(dt.date(2026, 2, 4))
    assert result.obsolete == {"kennzahlen_not_submitted": 1}


def test_office_exports_the_table_in_the_background(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:start", args=["kennzahlentabelle"]) + "?jahr=2025")
    generated = GeneratedFile.objects.get()
    assert response.status_code == 302
    generated.refresh_from_db()
    assert generated.status == GeneratedFile.Status.DONE
    with generated.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    assert "Deckblatt" in workbook.sheetnames


@pytest.mark.parametrize("persona", ["municipality_user", "rp_user"])
def test_roles_without_figures_cannot_start_the_export(world, client, persona):
    client.force_login(getattr(world, persona))
    response = client.post(reverse("exports:start", args=["kennzahlentabelle"]) + "?jahr=2025")
    assert response.status_code == 404
    assert not GeneratedFile.objects.exists()


def test_the_figures_page_starts_the_background_export(world, client):
    client.force_login(world.office)
    content = client.get(reverse("reporting:figures") + "?jahr=2025", secure=True).content.decode()
    assert reverse("exports:start", args=["kennzahlentabelle"]) + "?jahr=2025" in content
