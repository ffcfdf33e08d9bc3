"""A municipality or the Landkreis passes IM to a Träger der freien Wohlfahrtspflege (Nr. 3.2
VwV IntM): a decision of its own kind, naming the organisation, confirmed like the others and
setting the provider from 1 January."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from funding.models import Decision
from funding.services import decisions as services
from imcase.errors import ServiceError
from imcase.organisation.models import Provider, Role
from tests.factories import (
    TODAY,
    FundingYearFactory,
    ProviderFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.test_funding_support import http

pytestmark = pytest.mark.today

NEXT = TODAY.year + 1
JAN_1 = dt.date(NEXT, 1, 1)
DEC_31 = dt.date(NEXT - 1, 12, 31)
CARITAS = {
    "mode": Decision.Mode.WOHLFAHRT,
    "organisation": "Caritasverband Testkreis e. V.",
    "passed_by": Decision.PassedBy.MUNICIPALITY,
}


@pytest.fixture
def year(world):
    return FundingYearFactory(landkreis=world.landkreis, year=NEXT)


def test_confirming_a_welfare_decision_sets_the_organisation_from_1_january(world, year):
    client = http(world.municipality_user)
    response = client.post(reverse("funding:decision_record", args=[NEXT]), CARITAS)
    decision = Decision.objects.get(municipality=world.town)
    assert response.status_code == 302
    assert decision.summary() == (
        "durch Caritasverband Testkreis e. V. (freier Träger, übertragen durch die Gemeinde)"
    )

    response = http(world.office).post(
        reverse("funding:decision_confirm", args=[decision.code]), {"version": decision.version}
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.CONFIRMED
    provider = decision.provider
    assert (provider.kind, provider.name, provider.seat) == (
        Provider.Kind.WOHLFAHRT,
        "Caritasverband Testkreis e. V.",
        None,
    )
    assert world.town.provider_on(JAN_1) == provider
    assert world.town.provider_on(DEC_31) == world.provider
    html = http(world.office).get(response["Location"]).content.decode()
    assert "Träger ab 1. Januar" in html and "Caritasverband Testkreis e. V." in html


def test_an_existing_welfare_provider_of_the_same_name_is_reused(world, year):
    caritas = ProviderFactory(
        landkreis=world.landkreis,
        name="Caritasverband Testkreis e. V.",
        kind=Provider.Kind.WOHLFAHRT,
    )
    decision = services.record_decision(
        world.municipality_user, year, {**CARITAS, "passed_by": Decision.PassedBy.LANDKREIS}
    )

    confirmed = services.confirm_decision(world.office, decision, decision.version)

    assert confirmed.provider == caritas
    assert "übertragen durch den Landkreis" in confirmed.summary()


def test_a_welfare_decision_needs_the_organisation_and_who_passes_it(world, year):
    with pytest.raises(ServiceError) as refused:
        services.record_decision(world.municipality_user, year, {"mode": "wohlfahrt"})

    assert set(refused.value.message_dict) == {"organisation", "passed_by"}


def test_the_form_shows_german_errors_and_keeps_the_input(world, year):
    response = http(world.municipality_user).post(
        reverse("funding:decision_record", args=[NEXT]),
        {"mode": "wohlfahrt", "note": "Kreistag berät im Juni", "passed_by": "municipality"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte geben Sie den Träger der freien Wohlfahrtspflege an" in html
    assert "Kreistag berät im Juni" in html
    assert not Decision.objects.exists()


def test_fields_of_other_modes_clear_the_organisation(world, year):
    decision = services.record_decision(world.municipality_user, year, CARITAS)
    decision = services.record_decision(
        world.municipality_user, year, {"mode": "landkreis", **{"organisation": "x"}}, 1
    )

    assert (decision.organisation, decision.passed_by) == ("", "")


def test_an_outsider_gets_a_404_for_a_welfare_decision(world, year):
    decision = services.record_decision(world.municipality_user, year, CARITAS)

    for user in (world.outsider, world.owner):
        response = http(user).get(reverse("funding:decision", args=[decision.code]))
        assert response.status_code == 404


# --- the Landkreis passes its own task ------------------------------------------------------


def test_the_landkreis_passes_its_task_for_a_town_and_confirms_it(world, year):
    client = http(world.office)
    overview = client.get(reverse("funding:decisions_year", args=[NEXT])).content.decode()
    assert "Aufgabe für Altstadt an freien Träger übertragen" in overview
    url = reverse("funding:decision_welfare", args=[NEXT, world.town.ags])

    response = client.post(url, {"organisation": "DRK-Kreisverband Testkreis"})

    decision = Decision.objects.get(municipality=world.town)
    assert response.status_code == 302
    assert (decision.mode, decision.passed_by, decision.recorded_by) == (
        Decision.Mode.WOHLFAHRT,
        Decision.PassedBy.LANDKREIS,
        world.office,
    )
    confirmed = services.confirm_decision(world.office, decision, decision.version)
    assert world.town.provider_on(JAN_1) == confirmed.provider
    assert confirmed.provider.kind == Provider.Kind.WOHLFAHRT
    # The municipality sees what was decided for it.
    html = http(world.municipality_user).get(reverse("funding:decision", args=[decision.code]))
    assert "DRK-Kreisverband Testkreis (freier Träger, übertragen durch den Landkreis)" in (
        html.content.decode()
    )


def test_the_landkreis_form_shows_german_errors_and_keeps_the_input(world, year):
    response = http(world.office).post(
        reverse("funding:decision_welfare", args=[NEXT, world.town.ags]),
        {"note": "Kreistag 14.03."},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte geben Sie den Träger der freien Wohlfahrtspflege an" in html
    assert "Kreistag 14.03." in html
    assert not Decision.objects.exists()


def test_the_landkreis_cannot_pass_a_task_the_town_runs_itself(world, year):
    services.record_decision(world.municipality_user, year, {"mode": "eigenregie"})

    with pytest.raises(ServiceError, match="nur seine eigene Aufgabe"):
        services.pass_to_welfare(
            world.office, year, world.town, {"organisation": "AWO Testkreis"}, 1
        )


@pytest.mark.parametrize("who", ["municipality_user", "owner", "colleague", "outsider", "rp_user"])
def test_passing_the_landkreis_task_is_a_404_outside_the_office(world, year, who):
    response = http(getattr(world, who)).post(
        reverse("funding:decision_welfare", args=[NEXT, world.town.ags]),
        {"organisation": "AWO Testkreis"},
    )

    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_the_office_of_another_kreis_cannot_pass_the_task(world, year):
    other = UserFactory(username="office_elsewhere")
    StaffMemberFactory(user=other, role=Role.OFFICE)

    response = http(other).post(
        reverse("funding:decision_welfare", args=[NEXT, world.town.ags]),
        {"organisation": "AWO Testkreis"},
    )

    assert response.status_code == 404
