"""No existence oracles on the person form (issue 13, item 4).

An Aktenzeichen or household key taken by a record the user may not see is refused with words
that confirm nothing, exactly like a reserved value, and the coordinating office is told; a
clash with a record the user may see keeps the helpful message with the link.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from clients.forms.client import (
    AKTENZEICHEN_REFUSED,
    AKTENZEICHEN_TAKEN,
    HOUSEHOLD_KEY_REFUSED,
    HOUSEHOLD_KEY_TAKEN,
)
from clients.models import Client, Household
from clients.services import HOUSEHOLD_CLASH, RECORD_CLASH
from imcase.alerts.models import Alert
from imcase.alerts.registry import CHECKS, label_for
from imcase.alerts.services import run_deadline_checks
from imcase.organisation.models import StaffMember
from tests.factories import TODAY

CREATE_URL = reverse("clients:create")
pytestmark = pytest.mark.today


def outsiders_person(world, **overrides) -> dict:
    """A new person as the outsider (manager of the other provider) would enter it."""
    data = {
        "aktenzeichen": "AZ-NEU-7",
        "last_name": "Rahimi",
        "first_name": "Farid",
        "birth_date": "1988-02-10",
        "sex": "m",
        "nationality": "AFG",
        "languages": "Dari",
        "residence_status": "schutzstatus",
        "household_mode": "none",
        "household_key": "",
        "household_role": "bezugsperson",
        "municipality": world.other_town.pk,
        "arrival_kind": "zuweisung",
        "assignment_date": "2024-03-01",
        "manager": world.outsider.pk,
        "opened_on": "2024-03-05",
    }
    data.update(overrides)
    return data


def field_errors(content: str, field: str) -> list[str]:
    """The error texts crispy renders under one field."""
    return re.findall(rf'<[^>]+id="error_\d+_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', content)


def without_tokens(content: str, *typed: str) -> str:
    """The page with what differs between two requests anyway: CSRF tokens, typed values."""
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)
    for value in typed:
        content = content.replace(value, "<eingabe>")
    return content


def clash_alerts(kind: str = RECORD_CLASH) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind))


@pytest.fixture
def shared_household(world) -> Household:
    """A household of the owner's client, which the outsider may not see."""
    household = Household.objects.create(landkreis=world.landkreis, key="HH-HADDAD")
    world.client.household = household
    world.client.save()
    return household


# --- the Aktenzeichen -----------------------------------------------------------------------


