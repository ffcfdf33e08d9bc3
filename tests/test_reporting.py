"""Submissions of the Kennzahlentabelle (immutability, numbering, RP scoping and e-mail) and
the access rules of the figures pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import threading

import openpyxl
import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError
from imcase.organisation.models import Landkreis, Regierungspraesidium, Role
from reporting import services
from reporting.kennzahlen.table import compute_table, fingerprint
from reporting.models import ImmutableError, Submission
from reporting.xlsx import COVER
from tests.factories import (
    ConsultationFactory,
    LandkreisFactory,
    ProviderFactory,
    RegierungspraesidiumFactory,
    StaffMemberFactory,
    UserFactory,
)

TODAY = dt.date(2026, 1, 20)
BASE = "https://imcase.example.org/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def finalise(world, year=2025, note="", **kwargs):
    return services.finalise(world.office, year, note, BASE, today=TODAY, **kwargs)


def office_of_other_kreis(rp=None):
    landkreis = LandkreisFactory(
        name="Landkreis Fern", regierungspraesidium=rp or RegierungspraesidiumFactory()
    )
    provider = ProviderFactory(landkreis=landkreis, name="Landratsamt Fern")
    user = UserFactory(username="fern")
    StaffMemberFactory(user=user, role=Role.OFFICE, provider=provider)
    return user, landkreis


def rp_user(name: str, rp: Regierungspraesidium, **kwargs):
    user = UserFactory(username=name, **kwargs)
    StaffMemberFactory(user=user, role=Role.RP, provider=None, regierungspraesidium=rp, vza=None)
    return user


# --- finalising ---------------------------------------------------------------------------


def test_office_finalises_the_table_into_submission_one_with_file_and_checksum(world):
    ConsultationFactory(client=world.client, provider=world.provider, date=dt.date(2025, 3, 3))
    submission = finalise(world)
    assert (submission.number, submission.year, submission.landkreis) == (1, 2025, world.landkreis)
    assert submission.submitted_by == world.office
    assert submission.definition_version == "2023.1"
    data = default_storage.open(submission.file.name).read()
    assert hashlib.sha256(data).hexdigest() == submission.sha256
    assert submission.size == len(data)
    assert submission.file.name.startswith(f"kennzahlen/{world.landkreis.pk}/2025/")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cover = {row[0].value: row[1].value for row in workbook[COVER].iter_rows(min_row=3)}
    assert cover["Abgabe Nr."] == 1
    assert cover["erstellt von"] == world.office.get_full_name()
    figures = {
        row[0].value: row[3].value
        for row in workbook["Kontakte und Vermittlungen"].iter_rows(min_row=2)
    }
    assert figures["K01"] == 1
    assert AuditEntry.objects.filter(object_id=str(submission.code), action="create").exists()


def test_a_correction_is_a_new_numbered_submission_and_needs_a_reason(world):
    first = finalise(world)
    with pytest.raises(ServiceError, match="Grund der Korrektur"):
        finalise(world)
    second = finalise(world, note="Zwei Kontakte waren falsch datiert.")
    assert second.number == 2 and second.is_correction
    assert Submission.objects.get(pk=first.pk).sha256 == first.sha256
    assert default_storage.exists(first.file.name) and first.file.name != second.file.name
    assert finalise(world, year=2024).number == 1  # numbers count per year


def test_the_current_year_cannot_be_finalised(world):
    with pytest.raises(ServiceError, match="noch nicht abgeschlossen"):
        finalise(world, year=2026)


def test_only_the_office_finalises(world):
    for user in (world.owner, world.colleague, world.rp_user, world.municipality_user):
        with pytest.raises(ServiceError, match="Nur die Koordinierungsstelle"):
            services.finalise(user, 2025, "", BASE, today=TODAY)


def test_finalising_stops_when_a_figure_changed_since_it_was_shown(world):
    shown = fingerprint(compute_table(world.landkreis, 2025))
    ConsultationFactory(client=world.client, provider=world.provider, date=dt.date(2025, 3, 3))
    with pytest.raises(ServiceError, match="seit der Anzeige geändert"):
        finalise(world, expected_fingerprint=shown)
    assert not Submission.objects.exists()
    current = fingerprint(compute_table(world.landkreis, 2025))
    assert finalise(world, expected_fingerprint=current).number == 1


def test_a_submission_refuses_every_change_and_deletion(world):
    submission = finalise(world)
    submission.note = "geändert"
    with pytest.raises(ImmutableError):
        submission.save()
    with pytest.raises(ImmutableError):
        submission.delete()
    with pytest.raises(ImmutableError):
        Submission.objects.filter(pk=submission.pk).update(note="x")
    with pytest.raises(ImmutableError):
        Submission.objects.filter(pk=submission.pk).delete()


def test_the_database_refuses_to_change_or_delete_a_submission(world):
    submission = finalise(world)
    for statement in (
        "UPDATE reporting_submission SET sha256 = 'x' WHERE id = %s",
        "DELETE FROM reporting_submission WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="unveränderlich"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [submission.pk])
    assert Submission.objects.get(pk=submission.pk).sha256 == submission.sha256


# --- the Regierungspräsidium ----------------------------------------------------------------


def test_rp_users_of_the_region_get_one_german_email_each(
    world, django_capture_on_commit_callbacks
):
    rp = world.landkreis.regierungspraesidium
    rp_user("rp2", rp, email="referat152@rps.example.org")
    rp_user("rp_inactive", rp, is_active=False)
    rp_user("rp_ohne_mail", rp, email="")
    rp_user("rp_karlsruhe", RegierungspraesidiumFactory(name="Regierungspräsidium Karlsruhe"))
    with django_capture_on_commit_callbacks(execute=True):
        submission = finalise(world)
    assert sorted(m.to[0] for m in mail.outbox) == ["referat152@rps.example.org", "rp@example.org"]
    message = mail.outbox[0]
    assert len(message.to) == 1
    assert message.subject == (
        "Kennzahlentabelle 2025 des Landkreis Testkreis eingegangen (Abgabe 1)"
    )
    assert "hat die Kennzahlentabelle für das Berichtsjahr 2025 abgegeben" in message.body
    assert submission.sha256 in message.body
    assert (
        BASE.rstrip("/") + reverse("reporting:submission", args=[submission.code]) in message.body
    )


def test_rp_sees_and_downloads_the_submissions_of_its_kreise(world, client):
    submission = finalise(world)
    client.force_login(world.rp_user)
    assert submission.filename in client.get("/", secure=True).content.decode()
    listing = client.get(reverse("reporting:submissions"), secure=True)
    assert "Landkreis Testkreis" in listing.content.decode()
    response = client.get(
        reverse("reporting:submission_download", args=[submission.code]), secure=True
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert hashlib.sha256(data).hexdigest() == submission.sha256
    assert f'filename="{submission.filename}"' in response["Content-Disposition"]
    assert AuditEntry.objects.filter(actor=world.rp_user, action="export").exists()


def test_rp_of_another_region_and_other_roles_get_404_on_a_submission(world, client):
    submission = finalise(world)
    stranger = rp_user(
        "rp_freiburg", RegierungspraesidiumFactory(name="Regierungspräsidium Freiburg")
    )
    far_office, _ = office_of_other_kreis()
    urls = [
        reverse("reporting:submission", args=[submission.code]),
        reverse("reporting:submission_download", args=[submission.code]),
    ]
    for user in (
        stranger,
        far_office,
        world.owner,
        world.outsider,
        world.colleague,
        world.municipality_user,
    ):
        client.force_login(user)
        for url in urls:
            assert client.get(url, secure=True).status_code == 404, (user, url)
    client.force_login(stranger)
    assert (
        "Landkreis Testkreis"
        not in client.get(reverse("reporting:submissions"), secure=True).content.decode()
    )
    assert submission.filename not in client.get("/", secure=True).content.decode()


def test_rp_sees_every_kreis_of_its_region(world, client):
    _, neighbour = office_of_other_kreis(rp=world.landkreis.regierungspraesidium)
    theirs = Submission.objects.visible_to(world.rp_user)
    finalise(world)
    assert list(theirs.values_list("landkreis__name", flat=True)) == ["Landkreis Testkreis"]
    assert Landkreis.objects.filter(pk=neighbour.pk).exists()


def test_a_tampered_file_is_not_delivered(world, client, caplog):
    submission = finalise(world)
    with default_storage.open(submission.file.name, "wb") as handle:
        handle.write(b"manipuliert")
    client.force_login(world.rp_user)
    response = client.get(
        reverse("reporting:submission_download", args=[submission.code]), secure=True
    )
    assert response.status_code == 500
    assert "stimmt nicht mehr mit der Prüfsumme" in response.content.decode()
    assert "SHA-256 stimmt nicht mehr" in caplog.text


def test_a_missing_file_is_reported_not_crashed(world, client):
    submission = finalise(world)
    default_storage.delete(submission.file.name)
    client.force_login(world.office)
    response = client.get(
        reverse("reporting:submission_download", args=[submission.code]), secure=True
    )
    assert response.status_code == 500
    assert "nicht mehr vorhanden" in response.content.decode()


# --- the pages ------------------------------------------------------------------------------


def _fingerprint_on_page(content: bytes) -> str:
    return re.search(rb'name="fingerprint" value="([0-9a-f]{64})"', content).group(1).decode()


def test_office_finalises_through_the_page_and_lands_on_the_submission(world, client):
    client.force_login(world.office)
    page = client.get(reverse("reporting:figures") + "?jahr=2025", secure=True)
    assert "Endgültig abgeben" in page.content.decode()
    data = {"fingerprint": _fingerprint_on_page(page.content), "bestaetigung": "on", "note": ""}
    response = client.post(reverse("reporting:finalise", args=[2025]), data, secure=True)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:submission", args=[submission.code])


def test_a_refused_correction_keeps_the_input_and_explains_in_german(world, client):
    finalise(world)
    client.force_login(world.office)
    page = client.get(reverse("reporting:figures") + "?jahr=2025", secure=True)
    assert "Korrektur abgeben (Abgabe 2)" in page.content.decode()
    data = {"fingerprint": _fingerprint_on_page(page.content), "note": "", "bestaetigung": ""}
    response = client.post(reverse("reporting:finalise", args=[2025]), data, secure=True)
    assert response.status_code == 400
    assert "Bitte bestätigen Sie die Abgabe." in response.content.decode()
    data.update(bestaetigung="on", note="   ")
    response = client.post(reverse("reporting:finalise", args=[2025]), data, secure=True)
    assert response.status_code == 400
    assert "bitte geben Sie den Grund der Korrektur an" in response.content.decode()
    assert Submission.objects.count() == 1


def test_managers_see_the_figures_of_their_own_provider_only(world, client):
    client.force_login(world.owner)
    other = world.other_provider.pk
    page = client.get(reverse("reporting:figures") + f"?jahr=2025&traeger={other}", secure=True)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Landratsamt Testkreis" in body and "Stadt Neustadt" not in body
    assert "Endgültig abgeben" not in body
    download = client.get(
        reverse("reporting:figures_xlsx", args=[2025]) + f"?traeger={other}", secure=True
    )
    workbook = openpyxl.load_workbook(io.BytesIO(download.content))
    assert [c.value for c in workbook["Personal"][1]][3:] == ["Landratsamt Testkreis"]
    assert (
        client.post(reverse("reporting:finalise", args=[2025]), {}, secure=True).status_code == 404
    )


def test_office_may_pick_one_provider(world, client):
    client.force_login(world.office)
    url = reverse("reporting:figures") + f"?jahr=2025&traeger={world.other_provider.pk}"
    body = client.get(url, secure=True).content.decode()
    assert "Stadt Neustadt" in body and "Kreis insgesamt" not in body


@pytest.mark.parametrize(
    "name",
    ["reporting:dashboard", "reporting:figures"],
)
def test_municipality_and_rp_users_get_404_on_the_figures(world, client, name):
    for user in (world.municipality_user, world.rp_user, world.admin):
        client.force_login(user)
        assert client.get(reverse(name), secure=True).status_code == 404, user
    client.force_login(world.municipality_user)
    assert (
        client.get(reverse("reporting:figures_xlsx", args=[2025]), secure=True).status_code == 404
    )


def test_municipality_users_and_managers_get_404_on_the_list_of_submissions(world, client):
    for user in (world.municipality_user, world.owner, world.colleague, world.admin):
        client.force_login(user)
        assert client.get(reverse("reporting:submissions"), secure=True).status_code == 404


def test_a_year_without_definition_is_404(world, client):
    client.force_login(world.office)
    assert (
        client.get(reverse("reporting:figures_xlsx", args=[2019]), secure=True).status_code == 404
    )
    response = client.post(reverse("reporting:finalise", args=[2019]), {}, secure=True)
    assert response.status_code == 404


def test_the_office_start_page_links_to_the_reports(world, client):
    client.force_login(world.office)
    body = client.get("/", secure=True).content.decode()
    for name in ("reporting:dashboard", "reporting:figures", "reporting:submissions"):
        assert f'href="{reverse(name)}"' in body


def test_the_office_cannot_download_a_provider_of_another_kreis(world, client):
    stranger = ProviderFactory(name="Fremder Träger")
    client.force_login(world.office)
    url = reverse("reporting:figures_xlsx", args=[2025])
    assert client.get(url + f"?traeger={stranger.pk}", secure=True).status_code == 404
    response = client.get(url + f"?traeger={world.other_provider.pk}", secure=True)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["Personal"][1]][3:] == ["Stadt Neustadt"]
    entry = AuditEntry.objects.get(actor=world.office, action="export")
    assert entry.detail["event"] == "kennzahlen_xlsx"


def test_two_clicks_at_the_same_time_get_numbers_one_and_two(transactional_db, world):
    numbers, errors = [], []

    def submit():
        try:
            numbers.append(finalise(world, note="Gleichzeitig abgegeben.").number)
        except Exception as error:  # pragma: no cover - shown in the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [1, 2]
