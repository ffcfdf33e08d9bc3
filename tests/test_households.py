"""Person management: the household page (roles, add, remove), the role by age (form and
import), and editing master data with the duplicate warning and the recomputed window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clients.households import (
    CHILD_NOT_HEAD,
    ONE_HEAD,
    default_household_role,
    set_household_roles,
)
from clients.importer import import_assignments
from clients.models import Client, Household
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError
from tests.factories import TODAY, ClientFactory, HouseholdFactory
from tests.test_client_edit import CREATE_URL, edit_data, person
from tests.test_import import HEADER_LINE, row

pytestmark = pytest.mark.today

Role = Client.HouseholdRole


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def household_url(person_obj) -> str:
    return reverse("clients:household", args=[person_obj.code])


@pytest.fixture
def family(world):
    """Haddad (Bezugsperson) with her son Sami (12) in one household."""
    household = HouseholdFactory(landkreis=world.landkreis, key="HH-HADDAD")
    Client.objects.filter(pk=world.client.pk).update(household=household)
    world.client.refresh_from_db()
    son = ClientFactory(
        municipality=world.town,
        household=household,
        household_role=Role.CHILD,
        last_name="Haddad",
        first_name="Sami",
        birth_date=dt.date(2014, 4, 1),
    )
    return household, son


def test_default_role_follows_age():
    assert default_household_role(dt.date(2010, 1, 1), TODAY, head_taken=False) == Role.CHILD
    assert default_household_role(dt.date(1980, 1, 1), TODAY, head_taken=False) == Role.HEAD
    assert default_household_role(dt.date(1980, 1, 1), TODAY, head_taken=True) == Role.OTHER
    # 18 on the day: an adult.
    assert default_household_role(dt.date(2008, 11, 16), TODAY, head_taken=False) == Role.HEAD
    assert default_household_role(dt.date(2008, 11, 17), TODAY, head_taken=False) == Role.CHILD


def test_the_form_refuses_a_child_as_bezugsperson(world, client):
    client.force_login(world.owner)
    response = client.post(
        CREATE_URL,
        person(world, birth_date="2015-01-01", assignment_date="2024-03-01"),
    )
    assert CHILD_NOT_HEAD in response.content.decode()
    assert not Client.objects.filter(aktenzeichen="AZ-NEU-1").exists()


def test_household_page_lists_members_with_roles(world, client, family):
    _, son = family
    client.force_login(world.owner)
    response = client.get(household_url(world.client))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Haddad, Sami" in content
    assert "minderjährig" in content
    assert "Neue Person in diesem Haushalt anlegen" in content


def test_set_roles_and_refuse_a_child_as_head_or_two_heads(world, client, family):
    household, son = family
    partner = ClientFactory(
        municipality=world.town, household=household, household_role=Role.OTHER, first_name="K"
    )
    client.force_login(world.owner)
    data = {
        "rollen": "1",
        f"rolle-{partner.code}": Role.PARTNER,
        f"version-{partner.code}": partner.version,
        f"rolle-{son.code}": Role.CHILD,
        f"version-{son.code}": son.version,
    }
    response = client.post(household_url(world.client), data)
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.household_role == Role.PARTNER
    assert AuditEntry.objects.filter(
        object_id=str(partner.code), detail__event="household_role"
    ).exists()

    response = client.post(
        household_url(world.client),
        {"rollen": "1", f"rolle-{son.code}": Role.HEAD, f"version-{son.code}": son.version},
    )
    assert CHILD_NOT_HEAD in response.content.decode()
    with pytest.raises(ServiceError, match=ONE_HEAD):
        set_household_roles(world.owner, [(partner, Role.HEAD, None)])
    partner.refresh_from_db()
    assert partner.household_role == Role.PARTNER


def test_a_stale_role_change_is_refused(world, client, family):
    _, son = family
    client.force_login(world.owner)
    response = client.post(
        household_url(world.client),
        {"rollen": "1", f"rolle-{son.code}": Role.OTHER, f"version-{son.code}": son.version - 1},
    )
    assert "inzwischen von jemand anderem geändert" in response.content.decode()


def test_a_member_edited_meanwhile_does_not_block_another_members_role(world, client, family):
    household, son = family
    partner = ClientFactory(municipality=world.town, household=household, household_role="sonstige")
    stale_son = son.version
    Client.objects.filter(pk=son.pk).update(version=son.version + 1)  # someone edited Sami
    client.force_login(world.owner)
    response = client.post(
        household_url(world.client),
        {
            "rollen": "1",
            f"rolle-{son.code}": Role.CHILD,
            f"version-{son.code}": stale_son,
            f"rolle-{partner.code}": Role.PARTNER,
            f"version-{partner.code}": partner.version,
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.household_role == Role.PARTNER


def test_add_an_existing_person_by_aktenzeichen_with_the_role_by_age(world, client, family):
    household, _ = family
    grandfather = ClientFactory(
        municipality=world.town, birth_date=dt.date(1950, 1, 1), aktenzeichen="AZ-OPA"
    )
    client.force_login(world.owner)
    response = client.post(
        household_url(world.client), {"hinzufuegen": "1", "neu-aktenzeichen": "AZ-OPA"}
    )
    assert response.status_code == 302
    grandfather.refresh_from_db()
    assert grandfather.household == household
    assert grandfather.household_role == Role.OTHER  # Haddad is the Bezugsperson


def test_add_a_member_to_a_person_living_alone_makes_a_new_household(world, client):
    baby = ClientFactory(
        municipality=world.town, birth_date=dt.date(2024, 6, 1), aktenzeichen="AZ-KIND"
    )
    client.force_login(world.owner)
    response = client.post(
        household_url(world.client),
        {"hinzufuegen": "1", "neu-aktenzeichen": "AZ-KIND", "neu-new_key": "HH-NEU-9"},
    )
    assert response.status_code == 302
    baby.refresh_from_db()
    world.client.refresh_from_db()
    assert baby.household == world.client.household == Household.objects.get(key="HH-NEU-9")
    assert baby.household_role == Role.CHILD


def test_a_person_of_another_provider_cannot_be_added(world, client, family):
    client.force_login(world.owner)
    response = client.post(
        household_url(world.client),
        {"hinzufuegen": "1", "neu-aktenzeichen": world.other_client.aktenzeichen},
    )
    assert response.status_code == 200
    assert "keine Person mit diesem Aktenzeichen" in response.content.decode()
    world.other_client.refresh_from_db()
    assert world.other_client.household is None


def test_remove_a_member(world, client, family):
    _, son = family
    client.force_login(world.owner)
    response = client.post(
        household_url(world.client),
        {"entfernen": str(son.code), f"version-{son.code}": son.version},
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Sami Haddad gehört nicht mehr zum Haushalt."]
    son.refresh_from_db()
    assert son.household is None
    assert son.household_role == Role.CHILD


@pytest.mark.parametrize("persona", ["outsider", "office", "municipality_user", "rp_user", "admin"])
def test_outsiders_get_404_on_the_household_page(world, client, family, persona):
    client.force_login(getattr(world, persona))
    assert client.get(household_url(world.client)).status_code == 404
    assert client.post(household_url(world.client), {"rollen": "1"}).status_code == 404


def test_new_member_link_prefills_the_household(world, client, family):
    client.force_login(world.owner)
    response = client.get(CREATE_URL, {"haushalt": "HH-HADDAD", "gemeinde": world.town.pk})
    form = response.context["form"]
    assert form.initial["household_mode"] == "existing"
    assert form.initial["household_key"] == "HH-HADDAD"
    assert form.initial["household_role"] == Role.OTHER


# --- import: role by age ------------------------------------------------------------------


def test_import_gives_household_roles_by_age(world):
    data = "\n".join(
        [
            HEADER_LINE,
            row(az="F-3", first="Sara", birth="01.01.2012", household="HH-F"),
            row(az="F-2", first="Nour", birth="01.01.1992", sex="w", household="HH-F"),
            row(az="F-1", first="Omar", birth="01.01.1985", household="HH-F"),
            row(az="F-4", first="Ali", birth="01.01.2010"),
        ]
    ).encode()
    result = import_assignments(data, landkreis=world.landkreis, today=TODAY)
    assert result.created == 4
    roles = dict(
        Client.objects.filter(aktenzeichen__startswith="F-").values_list(
            "first_name", "household_role"
        )
    )
    assert roles == {
        "Omar": Role.HEAD,
        "Nour": Role.OTHER,
        "Sara": Role.CHILD,
        "Ali": Role.CHILD,  # a child living alone is still no Bezugsperson
    }


def test_reimport_keeps_a_role_set_by_hand_but_corrects_a_child_as_head(world):
    data = "\n".join(
        [
            HEADER_LINE,
            row(az="G-1", first="Omar", birth="01.01.1985", household="HH-G"),
            row(az="G-2", first="Nour", birth="01.01.1992", sex="w", household="HH-G"),
            row(az="G-3", first="Sara", birth="01.01.2012", household="HH-G"),
        ]
    ).encode()
    import_assignments(data, landkreis=world.landkreis, today=TODAY)
    Client.objects.filter(aktenzeichen="G-2").update(household_role=Role.PARTNER)
    Client.objects.filter(aktenzeichen="G-3").update(household_role=Role.HEAD)

    result = import_assignments(data, landkreis=world.landkreis, today=TODAY)

    roles = dict(
        Client.objects.filter(aktenzeichen__startswith="G-").values_list(
            "first_name", "household_role"
        )
    )
    assert roles == {"Omar": Role.HEAD, "Nour": Role.PARTNER, "Sara": Role.CHILD}
    assert result.updated == 1


# --- editing master data --------------------------------------------------------------------


def test_edit_warns_of_a_possible_duplicate_and_saves_after_confirming(world, client):
    twin = ClientFactory(
        municipality=world.town,
        last_name="Rahimi",
        first_name="Farid",
        birth_date=dt.date(1990, 5, 17),
    )
    client.force_login(world.owner)
    url = reverse("clients:edit", args=[world.client.code])
    data = edit_data(world.client, last_name="Rahimi", first_name="Farid")

    response = client.post(url, data)
    assert response.status_code == 200
    assert "Möglicherweise gibt es diese Person schon" in response.content.decode()
    assert twin.aktenzeichen in response.content.decode()
    world.client.refresh_from_db()
    assert world.client.last_name == "Haddad"

    response = client.post(url, {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    world.client.refresh_from_db()
    assert world.client.last_name == "Rahimi"


def test_edit_without_a_name_change_shows_no_warning(world, client):
    client.force_login(world.owner)
    url = reverse("clients:edit", args=[world.client.code])
    response = client.post(url, edit_data(world.client, languages="Arabisch"))
    assert response.status_code == 302
    assert messages_of(response) == ["Die Änderungen wurden gespeichert."]


def test_edit_recomputes_the_window_and_tells_it_as_of_today(world, client):
    client.force_login(world.owner)
    url = reverse("clients:edit", args=[world.client.code])
    response = client.post(url, edit_data(world.client, assignment_date="2023-11-01"))
    assert response.status_code == 302
    world.client.refresh_from_db()
    assert world.client.window_end == dt.date(2026, 11, 1)
    assert messages_of(response) == [
        "Die Änderungen wurden gespeichert. Der Beratungszeitraum wurde neu berechnet: "
        "01.11.2023 bis 01.11.2026, Stand heute: beendet – Ausleitung fällig."
    ]


def test_edit_form_no_longer_changes_the_manager(world, client):
    client.force_login(world.owner)
    url = reverse("clients:edit", args=[world.client.code])
    client.post(url, edit_data(world.client, manager=world.colleague.pk))
    world.client.refresh_from_db()
    assert world.client.manager == world.owner
