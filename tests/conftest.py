"""Shared fixtures: a small Kreis and the three personas of every access test.

- ``owner``: the integration manager whose provider serves the client's municipality;
- ``colleague``: the team lead of the owner's team, who may see the same client;
- ``outsider``: a manager of another provider in the same Kreis, who must get a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from imcase.organisation.models import Provider, Role
from tests.factories import (
    ClientFactory,
    LandkreisFactory,
    MunicipalityFactory,
    ProviderAreaFactory,
    ProviderFactory,
    StaffMemberFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production uses whitenoise's manifest storage, which needs collectstatic first; tests
    # serve the vendored files straight from static/ instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _second_factor_optional(settings):
    # The suite runs with DEBUG=0, where REQUIRE_2FA defaults to on; the 2FA tests turn it on
    # themselves (tests/test_twofactor.py), all others sign in with the password alone.
    settings.REQUIRE_2FA = False


@dataclass
class World:
    landkreis: object
    provider: object
    other_provider: object
    town: object
    other_town: object
    team: object
    owner: object
    colleague: object
    outsider: object
    office: object
    municipality_user: object
    rp_user: object
    admin: object
    client: object
    other_client: object


def _staff(username: str, **kwargs):
    user = UserFactory(username=username, first_name=username.capitalize())
    StaffMemberFactory(user=user, **kwargs)
    return user


@pytest.fixture
def world(db) -> World:
    landkreis = LandkreisFactory(name="Landkreis Testkreis")
    provider = ProviderFactory(landkreis=landkreis, name="Landratsamt Testkreis")
    town = MunicipalityFactory(landkreis=landkreis, name="Altstadt", ags="08999001")
    other_town = MunicipalityFactory(landkreis=landkreis, name="Neustadt", ags="08999002")
    other_provider = ProviderFactory(
        landkreis=landkreis, name="Stadt Neustadt", kind=Provider.Kind.EIGENREGIE, seat=other_town
    )
    ProviderAreaFactory(provider=provider, municipality=town, valid_from=dt.date(2020, 1, 1))
    ProviderAreaFactory(
        provider=other_provider, municipality=other_town, valid_from=dt.date(2020, 1, 1)
    )
    team = TeamFactory(provider=provider, name="Team Nord")
    team.municipalities.add(town)
    owner = _staff("owner", role=Role.MANAGER, provider=provider, team=team)
    colleague = _staff("colleague", role=Role.TEAM_LEAD, provider=provider, team=team)
    outsider = _staff("outsider", role=Role.MANAGER, provider=other_provider)
    office = _staff("office", role=Role.OFFICE, provider=provider)
    municipality_user = _staff(
        "gemeinde", role=Role.MUNICIPALITY, provider=None, municipality=town, vza=None
    )
    rp_user = _staff(
        "rp",
        role=Role.RP,
        provider=None,
        regierungspraesidium=landkreis.regierungspraesidium,
        vza=None,
    )
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = ClientFactory(municipality=town, manager=owner, last_name="Haddad")
    other_client = ClientFactory(municipality=other_town, manager=outsider, last_name="Petrenko")
    return World(
        landkreis=landkreis,
        provider=provider,
        other_provider=other_provider,
        town=town,
        other_town=other_town,
        team=team,
        owner=owner,
        colleague=colleague,
        outsider=outsider,
        office=office,
        municipality_user=municipality_user,
        rp_user=rp_user,
        admin=admin,
        client=client,
        other_client=other_client,
    )
