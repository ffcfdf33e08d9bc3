"""In the browser (Chromium, axe-core on every page): a background import's page polls the rows
read and shows the result once the task is done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from clients import import_jobs
from clients.models import Client, ImportJob
from tests.browser.conftest import assert_accessible, login, visit
from tests.test_import import HEADER_LINE, row

pytestmark = pytest.mark.browser


def test_import_job_page_polls_until_the_result_is_there(
    page, live_server, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    job = ImportJob(
        owner=world.office,
        landkreis=world.landkreis,
        filename="liste.csv",
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    content = "\n".join([HEADER_LINE, row(az="IMP-B1"), row(az="IMP-B2")]) + "\n"
    job.file.save("liste.csv", ContentFile(content.encode()), save=False)
    job.save()
    login(page, live_server, world.office.username)
    visit(page, live_server, f"/klienten/import/{job.code}/")
    expect(page.get_by_role("status")).to_contain_text("Stand: wartet, gelesene Zeilen: 0")

    import_jobs.run_import(job.pk)  # what the worker does meanwhile

    result = page.get_by_text("Import abgeschlossen: 2 neu, 0 aktualisiert, 0 unverändert.")
    expect(result).to_be_visible(timeout=10_000)
    page.wait_for_load_state("load")
    assert_accessible(page)  # the page the script reloaded
    expect(page.get_by_role("status").first).to_contain_text("fertig, gelesene Zeilen: 2")
    assert Client.objects.filter(aktenzeichen__startswith="IMP-B").count() == 2
