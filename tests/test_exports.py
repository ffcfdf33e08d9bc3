"""Background exports: the client list as a task that takes ids, re-checks the permission and
stores the file; progress page, status JSON, download for the owner only; a dead broker."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from imcase.audit.models import AuditEntry
from imcase.celery import app as celery_app
from imcase.exports import services
from imcase.exports.models import GeneratedFile
from imcase.exports.registry import EXPORTS, Export, get_export
from imcase.exports.tasks import generate_file
from imcase.organisation.models import Role, StaffMember
from tests.factories import ClientFactory

START = reverse("exports:start", args=["client_list"])


@pytest.fixture(autouse=True)
def _inline_tasks_and_media(monkeypatch, settings, tmp_path):
    # The test run has REDIS_URL set; here tasks run inline like in the demo.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.MEDIA_ROOT = tmp_path


def start(client, query: str = "", capture=None):
    if capture is None:
        return client.post(START + query)
    with capture(execute=True):
        return client.post(START + query)


def workbook_rows(generated: GeneratedFile) -> dict[str, dict]:
    with generated.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read()))["Klienten"]
    header, *rows = sheet.iter_rows(values_only=True)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


# --- the whole way: button, task, progress page, download ----------------------------------


@pytest.mark.today
def test_client_list_export_runs_as_task_and_offers_the_download(
    world, client, django_capture_on_commit_callbacks
):
    ClientFactory(municipality=world.town, manager=world.owner, last_name="Zweite")
    client.force_login(world.owner)

    response = start(client, "?fallstatus=open", django_capture_on_commit_callbacks)

    generated = GeneratedFile.objects.get()
    assert response["Location"] == reverse("exports:detail", args=[generated.code])
    assert generated.owner == world.owner
    assert generated.params["filters"] == {"fallstatus": "open"}
    assert generated.status == GeneratedFile.Status.DONE
    assert generated.progress == 100 and generated.rows == 2
    assert generated.file.name == f"exports/{generated.code}.xlsx"
    rows = workbook_rows(generated)
    assert {row["Nachname"] for row in rows.values()} == {"Haddad", "Zweite"}

    page = client.get(response["Location"]).content.decode()
    assert "Datei herunterladen" in page and "js/exports.js" in page
    download = client.get(reverse("exports:download", args=[generated.code]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert f"klienten-{timezone.localdate():%Y-%m-%d}.xlsx" in download["Content-Disposition"]


@pytest.mark.today
def test_export_contains_only_what_the_user_may_see_and_the_filters_keep(
    world, client, django_capture_on_commit_callbacks
):
    ClientFactory(municipality=world.town, manager=world.owner, last_name="Aktiv")
    ClientFactory(
        municipality=world.town, last_name="Geschlossen", status="closed", closed_on=dt.date.today()
    )
    client.force_login(world.owner)

    start(client, "?fallstatus=open&seite=3", django_capture_on_commit_callbacks)

    generated = GeneratedFile.objects.get()
    names = {row["Nachname"] for row in workbook_rows(generated).values()}
    assert names == {"Haddad", "Aktiv"}  # not Petrenko (other provider), not the closed case
    assert "seite" not in generated.params["filters"]


def test_background_export_is_written_to_the_audit_log(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.owner)

    start(client, capture=django_capture_on_commit_callbacks)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == world.owner
    assert entry.detail["event"] == "client_export"
    assert entry.detail["count"] == 1 and entry.detail["background"] is True


def test_list_button_starts_the_background_export_with_the_filters(world, client):
    client.force_login(world.owner)

    content = client.get(reverse("clients:list"), {"fallstatus": "open", "seite": "1"}).content
    html = content.decode()

    assert f'action="{START}?fallstatus=open"' in html
    assert 'method="post"' in html


def test_invalid_filters_are_refused_with_a_message(world, client):
    client.force_login(world.owner)

    response = client.post(START + "?zeitraum=gibtsnicht", follow=True)

    assert "Die Filter der Liste sind ungültig" in response.content.decode()
    assert not GeneratedFile.objects.exists()


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["office", "municipality_user", "rp_user", "admin"])
def test_roles_without_client_lists_cannot_start_the_export(world, client, persona):
    client.force_login(getattr(world, persona))

    assert client.post(START).status_code == 404
    assert not GeneratedFile.objects.exists()


def test_unknown_export_is_not_found(world, client):
    client.force_login(world.owner)

    assert client.post(reverse("exports:start", args=["gibtsnicht"])).status_code == 404


def test_starting_needs_post(world, client):
    client.force_login(world.owner)

    assert client.get(START).status_code == 405


@pytest.mark.parametrize("persona", ["outsider", "colleague", "office", "admin"])
def test_someone_elses_file_is_not_found(
    world, client, django_capture_on_commit_callbacks, persona
):
    client.force_login(world.owner)
    start(client, capture=django_capture_on_commit_callbacks)
    generated = GeneratedFile.objects.get()
    client.force_login(getattr(world, persona))

    for name in ("detail", "status", "download"):
        assert client.get(reverse(f"exports:{name}", args=[generated.code])).status_code == 404
    assert generated.filename not in client.get(reverse("exports:list")).content.decode()


def test_export_pages_need_a_login(world, client):
    response = client.get(reverse("exports:list"))

    assert response.status_code == 302 and "/anmelden/" in response["Location"]


# --- the task -----------------------------------------------------------------------------


def pending_file(user, identifier: str = "client_list", **params) -> GeneratedFile:
    return GeneratedFile.objects.create(
        owner=user,
        export=identifier,
        params=params or {"filters": {}, "day": "2026-06-15"},
        filename="test.xlsx",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )


def test_task_rechecks_the_permission_of_the_user(world):
    generated = pending_file(world.owner)
    StaffMember.objects.filter(user=world.owner).update(role=Role.OFFICE)

    assert services.generate(generated.pk) == GeneratedFile.Status.FAILED

    generated.refresh_from_db()
    assert generated.error == services.NOT_ALLOWED
    assert not generated.file


def test_task_of_a_disabled_account_fails(world):
    generated = pending_file(world.owner)
    world.owner.is_active = False
    world.owner.save()

    assert services.generate(generated.pk) == GeneratedFile.Status.FAILED


class _ProbeExport(Export):
    identifier = "probe"
    verbose_name = "Probe"
    seen: list = []

    def allowed(self, user) -> bool:
        return True

    def filename(self, params) -> str:
        return "probe.csv"

    def write(self, user, params, out, progress) -> int:
        if params.get("fail"):
            raise ValueError("kaputt")
        if params.get("slow"):
            raise SoftTimeLimitExceeded()
        progress(50, 100)
        self.seen.append(GeneratedFile.objects.get(owner=user).progress)
        out.write(b"a;b\n")
        return 1


@pytest.fixture
def probe(monkeypatch):
    monkeypatch.setitem(EXPORTS, "probe", _ProbeExport())
    _ProbeExport.seen = []
    return EXPORTS["probe"]


def test_task_reports_progress_while_it_writes(world, probe):
    generated = pending_file(world.owner, "probe", day="x")

    assert services.generate(generated.pk) == GeneratedFile.Status.DONE

    assert probe.seen == [50]
    generated.refresh_from_db()
    assert generated.progress == 100 and generated.rows == 1


def test_an_error_in_the_export_marks_the_file_failed_in_german(world, probe):
    generated = pending_file(world.owner, "probe", fail=True)

    assert services.generate(generated.pk) == GeneratedFile.Status.FAILED

    generated.refresh_from_db()
    assert generated.error == services.FAILED


def test_export_over_its_time_limit_fails_with_a_german_message(world, probe):
    generated = pending_file(world.owner, "probe", slow=True)

    assert services.generate(generated.pk) == GeneratedFile.Status.FAILED

    generated.refresh_from_db()
    assert generated.error == services.TOO_LONG


def test_task_retries_database_errors_with_back_off(world, monkeypatch):
    calls = []

    def flaky(file_id):
        calls.append(file_id)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "generate", flaky)

    with pytest.raises(Retry):
        generate_file.apply(args=[7]).get()
    assert calls == [7]
    assert OperationalError in generate_file.autoretry_for
    assert generate_file.retry_backoff and generate_file.max_retries


def test_task_takes_only_the_file_id(world, probe):
    generated = pending_file(world.owner, "probe", day="x")

    result = generate_file.delay(generated.pk)

    assert result.get() == GeneratedFile.Status.DONE


def test_a_finished_file_is_not_generated_again(world, probe):
    generated = pending_file(world.owner, "probe", day="x")
    services.generate(generated.pk)

    assert services.generate(generated.pk) == GeneratedFile.Status.DONE
    assert probe.seen == [50]


# --- status JSON and expiry ---------------------------------------------------------------


def test_status_answers_json_for_the_polling_script(world, client, probe):
    generated = pending_file(world.owner, "probe", day="x")
    client.force_login(world.owner)
    url = reverse("exports:status", args=[generated.code])

    pending = client.get(url).json()
    services.generate(generated.pk)
    done = client.get(url).json()

    assert pending["status"] == "pending" and pending["download_url"] == ""
    assert pending["finished"] is False
    assert done["status_label"] == "fertig" and done["progress"] == 100
    assert done["download_url"] == reverse("exports:download", args=[generated.code])


def test_expired_files_are_deleted_with_their_rows(world, probe):
    old = pending_file(world.owner, "probe", day="x")
    services.generate(old.pk)
    old.refresh_from_db()
    path = old.file.path
    GeneratedFile.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    fresh = pending_file(world.owner, "probe", day="x")

    assert services.delete_expired_files() == 1

    assert list(GeneratedFile.objects.all()) == [fresh]
    assert not (open_or_none(path))


def open_or_none(path: str):
    try:
        with open(path, "rb"):
            return True
    except FileNotFoundError:
        return False


def test_expired_file_is_no_longer_downloadable(world, client, probe):
    generated = pending_file(world.owner, "probe", day="x")
    services.generate(generated.pk)
    GeneratedFile.objects.filter(pk=generated.pk).update(expires_at=timezone.now())
    client.force_login(world.owner)

    assert client.get(reverse("exports:download", args=[generated.code])).status_code == 404
    assert "abgelaufen" in client.get(reverse("exports:detail", args=[generated.code])).text


def test_my_exports_lists_the_users_recent_files(world, client, probe):
    generated = pending_file(world.owner, "probe", day="x")
    client.force_login(world.owner)

    content = client.get(reverse("exports:list")).content.decode()

    assert reverse("exports:detail", args=[generated.code]) in content
    assert "Probe" in content


def test_registry_knows_the_client_list_export():
    assert get_export("client_list").verbose_name == "Liste der Klient:innen (XLSX)"
