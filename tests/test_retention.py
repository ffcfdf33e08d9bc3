"""Retention: cases closed longer ago than RETENTION_DAYS are anonymised, nothing else."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from clients.models import Client, Consent, Consultation, Referral, RegularService, WindowExtension
from clients.names import name_skeleton
from imcase.alerts.models import Alert
from imcase.alerts.retention import ANONYMISED, apply_retention, cutoff_for
from imcase.alerts.services import run_deadline_checks
from imcase.alerts.tasks import apply_retention as retention_task
from imcase.audit.models import AuditEntry
from tests.factories import ClientFactory, ConsultationFactory

TODAY = dt.date(2035, 6, 1)


@pytest.fixture(autouse=True)
def _ten_years(settings):
    settings.RETENTION_DAYS = 3650


def closed_client(world, closed_on: dt.date, **kwargs) -> Client:
    client = ClientFactory(
        municipality=world.town,
        manager=world.owner,
        last_name=kwargs.pop("last_name", "Alt"),
        first_name="Samira",
        native_name="سميرة",
        birth_date=dt.date(1988, 7, 14),
        assignment_date=dt.date(2020, 2, 1),
        **kwargs,
    )
    client.status = Client.Status.CLOSED
    client.closed_on = closed_on
    client.closed_reason = Client.ClosedReason.WINDOW_ENDED
    client.save()
    return client


def test_cutoff_is_the_configured_number_of_days_back():
    assert cutoff_for(TODAY) == TODAY - dt.timedelta(days=3650)


@pytest.mark.parametrize("days_before_cutoff,anonymised", [(0, False), (1, True)])
def test_case_closed_before_the_cutoff_is_anonymised(world, days_before_cutoff, anonymised):
    closed_on = cutoff_for(TODAY) - dt.timedelta(days=days_before_cutoff)
    client = closed_client(world, closed_on)

    result = apply_retention(TODAY)

    client.refresh_from_db()
    assert result.clients == int(anonymised)
    assert (client.last_name == ANONYMISED) is anonymised


def test_anonymisation_removes_what_identifies_and_keeps_what_counts(world):
    client = closed_client(world, dt.date(2024, 1, 10))

    apply_retention(TODAY)

    client.refresh_from_db()
    assert (client.first_name, client.last_name) == (ANONYMISED, ANONYMISED)
    assert client.native_name == ""
    # nor can the name search find the person by the old name's skeleton
    assert client.first_name_skeleton == client.last_name_skeleton == name_skeleton(ANONYMISED)
    assert client.birth_date == dt.date(1988, 1, 1)
    assert client.aktenzeichen == f"{ANONYMISED}-{client.pk}"
    # Countable facts stay.
    assert client.municipality == world.town
    assert client.nationality == "SYR"
    assert client.assignment_date == dt.date(2020, 2, 1)
    assert client.closed_on == dt.date(2024, 1, 10)
    assert client.sex == Client.Sex.FEMALE


def test_edit_history_is_anonymised_too(world):
    client = closed_client(world, dt.date(2024, 1, 10))
    assert client.history.filter(last_name="Alt").exists()

    apply_retention(TODAY)

    assert not Client.history.filter(id=client.pk).exclude(last_name=ANONYMISED).exists()
    assert not Client.history.filter(id=client.pk, native_name="سميرة").exists()


def test_open_and_recently_closed_cases_stay_untouched(world):
    recent = closed_client(world, dt.date(2030, 1, 1), last_name="Neulich")

    apply_retention(TODAY)

    assert Client.objects.get(pk=world.client.pk).last_name == "Haddad"
    assert Client.objects.get(pk=recent.pk).last_name == "Neulich"


def test_contact_notes_and_consents_are_removed_the_contacts_stay(world):
    client = closed_client(world, dt.date(2024, 1, 10))
    consultation = ConsultationFactory(
        provider=world.provider, date=dt.date(2022, 5, 1), client=client, note="Sorgen um Miete"
    )
    referral = Referral.objects.create(
        consultation=consultation,
        service=RegularService.objects.get_or_create(name="Jobcenter")[0],
        note="Termin bei Frau X",
    )
    Consent.objects.create(
        client=client, kind="jobcenter", given_on=dt.date(2021, 1, 1), recorded_by=world.owner
    )
    WindowExtension.objects.create(
        client=client, reason="Schwere Erkrankung, Behandlung läuft noch.", requested_by=world.owner
    )

    apply_retention(TODAY)

    consultation.refresh_from_db()
    referral.refresh_from_db()
    assert consultation.note == "" and referral.note == ""
    assert Consultation.objects.filter(participants__client=client).count() == 1
    assert not Consultation.history.filter(id=consultation.pk).exclude(note="").exists()
    assert not Consent.objects.filter(client=client).exists()
    assert not Consent.history.filter(client_id=client.pk).exists()
    assert WindowExtension.objects.get(client=client).reason == ANONYMISED


def test_joint_contact_keeps_its_note_while_a_participant_is_still_counselled(world):
    old = closed_client(world, dt.date(2024, 1, 10))
    consultation = ConsultationFactory(
        provider=world.provider, date=dt.date(2023, 5, 1), client=old, note="Familiengespräch"
    )
    consultation.participants.create(client=world.client)

    apply_retention(TODAY)

    consultation.refresh_from_db()
    assert consultation.note == "Familiengespräch"


def test_alerts_about_the_person_are_deleted(world):
    client = closed_client(world, dt.date(2024, 1, 10))
    Client.objects.filter(pk=client.pk).update(status=Client.Status.OPEN)
    run_deadline_checks(dt.date(2024, 6, 1))
    assert Alert.objects.filter(subject_id=client.pk).exists()
    Client.objects.filter(pk=client.pk).update(status=Client.Status.CLOSED)

    result = apply_retention(TODAY)

    assert result.changed["alerts"] >= 1
    assert not Alert.objects.filter(subject_id=client.pk).exists()


def test_each_anonymisation_is_written_to_the_audit_log(world):
    client = closed_client(world, dt.date(2024, 1, 10))

    apply_retention(TODAY)

    entry = AuditEntry.objects.get(detail__event="anonymised")
    assert entry.object_id == str(client.code)
    assert entry.actor is None and entry.actor_name == "System"
    assert entry.detail["retention_days"] == 3650
    assert "Alt" not in entry.object_label


def test_second_run_changes_nothing(world):
    closed_client(world, dt.date(2024, 1, 10))
    apply_retention(TODAY)
    entries = AuditEntry.objects.count()

    assert apply_retention(TODAY).clients == 0
    assert AuditEntry.objects.count() == entries


def test_dry_run_only_counts(world):
    client = closed_client(world, dt.date(2024, 1, 10))
    out = io.StringIO()

    call_command("apply_retention", "--today", TODAY.isoformat(), "--dry-run", stdout=out)

    assert "Probelauf: 1 Fall," in out.getvalue()
    client.refresh_from_db()
    assert client.last_name == "Alt"


def test_nightly_task_anonymises(world):
    closed_client(world, dt.date(2024, 1, 10))

    result = retention_task.apply(args=[TODAY.isoformat()]).get()

    assert result["clients"] == 1
    assert result["consents"] == 0


def test_retention_shorter_than_a_year_is_refused_at_start():
    env = {**os.environ, "RETENTION_DAYS": "30"}
    started = subprocess.run(
        [sys.executable, "-c", "import imcase.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert started.returncode != 0
    assert "RETENTION_DAYS muss mindestens 365 sein" in started.stderr