def test_outsider_gets_a_neutral_refusal_for_an_aktenzeichen_of_another_provider(world, client):
    client.force_login(world.outsider)
    response = client.post(
        CREATE_URL, outsiders_person(world, aktenzeichen=world.client.aktenzeichen)
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert field_errors(content, "aktenzeichen") == [AKTENZEICHEN_REFUSED]
    assert "bereits vergeben" not in content
    assert "Haddad" not in content
    assert str(world.client.code) not in content
    assert 'value="Rahimi"' in content  # the form keeps what was typed
    assert not Client.objects.filter(last_name="Rahimi").exists()
    assert Client.objects.filter(aktenzeichen=world.client.aktenzeichen).count() == 1


def test_taken_and_reserved_aktenzeichen_get_the_identical_answer(world, client):
    """The page for "a person of another provider has it" and for "reserved" is the same,
    down to the last byte apart from the typed value and the CSRF token."""
    client.force_login(world.outsider)
    taken = world.client.aktenzeichen
    reserved = "anonymisiert-4711"  # the form of an anonymised case's pseudonym; no such record
    assert not Client.objects.filter(aktenzeichen=reserved).exists()

    first = client.post(CREATE_URL, outsiders_person(world, aktenzeichen=taken))
    second = client.post(CREATE_URL, outsiders_person(world, aktenzeichen=reserved))

    first_page, second_page = first.content.decode(), second.content.decode()
    assert field_errors(first_page, "aktenzeichen") == field_errors(second_page, "aktenzeichen")
    assert field_errors(first_page, "aktenzeichen") == [AKTENZEICHEN_REFUSED]
    assert first.status_code == second.status_code == 200
    assert without_tokens(first_page, taken) == without_tokens(second_page, reserved)
    assert not Client.objects.filter(last_name="Rahimi").exists()


def test_clash_alerts_the_coordinating_office_with_no_more_than_it_may_see(world, client):
    client.force_login(world.outsider)
    client.post(CREATE_URL, outsiders_person(world, aktenzeichen=world.client.aktenzeichen))

    (alert,) = clash_alerts()
    assert alert.recipient == world.office
    assert alert.status == Alert.Status.OPEN
    assert alert.due_date == alert.created_on == TODAY
    assert alert.subject == world.client
    assert alert.link == ""  # the office may not open a person's page
    message = alert.message
    assert world.client.aktenzeichen in message
    assert "Outsider" in message and world.other_provider.name in message
    assert "16.11.2026" in message and "beim Anlegen" in message
    # Nothing of the person and not who counsels him.
    for secret in ("Haddad", "Amina", world.provider.name, world.town.name, "1990"):
        assert secret not in message


def test_reserved_aktenzeichen_alerts_nobody(world, client):
    client.force_login(world.outsider)
    client.post(CREATE_URL, outsiders_person(world, aktenzeichen="Anonymisiert-12"))

    assert not Alert.objects.exists()


def test_office_sees_the_clash_in_its_list_and_marks_it_done(world, client):
    client.force_login(world.outsider)
    client.post(CREATE_URL, outsiders_person(world, aktenzeichen=world.client.aktenzeichen))
    client.force_login(world.office)

    page = client.get(reverse("alerts:list")).content.decode()
    (alert,) = clash_alerts()
    assert "Aktenzeichen-Konflikt bei Neuanlage" in page
    assert world.client.aktenzeichen in page and "Outsider" in page
    assert "16.11.2026" in page
    assert "klären Sie mit dem anfragenden Träger" in page
    assert "Haddad" not in page

    client.post(reverse("alerts:done", args=[alert.code]))
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DONE


def test_repeated_attempt_on_the_same_day_keeps_one_alert_and_reopens_it(world, client):
    client.force_login(world.outsider)
    data = outsiders_person(world, aktenzeichen=world.client.aktenzeichen)
    client.post(CREATE_URL, data)
    Alert.objects.filter(kind=RECORD_CLASH).update(status=Alert.Status.DONE)

    client.post(CREATE_URL, data)

    (alert,) = clash_alerts()
    assert alert.status == Alert.Status.OPEN and alert.done_at is None


def test_clash_alerts_every_office_user_of_the_kreis_only(world, client):
    second_office = StaffMember.objects.get(user=world.office)
    second_office.pk = None
    second_office.user = type(world.office).objects.create(username="office2", is_active=True)
    second_office.save()
    client.force_login(world.outsider)

    client.post(CREATE_URL, outsiders_person(world, aktenzeichen=world.client.aktenzeichen))

    assert {a.recipient.username for a in clash_alerts()} == {"office", "office2"}


def test_without_an_office_nothing_is_stored_and_the_answer_is_the_same(world, client):
    StaffMember.objects.filter(user=world.office).delete()
    client.force_login(world.outsider)

    response = client.post(
        CREATE_URL, outsiders_person(world, aktenzeichen=world.client.aktenzeichen)
    )

    assert field_errors(response.content.decode(), "aktenzeichen") == [AKTENZEICHEN_REFUSED]
    assert not Alert.objects.exists()


def test_clash_alert_survives_the_nightly_run(world, client):
    client.force_login(world.outsider)
    client.post(CREATE_URL, outsiders_person(world, aktenzeichen=world.client.aktenzeichen))

    run_deadline_checks(TODAY)

    (alert,) = clash_alerts()
    assert alert.status == Alert.Status.OPEN


def test_clash_kinds_have_german_labels_and_are_no_nightly_checks():
    assert label_for(RECORD_CLASH) == "Aktenzeichen-Konflikt bei Neuanlage"
    assert label_for(HOUSEHOLD_CLASH) == "Haushaltsschlüssel-Konflikt bei Neuanlage"
    assert RECORD_CLASH not in CHECKS and HOUSEHOLD_CLASH not in CHECKS


def test_visible_clash_keeps_the_helpful_message_with_a_link(world, client):
    client.force_login(world.owner)
    data = outsiders_person(
        world,
        aktenzeichen=world.client.aktenzeichen,
        municipality=world.town.pk,
        manager=world.owner.pk,
    )

    response = client.post(CREATE_URL, data)

    content = response.content.decode()
    (error,) = field_errors(content, "aktenzeichen")
    assert error.startswith(AKTENZEICHEN_TAKEN)
    assert f'href="{reverse("clients:detail", args=[world.client.code])}"' in error
    assert "Haddad, Amina öffnen" in error
    assert AKTENZEICHEN_REFUSED not in content
    assert not Alert.objects.exists()
    assert not Client.objects.filter(last_name="Rahimi").exists()


def test_team_lead_gets_the_neutral_refusal_for_a_client_outside_his_region(world, client):
    """Same provider, another team's municipality: the team lead may not see that person."""
    from tests.factories import ClientFactory, MunicipalityFactory, ProviderAreaFactory

    village = MunicipalityFactory(landkreis=world.landkreis, name="Dorf", ags="08999003")
    ProviderAreaFactory(provider=world.provider, municipality=village)
    elsewhere = ClientFactory(municipality=village, last_name="Jusufi")
    client.force_login(world.colleague)

    response = client.post(
        CREATE_URL,
        outsiders_person(
            world,
            aktenzeichen=elsewhere.aktenzeichen,
            municipality=world.town.pk,
            manager=world.owner.pk,
        ),
    )

    assert field_errors(response.content.decode(), "aktenzeichen") == [AKTENZEICHEN_REFUSED]
    assert clash_alerts()[0].subject == elsewhere


def test_changing_the_aktenzeichen_to_a_hidden_one_is_refused_neutrally_too(world, client):
    other = world.other_client
    client.force_login(world.outsider)
    data = outsiders_person(
        world,
        aktenzeichen=world.client.aktenzeichen,
        last_name=other.last_name,
        first_name=other.first_name,
        birth_date=other.birth_date.isoformat(),
        version=other.version,
    )

    response = client.post(reverse("clients:edit", args=[other.code]), data)

    assert field_errors(response.content.decode(), "aktenzeichen") == [AKTENZEICHEN_REFUSED]
    other.refresh_from_db()
    assert other.aktenzeichen != world.client.aktenzeichen
    (alert,) = clash_alerts()
    assert "beim Ändern" in alert.message


def test_unchanged_pseudonym_of_an_anonymised_case_may_be_kept_on_edit(world, client):
    Client.objects.filter(pk=world.other_client.pk).update(aktenzeichen="anonymisiert-9")
    other = Client.objects.get(pk=world.other_client.pk)
    client.force_login(world.outsider)
    data = outsiders_person(
        world,
        aktenzeichen="anonymisiert-9",
        last_name="Petrenko",
        first_name=other.first_name,
        birth_date=other.birth_date.isoformat(),
        version=other.version,
    )

    response = client.post(reverse("clients:edit", args=[other.code]), data)

    assert response.status_code == 302


# --- the household key ----------------------------------------------------------------------


def test_outsider_gets_a_neutral_refusal_for_a_household_key_of_another_provider(
    world, client, shared_household
):
    client.force_login(world.outsider)
    response = client.post(
        CREATE_URL, outsiders_person(world, household_mode="new", household_key="HH-HADDAD")
    )

    content = response.content.decode()
    assert field_errors(content, "household_key") == [HOUSEHOLD_KEY_REFUSED]
    assert "gibt es im Kreis bereits" not in content
    assert 'value="HH-HADDAD"' in content and 'value="Rahimi"' in content
    assert not Client.objects.filter(last_name="Rahimi").exists()
    (alert,) = clash_alerts(HOUSEHOLD_CLASH)
    assert alert.recipient == world.office
    assert alert.subject == shared_household
    assert "HH-HADDAD" in alert.message and world.other_provider.name in alert.message
    assert "Haddad," not in alert.message and world.provider.name not in alert.message


def test_household_key_of_another_provider_reads_like_an_unknown_existing_one(
    world, client, shared_household
):
    """Joining: "no such household in your scope" whether it exists elsewhere or nowhere."""
    client.force_login(world.outsider)
    elsewhere = client.post(
        CREATE_URL,
        outsiders_person(world, household_mode="existing", household_key="HH-HADDAD"),
    )
    nowhere = client.post(
        CREATE_URL,
        outsiders_person(world, household_mode="existing", household_key="HH-NIRGENDS"),
    )

    assert field_errors(elsewhere.content.decode(), "household_key") == field_errors(
        nowhere.content.decode(), "household_key"
    )


def test_visible_household_key_keeps_the_helpful_message(world, client, shared_household):
    client.force_login(world.owner)
    response = client.post(
        CREATE_URL,
        outsiders_person(
            world,
            household_mode="new",
            household_key="HH-HADDAD",
            municipality=world.town.pk,
            manager=world.owner.pk,
        ),
    )

    assert field_errors(response.content.decode(), "household_key") == [HOUSEHOLD_KEY_TAKEN]
    assert not Alert.objects.exists()


def test_free_values_create_the_person_and_no_alert(world, client):
    client.force_login(world.outsider)
    response = client.post(
        CREATE_URL, outsiders_person(world, household_mode="new", household_key="HH-NEU-7")
    )

    assert response.status_code == 302
    assert Client.objects.get(last_name="Rahimi").household.key == "HH-NEU-7"
    assert not Alert.objects.exists()
