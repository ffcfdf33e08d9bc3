"""Nightly checks of the funding procedure: person lists not returned by the deadline, on the
boundary days (``today`` passed explicitly), routed to the municipality or the office, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from funding.models import PersonList
from imcase.alerts.models import Alert
from imcase.alerts.registry import CHECKS
from imcase.alerts.services import run_deadline_checks
from imcase.organisation.models import Role, StaffMember
from tests.factories import (
    FundingYearFactory,
    LandkreisFactory,
    MunicipalityFactory,
    PersonListFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.test_funding_support import http

KINDS = ("funding_list_late", "funding_lists_late_overview")
DEADLINE = dt.date(2024, 1, 15)  # FundingYearFactory: funding year 2025


def run(today: dt.date, *kinds: str):
    return run_deadline_checks(today, checks=[CHECKS[kind] for kind in kinds or KINDS])


def open_alerts(kind: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind, status=Alert.Status.OPEN).order_by("pk"))


@pytest.fixture
def year(world):
    return FundingYearFactory(landkreis=world.landkreis, list_deadline=DEADLINE)


@pytest.fixture
def town_list(world, year) -> PersonList:
    return PersonListFactory(funding_year=year, municipality=world.town)


def test_funding_checks_are_registered_by_autodiscovery():
    assert set(KINDS) <= set(CHECKS)


# --- one list -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today,alerted", [(DEADLINE, False), (DEADLINE + dt.timedelta(days=1), True)]
)
def test_late_list_is_reported_from_the_day_after_the_deadline(world, town_list, today, alerted):
    run(today, "funding_list_late")

    alerts = open_alerts("funding_list_late")
    assert bool(alerts) is alerted
    if alerted:
        (alert,) = alerts
        assert alert.recipient == world.municipality_user
        assert alert.subject == town_list
        assert alert.due_date == DEADLINE
        assert alert.link == reverse("funding:list", args=[town_list.code])
        assert "Altstadt" in alert.message and "15.01.2024" in alert.message


def test_municipality_user_can_open_the_list_the_alert_links_to(world, town_list):
    run(dt.date(2024, 2, 1), "funding_list_late")

    (alert,) = open_alerts("funding_list_late")
    response = http(world.municipality_user).get(alert.link)

    assert response.status_code == 200


def test_late_list_of_a_municipality_without_users_goes_to_the_office(world, year):
    PersonListFactory(funding_year=year, municipality=world.other_town)

    run(dt.date(2024, 2, 1), "funding_list_late")

    assert [a.recipient for a in open_alerts("funding_list_late")] == [world.office]


def test_every_user_of_the_municipality_is_told(world, town_list):
    second = UserFactory(username="gemeinde2")
    StaffMemberFactory(
        user=second, role=Role.MUNICIPALITY, provider=None, municipality=world.town, vza=None
    )

    run(dt.date(2024, 2, 1), "funding_list_late")

    assert {a.recipient for a in open_alerts("funding_list_late")} == {
        world.municipality_user,
        second,
    }


@pytest.mark.parametrize("status", [PersonList.Status.DRAFT, PersonList.Status.SUBMITTED])
def test_list_not_sent_or_already_returned_is_not_reported(world, year, status):
    PersonListFactory(funding_year=year, municipality=world.town, status=status)

    result = run(dt.date(2024, 3, 1))

    assert result.total_created == 0


def test_returning_the_list_makes_both_alerts_obsolete(world, town_list):
    run(dt.date(2024, 2, 1))
    PersonList.objects.filter(pk=town_list.pk).update(status=PersonList.Status.SUBMITTED)

    run(dt.date(2024, 2, 2))

    assert not Alert.objects.filter(status=Alert.Status.OPEN).exists()
    assert Alert.objects.filter(status=Alert.Status.OBSOLETE).count() == 2


def test_list_reopened_after_the_deadline_reopens_its_alert(world, town_list):
    run(dt.date(2024, 2, 1), "funding_list_late")
    PersonList.objects.filter(pk=town_list.pk).update(status=PersonList.Status.SUBMITTED)
    run(dt.date(2024, 2, 2), "funding_list_late")
    PersonList.objects.filter(pk=town_list.pk).update(status=PersonList.Status.SENT)

    result = run(dt.date(2024, 2, 3), "funding_list_late")

    assert result.created["funding_list_late"] == 0
    assert result.reopened["funding_list_late"] == 1
    assert Alert.objects.get().status == Alert.Status.OPEN


# --- the office's overview ----------------------------------------------------------------


def test_office_gets_one_overview_per_funding_year(world, year, town_list):
    PersonListFactory(funding_year=year, municipality=world.other_town)
    PersonListFactory(
        funding_year=year,
        municipality=MunicipalityFactory(landkreis=world.landkreis, name="Zurückdorf"),
        status=PersonList.Status.SUBMITTED,
    )

    run(dt.date(2024, 1, 20), "funding_lists_late_overview")

    (alert,) = open_alerts("funding_lists_late_overview")
    assert alert.recipient == world.office
    assert alert.subject == year
    assert alert.due_date == DEADLINE
    assert alert.link == reverse("funding:year", args=[2025])
    assert "2 Personenlisten nicht" in alert.message
    assert "Altstadt, Neustadt" in alert.message and "Zurückdorf" not in alert.message
    assert "Stand 20.01.2024" in alert.message


def test_overview_names_at_most_eight_municipalities(world, year):
    for n in range(10):
        PersonListFactory(
            funding_year=year,
            municipality=MunicipalityFactory(landkreis=world.landkreis, name=f"Dorf {n:02d}"),
        )

    run(dt.date(2024, 2, 1), "funding_lists_late_overview")

    (alert,) = open_alerts("funding_lists_late_overview")
    assert "10 Personenlisten nicht" in alert.message
    assert "Dorf 07 und 2 weitere" in alert.message and "Dorf 08" not in alert.message


def test_office_of_another_kreis_hears_nothing(world, town_list):
    other_office = UserFactory(username="office_elsewhere")
    other_kreis = LandkreisFactory(name="Anderer Kreis")
    StaffMemberFactory(
        user=other_office, role=Role.OFFICE, provider__landkreis=other_kreis, vza=None
    )

    run(dt.date(2024, 2, 1))

    recipients = set(Alert.objects.values_list("recipient__username", flat=True))
    assert recipients == {"gemeinde", "office"}


# --- the run as a whole -------------------------------------------------------------------


def test_second_run_and_the_next_night_create_nothing_new(world, year, town_list):
    PersonListFactory(funding_year=year, municipality=world.other_town)
    first = run(dt.date(2024, 2, 1))
    stored = Alert.objects.count()

    second = run(dt.date(2024, 2, 1))
    next_night = run(dt.date(2024, 2, 2))

    # Altstadt's list to its user, Neustadt's to the office, the office's overview.
    assert first.created == {"funding_list_late": 2, "funding_lists_late_overview": 1}
    assert second.total_created == 0 and next_night.total_created == 0
    assert sum(next_night.obsolete.values()) == 0
    assert Alert.objects.count() == stored == 3


def test_list_without_anybody_to_tell_is_counted_as_unrouted(world, year, town_list):
    StaffMember.objects.filter(role__in=[Role.MUNICIPALITY, Role.OFFICE]).delete()

    result = run(dt.date(2024, 2, 1))

    assert result.unrouted == {"funding_list_late": 1, "funding_lists_late_overview": 1}
    assert not Alert.objects.exists()
