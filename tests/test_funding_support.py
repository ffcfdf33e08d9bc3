"""Shared set-up of the funding tests (no tests here): a funding year 2025 for the world's Kreis
with persons assigned in and around the Betrachtungszeitraum 01.01.2020–31.12.2022."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.test import Client as HttpClient

from clients.models import Client
from funding.models import FundingYear
from imcase.organisation.models import Role
from tests.factories import (
    ClientFactory,
    FundingYearFactory,
    MunicipalityFactory,
    StaffMemberFactory,
    UserFactory,
)

ZUWEISUNG = Client.ArrivalKind.ZUWEISUNG
NACHZUG = Client.ArrivalKind.FAMILIENNACHZUG
GEBURT = Client.ArrivalKind.GEBURT


@dataclass
class Funding:
    year: FundingYear
    town_persons: list[Client]  # Altstadt: counted
    other_persons: list[Client]  # Neustadt: counted
    other_user: object  # the municipality user of Neustadt


def http(user) -> HttpClient:
    client = HttpClient()
    client.force_login(user)
    return client


def make_funding(world) -> Funding:
    """Altstadt: three persons in the period (the first and last day included, one by family
    reunification); outside it: one assigned the day before, one born in AU, the world's client
    (2024). Neustadt: two persons. Another Kreis: one person that never counts."""
    year = FundingYearFactory(landkreis=world.landkreis)
    town_persons = [
        ClientFactory(
            municipality=world.town,
            last_name="Haddad",
            first_name="Yusuf",
            assignment_date=dt.date(2020, 1, 1),
            birth_date=dt.date(1985, 4, 2),
        ),
        ClientFactory(
            municipality=world.town,
            last_name="Haddad",
            first_name="Rania",
            arrival_kind=NACHZUG,
            assignment_date=dt.date(2022, 12, 31),
            birth_date=dt.date(1987, 9, 14),
        ),
        ClientFactory(
            municipality=world.town,
            last_name="Osman",
            first_name="Abdi",
            assignment_date=dt.date(2021, 6, 15),
            birth_date=dt.date(1979, 1, 30),
        ),
    ]
    ClientFactory(municipality=world.town, last_name="Früh", assignment_date=dt.date(2019, 12, 31))
    ClientFactory(
        municipality=world.town,
        last_name="Geboren",
        arrival_kind=GEBURT,
        assignment_date=dt.date(2021, 3, 3),
    )
    other_persons = [
        ClientFactory(
            municipality=world.other_town,
            last_name="Kovalenko",
            assignment_date=dt.date(2022, 3, 1),
        ),
        ClientFactory(
            municipality=world.other_town, last_name="Bondar", assignment_date=dt.date(2022, 4, 1)
        ),
    ]
    ClientFactory(municipality=MunicipalityFactory(), assignment_date=dt.date(2021, 1, 1))
    other_user = UserFactory(username="gemeinde_neustadt", email="hauptamt@neustadt.example")
    StaffMemberFactory(
        user=other_user,
        role=Role.MUNICIPALITY,
        provider=None,
        municipality=world.other_town,
        vza=None,
    )
    return Funding(year, town_persons, [*other_persons], other_user)


def persona(world, funding: Funding, name: str):
    """A user by persona name; ``other_municipality`` is Neustadt's municipality user."""
    if name == "other_municipality":
        return funding.other_user
    if name == "other_office":
        other_kreis_office = UserFactory(username="office_elsewhere")
        StaffMemberFactory(user=other_kreis_office, role=Role.OFFICE)
        return other_kreis_office
    return getattr(world, name)
