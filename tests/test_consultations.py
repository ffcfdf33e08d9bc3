"""Logging and editing contacts on the client page, following up referrals, and who may."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Consultation, Referral, RegularService, Topic
from clients.services import ConsultationInput, ReferralInput, log_consultation, refresh_window
from imcase.audit.models import AuditEntry
from tests.factories import ClientFactory, HouseholdFactory, UserFactory

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = pytest.mark.today


def topic(name: str) -> Topic:
    # Created on demand: a browser test's flush removes the rows of the data migration.
    return Topic.objects.get_or_create(name=name)[0]


def service(name: str) -> RegularService:
    return RegularService.objects.get_or_create(name=name)[0]


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def world(world):
    """The shared world, with Haddad's window running today (assigned 400 days ago)."""
    world.client.assignment_date = days_ago(400)
    refresh_window(world.client)
    world.client.save()
    return world


def as_user(client, user):
    client.force_login(user)
    return client


def contact_form(participants, **overrides) -> dict:
    data = {
        "date": days_ago(3).isoformat(),
        "duration_minutes": "45",
        "kind": Consultation.Kind.COUNSELLING,
        "setting": Consultation.Setting.OFFICE_HOURS,
        "participants": [str(p.pk) for p in participants],
        "topics": [],
        "interpreter_language": "",
        "note": "",
        "next_appointment": "",
    }
    data.update(overrides)
    return data


def log(actor, clients, day=None, **kwargs) -> Consultation:
    return log_consultation(
        actor,
        ConsultationInput(clients=clients, date=day or days_ago(5), duration_minutes=45, **kwargs),
    )


def create_url(client) -> str:
    return reverse("clients:consultation_create", args=[client.code])


def detail_url(client) -> str:
    return reverse("clients:detail", args=[client.code])


# --- logging a contact --------------------------------------------------------------------


def test_owner_logs_contact_with_topics_and_referrals(client, world):
    housing, language = topic("Wohnen"), topic("Sprache")
    jobcenter = service("Jobcenter")
    as_user(client, world.owner)

    response = client.post(
        create_url(world.client),
        contact_form(
            [world.client],
            topics=[housing.pk, language.pk],
            referral_1_service=jobcenter.pk,
            referral_1_note="Termin am Montag",
            note="Wohnungssuche besprochen",
        ),
    )

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response.url == f"{detail_url(world.client)}#kontakt-{consultation.code}"
    assert set(consultation.topics.all()) == {housing, language}
    assert [(r.service, r.note, r.status) for r in consultation.referrals.all()] == [
        (jobcenter, "Termin am Montag", Referral.Status.REFERRED)
    ]
    assert [p.client for p in consultation.participants.all()] == [world.client]
    assert consultation.recorded_by == world.owner
    page = client.get(response.url)
    assert "wurde gespeichert" in page.content.decode()
    assert "Wohnungssuche besprochen" in page.content.decode()


def test_owner_logs_one_contact_for_two_household_members(client, world):
    household = HouseholdFactory(landkreis=world.landkreis)
    mother = ClientFactory(
        household=household, municipality=world.town, last_name="Saleh", first_name="Rana"
    )
    son = ClientFactory(
        household=household,
        municipality=world.town,
        last_name="Saleh",
        first_name="Omar",
        household_role="kind",
    )
    as_user(client, world.owner)

    response = client.post(create_url(mother), contact_form([mother, son]))

    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert {p.client for p in consultation.participants.all()} == {mother, son}
    assert all(p.funded for p in consultation.participants.all())
    assert "Omar" in client.get(detail_url(son)).content.decode()


def test_detail_page_offers_visible_household_members_with_client_prechecked(client, world):
    household = HouseholdFactory(landkreis=world.landkreis)
    world.client.household = household
    world.client.save()
    ClientFactory(household=household, municipality=world.town, first_name="Yusuf")
    ClientFactory(household=household, municipality=world.other_town, first_name="Fremd")

    body = as_user(client, world.owner).get(detail_url(world.client)).content.decode()

    assert "Yusuf" in body
    assert "Fremd" not in body
    assert re.search(rf'name="participants" value="{world.client.pk}"[^>]* checked', body)


