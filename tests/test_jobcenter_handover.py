"""The Jobcenter hand-over (issue 15, item 3): the consent names data categories, and the
Übermittlungsbogen holds exactly the data of those categories, only on a valid consent (given
on or before today, not revoked); each one is recorded with its SHA-256 and audited, and an
outsider gets 404."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.urls import reverse

from clients.jobcenter import SECTIONS
from clients.models import Consent, ConsentCategory, JobcenterTransmission, RegularService
from clients.models.client import ResidenceStatus
from clients.services import (
    ConsultationInput,
    ReferralInput,
    give_consent,
    hand_over_to_jobcenter,
    log_consultation,
    revoke_consent,
)
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError
from tests.factories import GoalFactory, OutcomeEventFactory, PlanFactory, goal_field, outcome_kind
from tests.test_plans_pdf import pdf_text

pytestmark = pytest.mark.today("2025-06-16")

LANGUAGE_AND_WORK = [ConsentCategory.LANGUAGE, ConsentCategory.WORK]


@pytest.fixture
def person(world):
    """Haddad with data in every category: residence, nationality, an outcome of each kind,
    a plan goal about work and a referral to the Jobcenter."""
    client = world.client
    client.residence_status = ResidenceStatus.DULDUNG
    client.nationality = "ERI"
    client.languages = ["Tigrinya", "Arabisch"]
    client.save()
    OutcomeEventFactory(
        client=client,
        provider=world.provider,
        kind=outcome_kind("integrationskurs"),
        started_on=dt.date(2024, 9, 2),
        ended_on=dt.date(2025, 3, 28),
        certificate_level="B1",
        certificate_on=dt.date(2025, 4, 11),
    )
    OutcomeEventFactory(
        client=client,
        provider=world.provider,
        kind=outcome_kind("minijob"),
        started_on=dt.date(2025, 5, 1),
        hours_band="unter15",
    )
    OutcomeEventFactory(
        client=client,
        provider=world.provider,
        kind=outcome_kind("eigene-wohnung"),
        started_on=dt.date(2025, 2, 1),
    )
    plan = PlanFactory(client=client, created_by=world.owner)
    GoalFactory(
        version=plan.versions.get(),
        field=goal_field("Arbeitsmarkt"),
        text="Stelle als Lagerhelferin in Vollzeit finden",
    )
    log_consultation(
        world.owner,
        ConsultationInput(
            clients=[client],
            date=dt.date(2025, 5, 6),
            duration_minutes=45,
            referrals=[
                ReferralInput(service=RegularService.objects.get_or_create(name="Jobcenter")[0])
            ],
        ),
    )
    return client


def consent(world, client, categories, given_on=dt.date(2025, 6, 2)) -> Consent:
    return give_consent(world.owner, client, Consent.Kind.JOBCENTER, given_on, categories)


def post_sheet(http, client):
    return http.post(reverse("clients:jobcenter_sheet", args=[client.code]))


# --- the consent's categories ---------------------------------------------------------------


def test_a_jobcenter_consent_is_recorded_with_its_ticked_categories(world, client):
    client.force_login(world.owner)
    response = client.post(
        reverse("clients:consent_add", args=[world.client.code]),
        {
            "kind": "jobcenter",
            "given_on": "2025-06-02",
            "categories": ["arbeit", "sprache"],
            "note": "mündlich erläutert, Dolmetscherin anwesend",
        },
    )
    assert response.status_code == 302
    stored = Consent.objects.get(client=world.client)
    assert stored.categories == ["sprache", "arbeit"]  # the fixed order of the list
    assert stored.note == "mündlich erläutert, Dolmetscherin anwesend"


def test_a_jobcenter_consent_without_categories_is_refused_and_the_form_keeps_the_input(
    world, client
):
    client.force_login(world.owner)
    response = client.post(
        reverse("clients:consent_add", args=[world.client.code]),
        {"kind": "jobcenter", "given_on": "2025-06-02", "note": "nur Lebenslauf"},
        follow=True,
    )
    content = response.content.decode()
    assert "Bitte wählen Sie, welche Daten an das Jobcenter weitergegeben werden dürfen." in content
    assert 'value="nur Lebenslauf"' in content
    assert 'value="2025-06-02"' in content
    assert not Consent.objects.exists()


def test_a_refused_consent_keeps_the_ticked_categories(world, client):
    client.force_login(world.owner)
    response = client.post(
        reverse("clients:consent_add", args=[world.client.code]),
        {"kind": "jobcenter", "given_on": "2025-07-01", "categories": ["haushalt"]},
        follow=True,
    )
    content = response.content.decode()
    assert "darf nicht in der Zukunft liegen" in content
    assert 'value="haushalt" id="consent-category-haushalt" checked' in content
    assert 'value="arbeit" id="consent-category-arbeit" checked' not in content


def test_an_unknown_category_is_refused(world, client):
    client.force_login(world.owner)
    response = client.post(
        reverse("clients:consent_add", args=[world.client.code]),
        {"kind": "jobcenter", "given_on": "2025-06-02", "categories": ["gesundheit"]},
        follow=True,
    )
    assert "Bitte wählen Sie nur Kategorien aus der Liste." in response.content.decode()
    assert not Consent.objects.exists()


def test_a_data_processing_consent_needs_no_categories_and_keeps_none(world):
    given = give_consent(
        world.owner, world.client, Consent.Kind.DATA_PROCESSING, dt.date(2025, 6, 2), ["arbeit"]
    )
    assert given.categories == []


# --- refused without a valid consent --------------------------------------------------------


def _refused(world, client, http) -> str:
    http.force_login(world.owner)
    response = post_sheet(http, world.client)
    assert response.status_code == 302
    assert response["Content-Type"] != "application/pdf"
    assert not JobcenterTransmission.objects.exists()
    assert not AuditEntry.objects.filter(detail__event="jobcenter_transmission").exists()
    return http.get(response["Location"]).content.decode()


def test_no_sheet_without_a_jobcenter_consent(world, client, person):
    give_consent(world.owner, person, Consent.Kind.DATA_PROCESSING, dt.date(2025, 6, 2))
    page = _refused(world, person, client)
    assert (
        "Es liegt keine gültige Einwilligung in die Weitergabe von Daten an das Jobcenter" in page
    )


def test_no_sheet_on_a_revoked_consent(world, client, person):
    revoke_consent(world.owner, consent(world, person, LANGUAGE_AND_WORK), dt.date(2025, 6, 10))
    page = _refused(world, person, client)
    assert "keine gültige Einwilligung" in page


def test_no_sheet_on_a_consent_given_after_today(world, client, person):
    consent(world, person, LANGUAGE_AND_WORK, given_on=dt.date(2025, 6, 16))
    with pytest.raises(ServiceError, match="keine gültige Einwilligung"):
        hand_over_to_jobcenter(world.owner, person, dt.date(2025, 6, 15))
    # The service never accepts a consent dated after today, so the sheet of today's consent
    # yesterday is the only way to meet one: on its own day it is valid.
    assert hand_over_to_jobcenter(world.owner, person, dt.date(2025, 6, 16)).pdf


def test_no_sheet_on_an_old_consent_without_categories(world, client, person):
    Consent.objects.create(
        client=person,
        kind=Consent.Kind.JOBCENTER,
        given_on=dt.date(2024, 5, 1),
        note="Lebenslauf und Sprachkurs",  # the former free text: no category is guessed
        recorded_by=world.owner,
    )
    page = _refused(world, person, client)
    assert "Die Einwilligung vom 01.05.2024 nennt keine Datenkategorien" in page


# --- the sheet ------------------------------------------------------------------------------


def test_the_sheet_holds_the_consented_categories_and_nothing_else(world, client, person, tmp_path):
    consent(world, person, LANGUAGE_AND_WORK)
    client.force_login(world.owner)
    response = post_sheet(client, person)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Uebermittlungsbogen_Jobcenter_" in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content, tmp_path).split())

    # who, the consent with its date and scope, and the list of what was sent
    assert "Übermittlungsbogen an das Jobcenter" in text
    assert "Amina Haddad" in text and "17.05.1990" in text
    assert "erteilt am 02.06.2025" in text
    assert "Sprachkenntnisse, Deutschkurse und Sprachzertifikate" in text
    assert "Übermittelt wurden" in text
    assert "Arbeit und Ausbildung: 1 Angabe" in text
    # the consented data
    assert "Tigrinya" in text
    assert "Integrationskurs" in text and "Zertifikat B1 vom 11.04.2025" in text
    assert "Minijob" in text and "unter 15 Stunden/Woche" in text
    # no data of a category the person did not consent to
    for not_consented in (
        "Duldung",  # Aufenthaltsstatus
        "Eritrea",  # Staatsangehörigkeit
        "Altstadt",  # Wohngemeinde
        "eigene Wohnung",  # Wohnen
        "Lagerhelferin",  # Ziele des Integrationsplans
        "06.05.2025",  # Vermittlung an das Jobcenter
        "Ziele des Integrationsplans",
        "Aufenthaltsstatus",
    ):
        assert not_consented not in text, not_consented


def test_the_other_categories_come_from_their_apps(world, person, tmp_path):
    consent(
        world,
        person,
        [
            ConsentCategory.MASTER_DATA,
            ConsentCategory.RESIDENCE,
            ConsentCategory.HOUSING,
            ConsentCategory.PLAN_GOALS,
            ConsentCategory.REFERRALS,
            ConsentCategory.CONTACT_PERSON,
        ],
    )
    text = " ".join(
        pdf_text(
            hand_over_to_jobcenter(world.owner, person, dt.date(2025, 6, 16)).pdf, tmp_path
        ).split()
    )
    assert "Eritrea" in text and "Altstadt" in text
    assert "Duldung" in text
    assert "eigene Wohnung" in text
    assert "Stelle als Lagerhelferin in Vollzeit finden" in text
    assert "vermittelt am 06.05.2025" in text
    assert "Integrationsmanager:in" in text
    assert "Integrationskurs" not in text and "Minijob" not in text and "Tigrinya" not in text


def test_the_latest_valid_consent_counts(world, person, tmp_path):
    consent(world, person, [ConsentCategory.RESIDENCE], given_on=dt.date(2025, 1, 10))
    consent(world, person, [ConsentCategory.WORK], given_on=dt.date(2025, 6, 2))
    handover = hand_over_to_jobcenter(world.owner, person, dt.date(2025, 6, 16))
    assert handover.transmission.categories == ["arbeit"]
    assert "Duldung" not in pdf_text(handover.pdf, tmp_path)


def test_each_sheet_is_recorded_with_its_hash_and_audited(world, client, person):
    given = consent(world, person, LANGUAGE_AND_WORK)
    client.force_login(world.owner)
    response = post_sheet(client, person)

    transmission = JobcenterTransmission.objects.get()
    assert transmission.client == person
    assert transmission.provider == world.provider
    assert transmission.created_by == world.owner
    assert transmission.consent == given
    assert transmission.consent_given_on == dt.date(2025, 6, 2)
    assert transmission.categories == ["sprache", "arbeit"]
    assert transmission.sha256 == hashlib.sha256(response.content).hexdigest()

    entry = AuditEntry.objects.get(detail__event="jobcenter_transmission")
    assert entry.action == AuditEntry.Action.EXPORT
    assert entry.actor == world.owner
    assert entry.object_id == str(person.code)
    assert entry.detail["categories"] == ["sprache", "arbeit"]
    assert entry.detail["sha256"] == transmission.sha256
    view = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert view.detail["event"] == "jobcenter_sheet"


def test_the_client_page_lists_past_transmissions(world, client, person):
    consent(world, person, LANGUAGE_AND_WORK)
    hand_over_to_jobcenter(world.owner, person, dt.date(2025, 6, 16))
    client.force_login(world.colleague)
    content = client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "Bisherige Übermittlungen" in content
    assert "Einwilligung vom 02.06.2025" in content
    assert "Sprachkenntnisse, Deutschkurse und Sprachzertifikate; Arbeit und Ausbildung" in content
    assert reverse("clients:jobcenter_sheet", args=[person.code]) in content


def test_without_a_valid_consent_the_page_says_why_and_offers_no_button(world, client, person):
    client.force_login(world.owner)
    content = client.get(reverse("clients:detail", args=[person.code])).content.decode()
    assert "keine gültige Einwilligung" in content
    assert reverse("clients:jobcenter_sheet", args=[person.code]) not in content


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "office", "municipality_user", "rp_user"])
def test_outsiders_get_404_and_nothing_is_recorded(world, client, person, persona):
    consent(world, person, LANGUAGE_AND_WORK)
    client.force_login(getattr(world, persona))
    assert post_sheet(client, person).status_code == 404
    assert not JobcenterTransmission.objects.exists()
    assert not AuditEntry.objects.filter(detail__event="jobcenter_transmission").exists()


def test_the_sheet_is_made_only_by_post(world, client, person):
    consent(world, person, LANGUAGE_AND_WORK)
    client.force_login(world.owner)
    assert client.get(reverse("clients:jobcenter_sheet", args=[person.code])).status_code == 405


def test_every_category_has_its_section_and_plans_gives_the_plan_goals():
    assert set(SECTIONS) == set(ConsentCategory.values)
    assert SECTIONS[ConsentCategory.PLAN_GOALS].__module__ == "plans.jobcenter_sections"
