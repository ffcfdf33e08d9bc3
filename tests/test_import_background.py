"""Large imports in the background: the upload is stored as a job, a task imports it (the right
re-checked), the owner alone follows the progress and sees the result, the file is deleted."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients import import_jobs
from clients.importer import MAX_LISTED_PROBLEMS, import_assignments
from clients.models import Client, ImportJob
from clients.tasks import run_import_job
from imcase.audit.models import AuditEntry
from imcase.celery import app as celery_app
from imcase.exports.services import delete_expired_files
from imcase.organisation.models import Role, StaffMember
from tests.test_celery_worker import worker  # noqa: F401 (fixture for the real-worker test)
from tests.test_import import HEADER_LINE, row

UPLOAD = reverse("clients:import")


@pytest.fixture(autouse=True)
def _background_inline_and_media(monkeypatch, settings, tmp_path):
    # Every upload goes to the background here; the test run has REDIS_URL set, so the task
    # is made to run inline as in the demo (the real worker is tested for the nightly job).
    monkeypatch.setattr(import_jobs, "INLINE_MAX_BYTES", 0)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.MEDIA_ROOT = tmp_path


def csv_bytes(*rows: str) -> bytes:
    return "\n".join([HEADER_LINE, *rows]).encode() + b"\n"


def post(client, content: bytes, capture, *, execute: bool = True, **data):
    with capture(execute=execute):
        return client.post(UPLOAD, {"file": SimpleUploadedFile("liste.csv", content), **data})


def stored_files(tmp_path) -> list:
    folder = tmp_path / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_import_runs_as_a_task_and_the_job_page_shows_the_result(
    world, client, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(world.office)

    response = post(
        client,
        csv_bytes(row(az="IMP-1"), row(az="IMP-2")),
        django_capture_on_commit_callbacks,
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:import_job", args=[job.code])
    assert (job.owner, job.landkreis, job.dry_run) == (world.office, world.landkreis, False)
    assert job.status == ImportJob.Status.DONE and job.rows_read == 2
    assert set(
        Client.objects.filter(aktenzeichen__startswith="IMP-").values_list(
            "aktenzeichen", flat=True
        )
    ) == {"IMP-1", "IMP-2"}
    assert (
        AuditEntry.objects.filter(actor=world.office, action=AuditEntry.Action.CREATE).count() == 2
    )
    page = client.get(response["Location"]).content.decode()
    assert "Import abgeschlossen: 2 neu, 0 aktualisiert, 0 unverändert." in page
    assert "js/imports.js" not in page  # finished: nothing left to poll


def test_uploaded_file_is_deleted_after_the_run(
    world, client, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(world.office)

    post(client, csv_bytes(row(az="IMP-1")), django_capture_on_commit_callbacks, execute=False)

    job = ImportJob.objects.get()
    assert job.file.name == f"imports/{job.code}.csv"
    assert stored_files(tmp_path) == [tmp_path / "imports" / f"{job.code}.csv"]

    run_import_job(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert not job.file
    assert stored_files(tmp_path) == []


def test_dry_run_in_the_background_keeps_nothing_and_shows_the_counts(
    world, client, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(world.office)

    response = post(
        client, csv_bytes(row(az="IMP-1")), django_capture_on_commit_callbacks, dry_run="on"
    )

    page = client.get(response["Location"]).content.decode()
    assert "Zuweisungsliste importieren (Probelauf)" in page
    assert "Probelauf ohne Speichern: 1 neu, 0 aktualisiert, 0 unverändert." in page
    assert not Client.objects.filter(aktenzeichen="IMP-1").exists()
    assert stored_files(tmp_path) == []


def test_failures_are_listed_by_line_capped_with_the_total_and_only_the_list_is_kept(
    world, client, tmp_path, django_capture_on_commit_callbacks
):
    bad = MAX_LISTED_PROBLEMS + 3
    rows = [row(az="IMP-OK"), *(row(az=f"IMP-{n}", sex="x") for n in range(bad))]
    client.force_login(world.office)

    response = post(client, csv_bytes(*rows), django_capture_on_commit_callbacks)

    page = client.get(response["Location"]).content.decode()
    assert f"Die Datei wurde nicht importiert: {bad} Fehler." in page
    assert "<td>3</td><td>Geschlecht &#x27;x&#x27; ist ungültig (erlaubt: m, w, d).</td>" in page
    assert page.count("ist ungültig (erlaubt: m, w, d)") == MAX_LISTED_PROBLEMS
    assert "… und 3 weitere Fehler." in page
    assert not Client.objects.filter(aktenzeichen__startswith="IMP-").exists()
    job = ImportJob.objects.get()
    assert job.rows_read == bad + 1
    # The upload is gone; only the full problem list is kept (until the job expires).
    assert [path.name for path in stored_files(tmp_path)] == [f"{job.code}-fehler.csv"]
    assert reverse("clients:import_problems", args=[job.code]) in page
    assert f"{bad} Fehler; die ersten {MAX_LISTED_PROBLEMS}:" in page


def test_nul_byte_is_reported_with_its_line_in_a_background_dry_run(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.office)

    response = post(
        client,
        csv_bytes(row(az="IMP-1"), row(az="IMP-2", first="Om\x00ar")),
        django_capture_on_commit_callbacks,
        dry_run="on",
    )

    page = client.get(response["Location"]).content.decode()
    assert "<td>3</td><td>Vorname enthält ein unzulässiges Steuerzeichen (NUL, U+0000)." in page


def test_progress_page_and_status_while_the_job_waits(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.office)
    response = post(
        client, csv_bytes(row(az="IMP-1")), django_capture_on_commit_callbacks, execute=False
    )
    job = ImportJob.objects.get()

    page = client.get(response["Location"]).content.decode()
    status = client.get(reverse("clients:import_job_status", args=[job.code]))

    assert 'id="import-status"' in page and 'data-finished="0"' in page
    assert "js/imports.js" in page and "<script>" not in page
    assert "Stand: <span data-import-label>wartet</span>" in page
    assert "no-store" in status["Cache-Control"]
    assert status.json() == {
        "status": "pending",
        "status_label": "wartet",
        "rows_read": 0,
        "finished": False,
    }


def test_rows_read_are_reported_while_the_file_is_read(world, monkeypatch):
    seen: list[int] = []

    import_assignments(
        csv_bytes(*(row(az=f"IMP-{n}") for n in range(3))), dry_run=True, progress=seen.append
    )

    assert seen == [1, 2, 3]


def test_progress_is_written_to_the_job_every_few_rows(
    world, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY", 2)
    written: list[int] = []
    original = import_jobs.import_assignments

    def spy(*args, progress, **kwargs):
        def progress_and_look(rows: int) -> None:
            progress(rows)
            written.append(ImportJob.objects.get().rows_read)

        return original(*args, progress=progress_and_look, **kwargs)

    monkeypatch.setattr(import_jobs, "import_assignments", spy)
    client.force_login(world.office)

    post(
        client,
        csv_bytes(*(row(az=f"IMP-{n}") for n in range(5))),
        django_capture_on_commit_callbacks,
        dry_run="on",
    )

    assert written == [0, 2, 2, 4, 4]
    assert ImportJob.objects.get().rows_read == 5


@pytest.mark.parametrize("persona", ["owner", "colleague", "outsider", "admin", "other_office"])
def test_nobody_but_the_uploader_sees_the_job(
    world, client, persona, django_capture_on_commit_callbacks
):
    client.force_login(world.office)
    post(client, csv_bytes(row(az="IMP-1")), django_capture_on_commit_callbacks, execute=False)
    job = ImportJob.objects.get()
    if persona == "other_office":
        other = StaffMember.objects.get(user=world.colleague)
        other.role = Role.OFFICE
        other.save()
        user = world.colleague
    else:
        user = getattr(world, persona)
    client.force_login(user)

    assert client.get(reverse("clients:import_job", args=[job.code])).status_code == 404
    assert client.get(reverse("clients:import_job_status", args=[job.code])).status_code == 404


def test_anonymous_is_sent_to_the_login(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.office)
    post(client, csv_bytes(row(az="IMP-1")), django_capture_on_commit_callbacks, execute=False)
    job = ImportJob.objects.get()
    client.logout()

    response = client.get(reverse("clients:import_job", args=[job.code]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_task_checks_the_right_again_and_imports_nothing_without_it(
    world, client, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(world.office)
    post(client, csv_bytes(row(az="IMP-1")), django_capture_on_commit_callbacks, execute=False)
    job = ImportJob.objects.get()
    StaffMember.objects.filter(user=world.office).update(role=Role.MANAGER)

    assert run_import_job(job.pk) == ImportJob.Status.FAILED

    job.refresh_from_db()
    assert job.error == import_jobs.NOT_ALLOWED
    assert not Client.objects.filter(aktenzeichen="IMP-1").exists()
    assert stored_files(tmp_path) == []


def test_small_files_are_still_imported_in_the_request(world, client, monkeypatch):
    monkeypatch.setattr(import_jobs, "INLINE_MAX_BYTES", 100 * 1024)
    client.force_login(world.office)

    response = client.post(
        UPLOAD,
        {"file": SimpleUploadedFile("liste.csv", csv_bytes(row(az="IMP-1"))), "dry_run": "on"},
    )

    assert response.status_code == 200
    assert "Probelauf ohne Speichern: 1 neu" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_expired_jobs_and_left_over_files_are_deleted_by_the_nightly_clean_up(
    world, client, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_KEEP_HOURS = 24
    client.force_login(world.office)
    post(client, csv_bytes(row(az="IMP-1")), django_capture_on_commit_callbacks, execute=False)
    job = ImportJob.objects.get()  # never run: a worker that died leaves the file
    keep_until = job.expires_at
    assert abs(keep_until - job.created_at - dt.timedelta(hours=24)) < dt.timedelta(minutes=1)

    delete_expired_files(now=keep_until - dt.timedelta(minutes=1))
    assert ImportJob.objects.exists() and stored_files(tmp_path)

    delete_expired_files(now=keep_until)
    assert not ImportJob.objects.exists()
    assert stored_files(tmp_path) == []


def test_dead_broker_gives_a_clear_message_and_keeps_no_file(
    transactional_db, world, client, tmp_path, monkeypatch
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    client.force_login(world.office)

    response = client.post(
        UPLOAD, {"file": SimpleUploadedFile("liste.csv", csv_bytes(row(az="IMP-1")))}
    )

    assert response["Location"] == UPLOAD
    assert "Hintergrunddienst nicht erreichbar" in client.get(UPLOAD).content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
    assert stored_files(tmp_path) == []


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_a_real_worker_runs_the_import_and_deletes_the_file(
    world,
    worker,  # noqa: F811 (the fixture of tests.test_celery_worker)
    client,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    # The job is stored through the page without running it, then sent to the real worker.
    client.force_login(world.office)
    post(client, csv_bytes(row(az="IMP-W")), django_capture_on_commit_callbacks, execute=False)
    job = ImportJob.objects.get()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)

    outcome = run_import_job.s(job.pk).set(queue=worker).delay()
    try:
        status = outcome.get(timeout=120)
    except Exception:
        print((tmp_path / "worker.log").read_text())
        raise

    assert status == ImportJob.Status.DONE
    job.refresh_from_db()
    assert (job.status, job.rows_read, job.file.name) == (ImportJob.Status.DONE, 1, "")
    assert Client.objects.filter(aktenzeichen="IMP-W").exists()
    assert stored_files(tmp_path) == []