def test_contact_after_the_window_is_refused_in_german_and_nothing_is_stored(client, world):
    late = ClientFactory(municipality=world.town, assignment_date=dt.date(2020, 1, 1))
    as_user(client, world.owner)

    response = client.post(
        create_url(late), contact_form([late], date="2024-06-03", note="Mein Notiztext")
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "endete am 01.01.2023" in body
    assert "Mein Notiztext" in body
    assert Consultation.objects.count() == 0


def test_provider_counselling_beyond_the_window_stores_an_unfunded_contact(client, world):
    world.provider.counsels_beyond_window = True
    world.provider.save()
    late = ClientFactory(municipality=world.town, assignment_date=dt.date(2020, 1, 1))
    as_user(client, world.owner)

    response = client.post(create_url(late), contact_form([late], date="2024-06-03"))

    assert response.status_code == 302
    participant = Consultation.objects.get().participants.get()
    assert participant.funded is False
    assert "nicht gefördert" in client.get(detail_url(late)).content.decode()


def test_contact_without_participant_is_refused_with_german_message(client, world):
    response = as_user(client, world.owner).post(
        create_url(world.client), contact_form([], note="Bitte behalten")
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Bitte wählen Sie mindestens eine Person aus." in body
    assert "Bitte behalten" in body
    assert Consultation.objects.count() == 0


def test_team_lead_of_the_region_may_log_a_contact(client, world):
    response = as_user(client, world.colleague).post(
        create_url(world.client), contact_form([world.client])
    )

    assert response.status_code == 302
    assert Consultation.objects.get().recorded_by == world.colleague


# --- the client page ----------------------------------------------------------------------


def test_client_page_shows_window_timeline_and_writes_audit_entry(client, world):
    log(world.owner, [world.client], topics=[topic("Gesundheit")])

    response = as_user(client, world.owner).get(detail_url(world.client))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Beratungszeitraum" in body
    assert "im Beratungszeitraum" in body
    assert "window-share-" in body
    assert "Gesundheit" in body
    assert 'style="' not in body
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW, object_id=str(world.client.code)
    ).exists()


def test_query_count_of_the_client_page_does_not_grow_with_contacts(client, world):
    household = HouseholdFactory(landkreis=world.landkreis)
    world.client.household = household
    world.client.save()
    partner = ClientFactory(household=household, municipality=world.town)
    as_user(client, world.owner)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail_url(world.client)).status_code == 200
        return len(captured)

    jobcenter = service("Jobcenter")
    log(world.owner, [world.client, partner], topics=[topic("Wohnen")])
    with_one = queries_for_page()
    for n in range(19):
        log(
            world.owner,
            [world.client, partner] if n % 2 else [world.client],
            day=days_ago(n + 6),
            topics=[topic("Wohnen"), topic("Sprache")],
            referrals=[ReferralInput(service=jobcenter)],
        )
    with_twenty = queries_for_page()

    assert Consultation.objects.count() == 20
    assert with_twenty == with_one


# --- editing a contact --------------------------------------------------------------------


def edit_url(consultation) -> str:
    return reverse("clients:consultation_edit", args=[consultation.code])


def edit_form(consultation, **overrides) -> dict:
    data = {
        "date": consultation.date.isoformat(),
        "duration_minutes": str(consultation.duration_minutes),
        "kind": consultation.kind,
        "setting": consultation.setting,
        "topics": [t.pk for t in consultation.topics.all()],
        "interpreter_language": consultation.interpreter_language,
        "note": consultation.note,
        "next_appointment": "",
        "participants": [str(p.client_id) for p in consultation.participants.all()],
        "version": str(consultation.version),
    }
    for n, referral in enumerate(consultation.referrals.order_by("pk"), start=1):
        data[f"referral_{n}_service"] = str(referral.service_id)
        data[f"referral_{n}_note"] = referral.note
    data.update(overrides)
    return data


def test_editing_a_contact_keeps_its_history(client, world):
    consultation = log(world.owner, [world.client])
    as_user(client, world.owner)

    response = client.post(
        edit_url(consultation) + f"?klient={world.client.code}",
        edit_form(consultation, duration_minutes="60", note="ergänzt"),
    )

    assert response.status_code == 302
    assert response.url == f"{detail_url(world.client)}#kontakt-{consultation.code}"
    consultation.refresh_from_db()
    assert (consultation.duration_minutes, consultation.note, consultation.version) == (
        60,
        "ergänzt",
        2,
    )
    assert consultation.history.count() == 2
    page = client.get(edit_url(consultation)).content.decode()
    assert "Dauer (Minuten): 45 → 60" in page
    assert "Änderungsverlauf" in page


