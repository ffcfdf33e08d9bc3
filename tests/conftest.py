"""Shared fixtures: a small Kreis and the three personas of every access test.

- ``owner``: the integration manager whose provider serves the client's municipality;
- ``colleague``: the team lead of the owner's team, who may see the same client;
- ``outsider``: a manager of another provider in the same Kreis, who must get a 404.

Further roles: ``office``, ``municipality_user``, ``rp_user``, ``admin`` and ``vu_user`` (the
social worker of the vorläufige Unterbringung, who may only hand persons over).

The clock: ``--today=YYYY-MM-DD`` runs the whole suite as if the real clock showed that day.
A test whose expectations depend on "today" states its day with ``@pytest.mark.today(...)``
(no argument: ``tests.factories.TODAY``); the clock then stands at 10:00 Berlin time on that
day and ticks on, whatever ``--today`` says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from imcase.organisation.models import Provider, Role
from tests.factories import (
    TODAY,
    ClientFactory,
    LandkreisFactory,
    MunicipalityFactory,
    ProviderAreaFactory,
    ProviderFactory,
    StaffMemberFactory,
    TeamFactory,
    UserFactory,
)

BERLIN = ZoneInfo("Europe/Berlin")


def _morning_of(day: dt.date | str) -> dt.datetime:
    """10:00 Berlin time: far from midnight, so UTC and local dates agree."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=BERLIN)


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        type=dt.date.fromisoformat,
        default=None,
        help="run the suite as if the clock showed this day (10:00 Berlin time, ticking)",
    )


def pytest_configure(config):
    today = config.getoption("today", default=None)
    if today is None:
        return
    # Started before any test and stopped after the last one, so that Django's live server
    # thread in the browser tests sees the same day; ``today``-marked tests travel on from here.
    traveller = time_machine.travel(_morning_of(today), tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    today = config.getoption("today", default=None)
    return f"clock: as of {today:%Y-%m-%d} (--today)" if today else None


@pytest.fixture(autouse=True)
def _pinned_day(request):
    """Set the clock to the day a ``today`` marker names (10:00 Berlin time, ticking on).

    Autouse, so it runs before the fixtures a test asks for and their data sees the day too.
    """
    marker = request.node.get_closest_marker("today")
    if marker is None:
        yield
        return
    day = marker.args[0] if marker.args else TODAY
    with time_machine.travel(_morning_of(day), tick=True):
        yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production uses whitenoise's manifest storage, which needs collectstatic first; tests
    # serve the vendored files straight from static/ instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_truncate_triggers():
    # Tests with committed data (live server, a second connection) end with Django's flush:
    # one TRUNCATE of every table, which the append-only tables' triggers refuse. The test
    # database's superuser lets that one statement pass with triggers off for its own
    # transaction; outside the tests only a superuser could do the same.
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        return ["SET LOCAL session_replication_role = replica", *statements]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


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
    vu_user: object = None


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
    vu_user = _staff(
        "vu", role=Role.VU, provider=None, landkreis=landkreis, vza=None, qualification=""
    )
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
        vu_user=vu_user,
    )
