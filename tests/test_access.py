"""One scoping mechanism decides what each role sees; outside the scope is a 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from clients.models import Client
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Municipality, ProviderArea, Role
from tests.factories import ClientFactory, MunicipalityFactory, StaffMemberFactory, TeamFactory


def visible_clients(user) -> set[str]:
    return set(Client.objects.visible_to(user).values_list("last_name", flat=True))


def test_manager_sees_clients_of_the_municipalities_his_provider_serves(world):
    assert visible_clients(world.owner) == {"Haddad"}


def test_manager_cannot_see_client_of_other_provider(world):
    assert visible_clients(world.outsider) == {"Petrenko"}


def test_team_lead_sees_only_his_teams_region(world):
    third_town = MunicipalityFactory(landkreis=world.landkreis, name="Dorf", ags="08999003")
    ProviderArea.objects.create(
        provider=world.provider, municipality=third_town, valid_from=dt.date(2020, 1, 1)
    )
    ClientFactory(municipality=third_town, last_name="Ahmadi")
    other_team = TeamFactory(provider=world.provider, name="Team Süd")
    other_team.municipalities.add(third_town)

    assert visible_clients(world.colleague) == {"Haddad"}
    assert visible_clients(world.owner) == {"Haddad", "Ahmadi"}


@pytest.mark.parametrize("persona", ["office", "municipality_user", "rp_user", "admin", "vu_user"])
def test_roles_without_case_work_see_no_client_in_person(world, persona):
    assert visible_clients(getattr(world, persona)) == set()


def test_provider_change_on_first_january_moves_visibility(world, settings):
    area = ProviderArea.objects.get(municipality=world.town)
    area.valid_until = dt.date(2025, 12, 31)
    area.save()
    ProviderArea.objects.create(
        provider=world.other_provider, municipality=world.town, valid_from=dt.date(2026, 1, 1)
    )
    on_old = scope_for(world.owner).served_municipality_ids(dt.date(2025, 6, 1))
    on_new = scope_for(world.owner).served_municipality_ids(dt.date(2026, 6, 1))
    assert list(on_old) == [{"municipality_id": world.town.pk}]
    assert list(on_new) == []


def test_municipality_user_sees_only_his_municipality(world):
    names = set(
        Municipality.objects.visible_to(world.municipality_user).values_list("name", flat=True)
    )
    assert names == {"Altstadt"}


def test_office_sees_all_municipalities_of_its_kreis_but_not_others(world):
    MunicipalityFactory(name="Fremdgemeinde", ags="08111001")
    names = set(Municipality.objects.visible_to(world.office).values_list("name", flat=True))
    assert names == {"Altstadt", "Neustadt"}


def test_rp_sees_kreise_of_its_region_only(world):
    from tests.factories import LandkreisFactory, RegierungspraesidiumFactory

    LandkreisFactory(
        name="Ortenaukreis",
        regierungspraesidium=RegierungspraesidiumFactory(name="Regierungspräsidium Freiburg"),
    )
    kreise = Landkreis.objects.filter(scope_for(world.rp_user).landkreis_q())
    assert list(kreise.values_list("name", flat=True)) == ["Landkreis Testkreis"]


def test_user_without_staff_row_has_no_role(db):
    from tests.factories import UserFactory

    assert scope_for(UserFactory()).role is None


def test_staff_member_takes_kreis_from_provider(world):
    staff = StaffMemberFactory(provider=world.provider, role=Role.MANAGER)
    assert staff.landkreis == world.landkreis


@pytest.mark.parametrize(
    "persona", ["outsider", "office", "municipality_user", "rp_user", "admin", "vu_user"]
)
def test_client_page_answers_404_to_everyone_outside_the_scope(world, client, persona):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("clients:detail", args=[world.client.code]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["owner", "colleague"])
def test_client_page_opens_for_owner_and_team_lead(world, client, persona):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("clients:detail", args=[world.client.code]))
    assert response.status_code == 200
    assert world.client.aktenzeichen in response.content.decode()


def test_missing_and_foreign_client_look_the_same(world, client):
    import uuid

    client.force_login(world.outsider)
    foreign = client.get(reverse("clients:detail", args=[world.client.code]))
    missing = client.get(reverse("clients:detail", args=[uuid.uuid4()]))
    assert foreign.status_code == missing.status_code == 404

    def without_csrf_token(response) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert without_csrf_token(foreign) == without_csrf_token(missing)


def test_client_list_shows_only_visible_clients(world, client):
    client.force_login(world.outsider)
    content = client.get(reverse("clients:list")).content.decode()
    assert "Petrenko" in content
    assert "Haddad" not in content


def test_client_list_requires_login(world, client):
    response = client.get(reverse("clients:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona,text",
    [
        ("owner", "Meine Fälle"),
        ("colleague", "Team Nord"),
        ("office", "Koordinierungsstelle Landkreis Testkreis"),
        ("municipality_user", "Altstadt"),
        ("rp_user", "Kreise im Regierungsbezirk"),
        ("admin", "Administration"),
        ("vu_user", "Übergabe aus der vorläufigen Unterbringung"),
    ],
)
def test_each_role_gets_its_home_page(world, client, persona, text):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_office_home_shows_counts_not_names(world, client):
    client.force_login(world.office)
    content = client.get(reverse("home")).content.decode()
    assert "Haddad" not in content
    assert "Petrenko" not in content


def test_home_page_query_count_does_not_grow_with_caseload(
    world, client, django_assert_max_num_queries
):
    ClientFactory.create_batch(30, municipality=world.town, manager=world.owner)
    client.force_login(world.owner)
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


@pytest.mark.parametrize("persona", ["owner", "office", "municipality_user", "rp_user", "vu_user"])
def test_django_admin_is_closed_to_non_administrators(world, client, persona):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("admin:organisation_municipality_changelist"))
    # A 404 like any page outside the user's scope (issue 13, item 6; it was a login redirect).
    assert response.status_code == 404


def test_administrator_edits_organisation_in_django_admin(world, client):
    client.force_login(world.admin)
    for name in ["municipality", "provider", "providerarea", "team", "staffmember", "landkreis"]:
        assert client.get(reverse(f"admin:organisation_{name}_changelist")).status_code == 200