def test_second_of_two_concurrent_edits_is_refused_and_keeps_the_first(client, world):
    consultation = log(world.owner, [world.client])
    as_user(client, world.owner)
    first_load = client.get(edit_url(consultation))
    second_load = client.get(edit_url(consultation))
    assert 'name="version" value="1"' in first_load.content.decode()
    assert 'name="version" value="1"' in second_load.content.decode()

    first = client.post(edit_url(consultation), edit_form(consultation, note="erste Fassung"))
    second = client.post(edit_url(consultation), edit_form(consultation, note="zweite Fassung"))

    assert first.status_code == 302
    assert second.status_code == 200
    body = second.content.decode()
    assert "inzwischen von jemand anderem geändert" in body
    assert "zweite Fassung" in body
    consultation.refresh_from_db()
    assert consultation.note == "erste Fassung"
    assert consultation.version == 2


# --- referrals ----------------------------------------------------------------------------


def test_owner_updates_referral_status_from_the_timeline(client, world):
    consultation = log(world.owner, [world.client], referrals=[ReferralInput(service("MBE"))])
    referral = consultation.referrals.get()

    response = as_user(client, world.owner).post(
        reverse("clients:referral_status", args=[referral.pk]),
        {"status": Referral.Status.ATTENDED, "klient": str(world.client.code)},
    )

    assert response.status_code == 302
    assert response.url == f"{detail_url(world.client)}#kontakt-{consultation.code}"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ATTENDED
    assert referral.status_changed_on == timezone.localdate()


def test_referral_status_refuses_get(client, world):
    consultation = log(world.owner, [world.client], referrals=[ReferralInput(service("MBE"))])
    url = reverse("clients:referral_status", args=[consultation.referrals.get().pk])

    assert as_user(client, world.owner).get(url).status_code == 405


# --- access -------------------------------------------------------------------------------


def urls_for(world) -> dict[str, tuple[str, str, dict]]:
    consultation = log(world.owner, [world.client], referrals=[ReferralInput(service("JMD"))])
    referral = consultation.referrals.get()
    return {
        "detail": ("get", detail_url(world.client), {}),
        "create": ("post", create_url(world.client), contact_form([world.client])),
        "edit_get": ("get", edit_url(consultation), {}),
        "edit_post": ("post", edit_url(consultation), edit_form(consultation, note="fremd")),
        "referral_status": (
            "post",
            reverse("clients:referral_status", args=[referral.pk]),
            {"status": Referral.Status.NOT_ATTENDED},
        ),
    }


@pytest.mark.parametrize("target", ["detail", "create", "edit_get", "edit_post", "referral_status"])
@pytest.mark.parametrize("persona", ["outsider", "office", "municipality_user", "rp_user", "admin"])
def test_users_outside_the_scope_get_404_and_change_nothing(client, world, persona, target):
    method, url, data = urls_for(world)[target]
    as_user(client, getattr(world, persona))

    response = getattr(client, method)(url, data)

    assert response.status_code == 404
    assert Consultation.objects.count() == 1
    consultation = Consultation.objects.get()
    assert consultation.note == ""
    assert consultation.referrals.get().status == Referral.Status.REFERRED


def test_manager_of_other_provider_cannot_see_contacts_of_shared_household_member(client, world):
    household = HouseholdFactory(landkreis=world.landkreis)
    world.client.household = household
    world.client.save()
    moved = ClientFactory(household=household, municipality=world.other_town, first_name="Ali")
    log(world.owner, [world.client], note="vertraulich")

    body = as_user(client, world.outsider).get(detail_url(moved)).content.decode()

    assert "vertraulich" not in body
    assert world.client.last_name not in body


def test_anonymous_user_is_sent_to_login(client, world):
    response = client.get(detail_url(world.client))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_without_staff_row_gets_404(client, world):
    nobody = UserFactory(username="nobody")

    response = as_user(client, nobody).post(create_url(world.client), contact_form([world.client]))

    assert response.status_code == 404
