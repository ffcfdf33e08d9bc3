"""Contacts, complete: editing changes participants and referrals; a wrongly entered contact is
withdrawn (storniert) with a reason, stays in the history and the audit log and leaves every
figure; the change history reads in German."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.caseload import no_contact
from clients.models import Consultation, ConsultationParticipant, Referral
from clients.retention import anonymise_clients
from clients.services import (
    CONSULTATION_WITHDRAWN,
    ReferralInput,
    refresh_window,
    update_referral_status,
    withdraw_consultation,
)
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError, StaleVersionError
from reporting.dashboard import Dashboard, Filters
from reporting.kennzahlen.table import compute_table
from reporting.scoping import figures_scope_or_404
from tests.factories import ClientFactory, HouseholdFactory
from tests.test_consultations import (
    as_user,
    detail_url,
    edit_form,
    edit_url,
    log,
    service,
    topic,
)
from tests.test_kennzahlen_scenario import YEAR, _contact, build_scenario

pytestmark = pytest.mark.today


@pytest.fixture
def world(world):
    """Haddad (window running today) with her partner Karim in one household."""
    world.client.assignment_date = timezone.localdate() - dt.timedelta(days=400)
    world.client.household = HouseholdFactory(landkreis=world.landkreis)
    refresh_window(world.client)
    world.client.save()
    world.partner = ClientFactory(
        household=world.client.household,
        municipality=world.town,
        last_name="Haddad",
        first_name="Karim",
        household_role="partner",
        assignment_date=world.client.assignment_date,
    )
    return world


def withdraw_url(consultation) -> str:
    return reverse("clients:consultation_withdraw", args=[consultation.code])


def history_text(client, consultation) -> str:
    body = client.get(edit_url(consultation)).content.decode()
    table = body[body.index("Änderungsverlauf") :]
    return re.sub(r"\s+", " ", table)


# --- editing participants and referrals --------------------------------------------------


def test_editing_adds_a_household_member_and_the_history_names_both(client, world):
    consultation = log(world.owner, [world.client])
    as_user(client, world.owner)

    response = client.post(
        edit_url(consultation) + f"?klient={world.client.code}",
        edit_form(consultation, participants=[world.client.pk, world.partner.pk]),
    )

    assert response.status_code == 302
    assert {p.client for p in consultation.participants.all()} == {world.client, world.partner}
    assert "Teilnehmende: Amina Haddad → Amina Haddad, Karim Haddad" in history_text(
        client, consultation
    )
    changed = AuditEntry.objects.filter(detail__event="consultation_changed")
    assert {e.object_id for e in changed} == {str(world.client.code), str(world.partner.code)}


def test_editing_removes_the_client_the_page_came_from_and_goes_to_the_contact(client, world):
    consultation = log(world.owner, [world.client, world.partner])
    as_user(client, world.owner)

    response = client.post(
        edit_url(consultation) + f"?klient={world.client.code}",
        edit_form(consultation, participants=[world.partner.pk]),
    )

    assert response.status_code == 302
    assert [p.client for p in consultation.participants.all()] == [world.partner]
    assert response.url == edit_url(consultation)


def test_editing_refuses_a_person_outside_the_household(client, world):
    consultation = log(world.owner, [world.client])
    stranger = ClientFactory(municipality=world.town, first_name="Fremd")
    as_user(client, world.owner)

    response = client.post(
        edit_url(consultation), edit_form(consultation, participants=[stranger.pk])
    )

    assert response.status_code == 200
    assert [p.client for p in consultation.participants.all()] == [world.client]


def test_editing_changes_removes_and_adds_referrals(client, world):
    jobcenter, mbe, jmd = service("Jobcenter"), service("MBE"), service("JMD")
    consultation = log(
        world.owner,
        [world.client],
        referrals=[ReferralInput(jobcenter, "Antrag"), ReferralInput(mbe)],
    )
    first, second = consultation.referrals.order_by("pk")
    as_user(client, world.owner)

    response = client.post(
        edit_url(consultation),
        edit_form(
            consultation,
            referral_1_service=str(jmd.pk),
            referral_1_note="Jugendmigrationsdienst",
            referral_2_remove="on",
            referral_3_service=str(jobcenter.pk),
            referral_3_note="neu",
        ),
    )

    assert response.status_code == 302
    referrals = list(consultation.referrals.order_by("pk"))
    assert [(r.service, r.note) for r in referrals] == [
        (jmd, "Jugendmigrationsdienst"),
        (jobcenter, "neu"),
    ]
    assert referrals[0].pk == first.pk  # changed in place, its status kept
    assert not Referral.all_objects.filter(pk=second.pk).exists()
    assert "Vermittlungen: Jobcenter, MBE → JMD, Jobcenter" in history_text(client, consultation)


def test_history_shows_german_labels_and_readable_values(client, world):
    work, housing = topic("Arbeit"), topic("Wohnen")
    consultation = log(world.owner, [world.client], topics=[work])
    as_user(client, world.owner)

    client.post(
        edit_url(consultation),
        edit_form(
            consultation,
            topics=[work.pk, housing.pk],
            kind=Consultation.Kind.ACCOMPANYING,
            date=(consultation.date - dt.timedelta(days=1)).isoformat(),
        ),
    )

    text = history_text(client, consultation)
    assert "Themen: Arbeit → Arbeit, Wohnen" in text
    assert "Art: Beratung → Begleitung" in text
    old, new = consultation.date, consultation.date - dt.timedelta(days=1)
    assert f"Datum: {old:%d.%m.%Y} → {new:%d.%m.%Y}" in text
    assert "{" not in text and "[" not in text and "'" not in text
    # One version per edit: the topics are not a version of their own.
    assert consultation.history.count() == 2


# --- withdrawing --------------------------------------------------------------------------


def test_owner_withdraws_a_wrong_contact_with_a_reason(client, world):
    consultation = log(world.owner, [world.client, world.partner], note="falsch")
    as_user(client, world.owner)

    response = client.post(
        withdraw_url(consultation),
        {"reason": "bei der falschen Person erfasst", "version": "1", "klient": world.client.code},
    )

    assert response.status_code == 302
    assert response.url == f"{detail_url(world.client)}#kontakt-{consultation.code}"
    stored = Consultation.all_objects.get(pk=consultation.pk)
    assert stored.withdrawn_by == world.owner
    assert stored.withdrawal_reason == "bei der falschen Person erfasst"
    assert stored.withdrawn_at is not None
    assert stored.version == 2
    assert not Consultation.objects.filter(pk=consultation.pk).exists()
    withdrawn = AuditEntry.objects.filter(detail__event="consultation_withdrawn")
    assert {e.object_id for e in withdrawn} == {str(world.client.code), str(world.partner.code)}

    page = client.get(response.url).content.decode()
    assert "storniert" in page and "<del>" in page
    assert "bei der falschen Person erfasst" in page
    assert 'name="status"' not in page  # no referral follow-up on a withdrawn contact
    text = history_text(client, consultation)
    assert "storniert" in text
    assert "Grund der Stornierung: – → bei der falschen Person erfasst" in text
    assert "storniert von: – → " in text


def test_withdrawal_needs_a_reason(client, world):
    consultation = log(world.owner, [world.client])
    as_user(client, world.owner)

    response = client.post(withdraw_url(consultation), {"reason": "  ", "version": "1"})

    assert response.status_code == 200
    assert "Bitte geben Sie den Grund der Stornierung an." in response.content.decode()
    assert Consultation.objects.filter(pk=consultation.pk).exists()
    with pytest.raises(ServiceError):
        withdraw_consultation(world.owner, consultation, "", None)


def test_a_stale_withdrawal_is_refused(world):
    consultation = log(world.owner, [world.client])
    Consultation.objects.filter(pk=consultation.pk).update(version=2)

    with pytest.raises(StaleVersionError):
        withdraw_consultation(world.colleague, consultation, "doppelt", expected_version=1)
    assert Consultation.objects.filter(pk=consultation.pk).exists()


def test_a_withdrawn_contact_is_shown_but_no_longer_changed(client, world):
    consultation = log(world.owner, [world.client], referrals=[ReferralInput(service("MBE"))])
    referral = consultation.referrals.get()
    withdraw_consultation(world.owner, consultation, "doppelt erfasst", 1)
    as_user(client, world.owner)

    page = client.get(edit_url(consultation))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Änderungen speichern" not in body and "Kontakt stornieren" not in body
    assert "Haddad, Amina" in body and "MBE" in body  # participants and referrals still shown

    edit = client.post(edit_url(consultation), edit_form(consultation, note="später"))
    again = client.post(withdraw_url(consultation), {"reason": "nochmal", "version": "2"})
    status = client.post(
        reverse("clients:referral_status", args=[referral.pk]),
        {"status": Referral.Status.ATTENDED},
    )
    assert edit.status_code == 200 and again.status_code == 200
    assert CONSULTATION_WITHDRAWN in again.content.decode()
    assert status.status_code == 404
    with pytest.raises(ServiceError, match="storniert"):
        update_referral_status(
            world.owner, referral, Referral.Status.ATTENDED, timezone.localdate()
        )
    stored = Consultation.all_objects.get(pk=consultation.pk)
    assert (stored.note, stored.withdrawal_reason) == ("", "doppelt erfasst")


@pytest.mark.parametrize("persona", ["outsider", "office", "municipality_user", "rp_user", "admin"])
def test_users_outside_the_scope_cannot_withdraw(client, world, persona):
    consultation = log(world.owner, [world.client])
    as_user(client, getattr(world, persona))

    response = client.post(withdraw_url(consultation), {"reason": "fremd", "version": "1"})

    assert response.status_code == 404
    assert Consultation.objects.filter(pk=consultation.pk).exists()


def test_outsider_gets_404_for_a_withdrawn_contact(client, world):
    consultation = log(world.owner, [world.client])
    withdraw_consultation(world.owner, consultation, "doppelt", 1)

    assert as_user(client, world.outsider).get(edit_url(consultation)).status_code == 404


def test_withdraw_refuses_get(client, world):
    consultation = log(world.owner, [world.client])
    assert as_user(client, world.owner).get(withdraw_url(consultation)).status_code == 405


# --- a withdrawn contact leaves every figure ---------------------------------------------


def _cells(table) -> dict:
    return {(line.figure.id, line.label): line.values for line in table.lines()}


@pytest.mark.today("2026-03-01")
def test_a_withdrawn_contact_changes_no_kennzahl(world):
    build_scenario(world)
    topic("Arbeit"), service("Jobcenter")  # lines of their own, at zero, before the contact
    before = _cells(compute_table(world.landkreis, YEAR))
    wrong = _contact(
        world,
        world.provider,
        dt.date(YEAR, 6, 2),
        Consultation.Kind.EXPLORATORY,
        Consultation.Setting.OUTREACH,
        [(world.client, True)],
        topics=["Arbeit"],
        referrals=[("Jobcenter", Referral.Status.ATTENDED)],
    )
    assert _cells(compute_table(world.landkreis, YEAR)) != before  # it counted

    withdraw_consultation(world.owner, wrong, "bei der falschen Person erfasst", None)

    assert _cells(compute_table(world.landkreis, YEAR)) == before


@pytest.mark.today("2025-12-15")
def test_a_withdrawn_contact_leaves_dashboard_caseload_and_checks(world):
    today = timezone.localdate()
    old = log(world.owner, [world.client], day=today - dt.timedelta(days=120))
    wrong = log(world.owner, [world.client], day=today - dt.timedelta(days=3))

    def figures():
        board = Dashboard(figures_scope_or_404(world.office), Filters(year=2025), today)
        per_month = {k: v for k, v in board.contacts_per_month().rows if v}
        quiet = {row.client for row in no_contact(world.owner, today).rows}
        return per_month, world.client in quiet

    per_month, quiet = figures()
    assert (sum(per_month.values()), quiet) == (2, False)

    withdraw_consultation(world.owner, wrong, "doppelt erfasst", None)

    per_month, quiet = figures()
    assert (sum(per_month.values()), quiet) == (1, True)
    assert not ConsultationParticipant.objects.filter(consultation=wrong).exists()
    assert ConsultationParticipant.all_objects.filter(consultation=wrong).exists()
    assert list(Consultation.objects.filter(participants__client=world.client)) == [old]


def test_the_contact_page_audits_former_participants_named_in_its_history(client, world):
    consultation = log(world.owner, [world.client, world.partner])
    as_user(client, world.owner)
    client.post(edit_url(consultation), edit_form(consultation, participants=[world.client.pk]))
    since = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    assert "Karim Haddad" in history_text(client, consultation)

    views = AuditEntry.objects.filter(pk__gt=since, action=AuditEntry.Action.VIEW)
    assert {e.object_id for e in views} == {str(world.client.code), str(world.partner.code)}


def test_anonymisation_clears_the_reason_of_a_withdrawn_contact(world):
    consultation = log(world.owner, [world.client], note="Notiz")
    withdraw_consultation(world.owner, consultation, "Amina statt Karim erfasst", 1)

    anonymise_clients([world.client.pk])

    stored = Consultation.all_objects.get(pk=consultation.pk)
    assert (stored.note, stored.withdrawal_reason) == ("", "")
    assert not consultation.history.exclude(withdrawal_reason="").exists()
    assert stored.is_withdrawn
