"""Creating and editing a person: target-group check, duplicate warning, Aktenzeichen, stale
edits, history; consents and their revocation; and who may do any of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clients.countries import COUNTRIES, country_choices, is_valid_alpha3
from clients.duplicates import possible_duplicates
from clients.models import Client, Consent, Household
from clients.services import give_consent, revoke_consent
from imcase.audit.models import AuditEntry

CREATE_URL = reverse("clients:create")
NOT_TARGET_GROUP = "Diese Person gehört nicht zur Zielgruppe"


def person(world, **overrides) -> dict:
    data = {
        "aktenzeichen": "AZ-NEU-1",
        "last_name": "Rahimi",
        "first_name": "Farid",
        "birth_date": "1988-02-10",
        "sex": "m",
        "nationality": "AFG",
        "languages": "Dari, Paschtu, dari",
        "residence_status": "schutzstatus",
        "household_mode": "new",
        "household_key": "HH-NEU-1",
        "household_role": "bezugsperson",
        "municipality": world.town.pk,
        "arrival_kind": "zuweisung",
        "assignment_date": "2024-03-01",
        "manager": world.owner.pk,
        "opened_on": "2024-03-05",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(client_obj: Client, **overrides) -> dict:
    data = {
        "aktenzeichen": client_obj.aktenzeichen,
        "last_name": client_obj.last_name,
        "first_name": client_obj.first_name,
        "birth_date": client_obj.birth_date.isoformat(),
        "sex": client_obj.sex,
        "nationality": client_obj.nationality,
        "languages": "",
        "residence_status": client_obj.residence_status,
        "household_mode": "none",
        "household_role": client_obj.household_role,
        "arrival_kind": client_obj.arrival_kind,
        "assignment_date": client_obj.assignment_date.isoformat(),
        "manager": client_obj.manager_id or "",
        "opened_on": client_obj.opened_on.isoformat(),
        "version": client_obj.version,
    }
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- create -----------------------------------------------------------------------------


def test_manager_creates_a_person_with_window_household_and_audit_entry(world, client):
    client.force_login(world.owner)
    response = client.post(CREATE_URL, person(world))

    created = Client.objects.get(aktenzeichen="AZ-NEU-1")
    assert response.status_code == 302
    assert response.url == reverse("clients:detail", args=[created.code])
    assert created.landkreis == world.landkreis
    assert created.window_start == dt.date(2024, 3, 1)
    assert created.window_end == dt.date(2027, 3, 1)
    assert created.languages == ["Dari", "Paschtu"]
    assert created.household.key == "HH-NEU-1"
    assert created.manager == world.owner
    entry = AuditEntry.objects.get(object_id=str(created.code))
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == world.owner
    assert "Farid Rahimi wurde angelegt." in messages_of(response)


@pytest.mark.today
def test_create_form_offers_only_served_municipalities_and_defaults_to_the_manager(world, client):
    client.force_login(world.owner)
    response = client.get(CREATE_URL)

    form = response.context["form"]
    assert list(form.fields["municipality"].queryset) == [world.town]
    assert form.fields["manager"].initial == world.owner.pk
    # A manager takes a new case himself or leaves it unassigned; the team lead assigns.
    assert set(form.fields["manager"].queryset) == {world.owner}
    client.force_login(world.colleague)
    form = client.get(CREATE_URL).context["form"]
    assert set(form.fields["manager"].queryset) == {world.owner, world.colleague}
    assert form.fields["opened_on"].initial == timezone.localdate()
    assert "confirm_duplicate" not in form.fields
    assert "Trotzdem anlegen" not in response.content.decode()


def test_team_lead_may_create_a_person(world, client):
    client.force_login(world.colleague)
    response = client.post(CREATE_URL, person(world))
    assert response.status_code == 302
    assert Client.objects.filter(aktenzeichen="AZ-NEU-1").exists()


def test_person_outside_the_target_group_is_refused_and_nothing_is_stored(world, client):
    client.force_login(world.owner)
    response = client.post(
        CREATE_URL, person(world, assignment_date="", residence_status="duldung")
    )

    assert response.status_code == 200
    assert NOT_TARGET_GROUP in response.content.decode()
    assert not Client.objects.filter(aktenzeichen="AZ-NEU-1").exists()
    assert not Household.objects.filter(key="HH-NEU-1").exists()


def test_ukrainian_refugee_without_assignment_may_be_created(world, client):
    client.force_login(world.owner)
    response = client.post(
        CREATE_URL, person(world, assignment_date="", residence_status="paragraph24")
    )
    assert response.status_code == 302
    assert Client.objects.get(aktenzeichen="AZ-NEU-1").window_start == dt.date(2024, 3, 5)


@pytest.mark.today
def test_dates_in_the_future_and_birth_after_assignment_are_refused(world, client):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    client.force_login(world.owner)
    response = client.post(CREATE_URL, person(world, opened_on=tomorrow))
    assert "Das Datum darf nicht in der Zukunft liegen." in response.content.decode()

    response = client.post(CREATE_URL, person(world, birth_date="2024-05-01"))
    assert "Das Geburtsdatum darf nicht nach der Zuweisung" in response.content.decode()
    assert not Client.objects.filter(aktenzeichen="AZ-NEU-1").exists()


def test_aktenzeichen_must_be_unique_in_the_kreis(world, client):
    client.force_login(world.owner)
    response = client.post(CREATE_URL, person(world, aktenzeichen=world.client.aktenzeichen))

    content = response.content.decode()
    assert "Dieses Aktenzeichen ist im Kreis bereits vergeben." in content
    assert 'value="Rahimi"' in content  # what the user typed is kept
    assert Client.objects.filter(aktenzeichen=world.client.aktenzeichen).count() == 1


def test_invalid_nationality_is_refused(world, client):
    client.force_login(world.owner)
    response = client.post(CREATE_URL, person(world, nationality="ABC"))
    assert response.status_code == 200
    assert not Client.objects.filter(aktenzeichen="AZ-NEU-1").exists()


def test_person_joins_an_existing_household_of_a_visible_client(world, client):
    household = Household.objects.create(landkreis=world.landkreis, key="HH-HADDAD")
    world.client.household = household
    world.client.save()
    client.force_login(world.owner)
    response = client.post(
        CREATE_URL,
        person(world, household_mode="existing", household_key="HH-HADDAD", household_role="kind"),
    )
    assert response.status_code == 302
    assert Client.objects.get(aktenzeichen="AZ-NEU-1").household == household


def test_household_of_another_providers_client_cannot_be_joined(world, client):
    household = Household.objects.create(landkreis=world.landkreis, key="HH-PETRENKO")
    world.other_client.household = household
    world.other_client.save()
    client.force_login(world.owner)

    response = client.post(
        CREATE_URL, person(world, household_mode="existing", household_key="HH-PETRENKO")
    )
    assert "keinen Haushalt mit diesem Schlüssel" in response.content.decode()
    response = client.post(
        CREATE_URL, person(world, household_mode="new", household_key="HH-PETRENKO")
    )
    # Neutral since issue 13: the answer must not confirm the other provider's household.
    assert "Dieser Haushaltsschlüssel kann nicht verwendet werden" in response.content.decode()
    assert not Client.objects.filter(aktenzeichen="AZ-NEU-1").exists()


# --- duplicates -------------------------------------------------------------------------


def test_possible_duplicate_is_shown_with_a_link_and_nothing_is_created(world, client):
    client.force_login(world.owner)
    similar = person(world, last_name="Hadad", first_name="Amina", birth_date="1990-05-17")
    response = client.post(CREATE_URL, similar)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Möglicherweise gibt es diese Person schon" in content
    assert reverse("clients:detail", args=[world.client.code]) in content
    assert "Trotzdem anlegen" in content
    assert not Client.objects.filter(aktenzeichen="AZ-NEU-1").exists()

    response = client.post(CREATE_URL, {**similar, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Client.objects.filter(aktenzeichen="AZ-NEU-1", last_name="Hadad").exists()


def test_possible_duplicates_need_the_same_birth_date(world):
    assert possible_duplicates(world.owner, "Haddad", "Amina", dt.date(1990, 5, 17)) == [
        world.client
    ]
    assert possible_duplicates(world.owner, "Haddad", "Amina", dt.date(1991, 5, 17)) == []
    assert (
        possible_duplicates(
            world.owner, "Haddad", "Amina", dt.date(1990, 5, 17), exclude_pk=world.client.pk
        )
        == []
    )


def test_possible_duplicates_never_include_clients_of_another_provider(world, client):
    born = world.other_client.birth_date
    assert possible_duplicates(world.owner, "Petrenko", "Amina", born) == []
    assert possible_duplicates(world.outsider, "Petrenko", "Amina", born) == [world.other_client]

    client.force_login(world.owner)
    response = client.post(
        CREATE_URL, person(world, last_name="Petrenko", first_name="Amina", birth_date=str(born))
    )
    assert response.status_code == 302
    assert world.other_client.aktenzeichen not in response.content.decode()


# --- edit -------------------------------------------------------------------------------


def test_owner_edits_a_person_and_sees_the_change_in_the_history(world, client):
    client.force_login(world.owner)
    url = reverse("clients:edit", args=[world.client.code])
    assert client.get(url).context["form"]["version"].value() == world.client.version

    response = client.post(url, edit_data(world.client, last_name="Haddad-Ali"))
    assert response.status_code == 302
    world.client.refresh_from_db()
    assert world.client.last_name == "Haddad-Ali"
    assert AuditEntry.objects.filter(
        object_id=str(world.client.code), action=AuditEntry.Action.CHANGE
    ).exists()

    history = client.get(url).context["history"]
    assert history[0]["fields"] == ["Nachname"]
    assert history[0]["user"] == world.owner


def test_edit_with_a_stale_version_is_refused_and_the_first_edit_is_kept(world, client):
    client.force_login(world.owner)
    url = reverse("clients:edit", args=[world.client.code])
    loaded = edit_data(world.client)

    client.post(url, {**loaded, "first_name": "Amira"})
    response = client.post(url, {**loaded, "first_name": "Aminata"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "inzwischen von jemand anderem geändert" in content
    assert 'value="Aminata"' in content
    world.client.refresh_from_db()
    assert world.client.first_name == "Amira"


def test_edit_cannot_move_the_person_to_another_municipality(world, client):
    client.force_login(world.owner)
    url = reverse("clients:edit", args=[world.client.code])
    client.post(url, {**edit_data(world.client), "municipality": world.other_town.pk})
    world.client.refresh_from_db()
    assert world.client.municipality == world.town


# --- consents ---------------------------------------------------------------------------


def test_consent_is_recorded_and_revoking_keeps_the_row(world, client):
    client.force_login(world.owner)
    add_url = reverse("clients:consent_add", args=[world.client.code])
    response = client.post(add_url, {"kind": "datenverarbeitung", "given_on": "2024-03-05"})
    assert response.status_code == 302
    consent = Consent.objects.get(client=world.client)
    assert consent.recorded_by == world.owner

    revoke_url = reverse("clients:consent_revoke", args=[world.client.code, consent.pk])
    response = client.post(revoke_url, {"revoked_on": "2025-01-10"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_on == dt.date(2025, 1, 10)
    assert Consent.objects.filter(client=world.client).count() == 1


def test_jobcenter_consent_without_categories_is_refused(world, client):
    client.force_login(world.owner)
    response = client.post(
        reverse("clients:consent_add", args=[world.client.code]),
        {"kind": "jobcenter", "given_on": "2024-03-05", "note": "Lebenslauf"},
    )
    assert response.status_code == 302
    assert "einwilligung_art=jobcenter" in response.url
    assert not Consent.objects.exists()
    assert any("Jobcenter weitergegeben" in m for m in messages_of(response))


def test_consent_of_another_client_cannot_be_revoked_through_this_client(world, client):
    other_visible = Client.objects.create(
        landkreis=world.landkreis,
        municipality=world.town,
        aktenzeichen="AZ-X",
        last_name="Karimi",
        first_name="Sara",
        birth_date=dt.date(2000, 1, 1),
        sex="w",
        assignment_date=dt.date(2024, 1, 1),
    )
    consent = give_consent(world.owner, other_visible, "datenverarbeitung", dt.date(2024, 2, 1))
    client.force_login(world.owner)
    response = client.post(
        reverse("clients:consent_revoke", args=[world.client.code, consent.pk]),
        {"revoked_on": "2025-01-10"},
    )
    assert response.status_code == 404


def test_consents_panel_lists_revoked_consents_and_offers_revoke_for_active_ones(world):
    active = give_consent(
        world.owner, world.client, "jobcenter", dt.date(2024, 3, 5), ["arbeit"], "Lebenslauf"
    )
    revoked = give_consent(world.owner, world.client, "datenverarbeitung", dt.date(2024, 3, 1))
    revoke_consent(world.owner, revoked, dt.date(2024, 6, 1))
    request = RequestFactory().get("/")
    request.user = world.owner

    html = render_to_string(
        "clients/_consents.html",
        {"client": world.client, "today": dt.date(2025, 1, 1), "user": world.owner},
        request=request,
    )
    assert "Lebenslauf" in html
    assert "Arbeit und Ausbildung" in html
    assert "01.06.2024" in html
    assert reverse("clients:consent_revoke", args=[world.client.code, active.pk]) in html
    assert reverse("clients:consent_revoke", args=[world.client.code, revoked.pk]) not in html


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["office", "municipality_user", "rp_user", "admin"])
def test_roles_without_case_work_cannot_open_the_create_form(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(CREATE_URL).status_code == 404
    assert client.post(CREATE_URL, person(world)).status_code == 404


def test_outsider_cannot_create_a_person_in_a_municipality_he_does_not_serve(world, client):
    client.force_login(world.outsider)
    response = client.post(CREATE_URL, person(world, manager=""))
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert not Client.objects.filter(aktenzeichen="AZ-NEU-1").exists()


@pytest.mark.parametrize("persona", ["outsider", "office", "municipality_user", "rp_user", "admin"])
def test_outsiders_get_404_on_edit_and_consents(world, client, persona):
    consent = give_consent(world.owner, world.client, "datenverarbeitung", dt.date(2024, 3, 5))
    code = world.client.code
    client.force_login(getattr(world, persona))

    assert client.get(reverse("clients:edit", args=[code])).status_code == 404
    assert (
        client.post(reverse("clients:edit", args=[code]), edit_data(world.client)).status_code
        == 404
    )
    response = client.post(
        reverse("clients:consent_add", args=[code]),
        {"kind": "datenverarbeitung", "given_on": "2024-03-05"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("clients:consent_revoke", args=[code, consent.pk]), {"revoked_on": "2025-01-10"}
    )
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_on is None
    assert Consent.objects.count() == 1


# --- countries --------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["SYR", "AFG", "UKR", "ERI", "XXA", "XXX", "XKX", "PSE", "TWN"])
def test_nationalities_of_refugees_are_valid_codes(code):
    assert is_valid_alpha3(code)


@pytest.mark.parametrize("code", ["ABC", "", "SY", "SYRI"])
def test_unknown_codes_are_not_valid(code):
    assert not is_valid_alpha3(code)


def test_country_list_covers_the_un_members_and_sorts_umlauts_as_german():
    assert len(COUNTRIES) >= 193 + 5
    names = [name for _, name in country_choices()]
    assert names.index("Ägypten") < names.index("Albanien")
    assert COUNTRIES["DEU"] == "Deutschland"
