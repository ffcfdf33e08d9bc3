"""Programmes by population as in Böblingen (issue 12, item 5): applicants are the Landkreis, a
municipality or a Verbund; each reports the position it actually created (VZÄ, from when, own
funds); "Mindeststelle erreicht" follows that position, not the grant alone; money of applicants
below the minimum is shown and redistributed or marked for another purpose with a note."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding.models import PopulationApplicant
from funding.services import population as services
from imcase.errors import ServiceError
from imcase.organisation.models import Role
from tests.factories import MunicipalityFactory, StaffMemberFactory, UserFactory
from tests.test_funding_decisions import municipality_user
from tests.test_funding_support import http

SOFORTHILFE = Decimal("282709.99")
HALF = Decimal("0.50")
COST = Decimal("70000.00")
KREIS = PopulationApplicant.Kind.LANDKREIS
VERBUND = PopulationApplicant.Kind.VERBUND


@pytest.fixture
def towns(world):
    """Altstadt 50,000 and Waldheim 65,000 (the Landkreis applies for them), Neustadt 9,000
    (alone), Bergdorf 6,000 and Talheim 4,000 (Verbund Bergtal)."""
    world.town.population = 50_000
    world.town.save()
    world.other_town.population = 9_000
    world.other_town.save()
    make = MunicipalityFactory
    return {
        "altstadt": world.town,
        "neustadt": world.other_town,
        "waldheim": make(
            landkreis=world.landkreis, name="Waldheim", ags="08999003", population=65_000
        ),
        "bergdorf": make(
            landkreis=world.landkreis, name="Bergdorf", ags="08999004", population=6_000
        ),
        "talheim": make(
            landkreis=world.landkreis, name="Talheim", ags="08999005", population=4_000
        ),
    }


@pytest.fixture
def programme(world, towns):
    programme = services.create_programme(
        world.office,
        world.landkreis,
        {
            "name": "Soforthilfe Ukraine",
            "year": 2024,
            "amount": SOFORTHILFE,
            "min_vza": HALF,
            "cost_per_vza": COST,
        },
    )
    client = http(world.office)
    response = client.post(
        reverse("funding:group_applicant_add", args=[programme.code]),
        {
            "kind": KREIS,
            "members": [towns["altstadt"].pk, towns["waldheim"].pk],
            "version": programme.version,
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    services.add_applicant(world.office, programme, towns["neustadt"], programme.version)
    programme.refresh_from_db()
    services.add_group_applicant(
        world.office,
        programme,
        VERBUND,
        "Verbund Bergtal",
        [towns["bergdorf"], towns["talheim"]],
        programme.version,
    )
    programme.refresh_from_db()
    return programme


def applicant(programme, label: str) -> PopulationApplicant:
    return next(a for a in programme.applicants_with_members() if a.label == label)


def report(world, programme, label: str, **data) -> None:
    programme.refresh_from_db()
    target = applicant(programme, label)
    services.report_position(world.office, programme, target.pk, data, programme.version)
    programme.refresh_from_db()


def all_report(world, programme) -> None:
    report(
        world,
        programme,
        "Landkreis Testkreis",
        position_vza=Decimal("3.00"),
        position_from=dt.date(2024, 3, 1),
    )
    report(
        world,
        programme,
        "Neustadt",
        position_vza=HALF,
        position_from=dt.date(2024, 5, 1),
        own_funds=True,
    )
    report(world, programme, "Verbund Bergtal", position_vza=Decimal("0"))


def test_the_landkreis_and_a_verbund_apply_with_the_population_of_their_towns(world, programme):
    lines = {line.name: line for line in programme.split()}

    assert lines["Landkreis Testkreis"].population == 115_000
    assert lines["Verbund Bergtal"].population == 10_000
    assert lines["Neustadt"].population == 9_000
    assert sum(line.amount for line in lines.values()) == SOFORTHILFE
    html = http(world.office).get(reverse("funding:programme", args=[programme.code])).content
    assert "Landkreis: Altstadt, Waldheim" in html.decode()


def test_a_town_is_counted_for_one_applicant_only(world, programme, towns):
    with pytest.raises(ServiceError, match="bereits als Antragsteller"):
        services.add_applicant(world.office, programme, towns["waldheim"], programme.version)
    with pytest.raises(ServiceError) as refused:
        services.add_group_applicant(
            world.office,
            programme,
            VERBUND,
            "Verbund Nord",
            [towns["neustadt"], towns["talheim"]],
            programme.version,
        )
    assert "Bereits bei einem anderen Antragsteller gezählt: Neustadt, Talheim." in str(
        refused.value.message_dict["members"]
    )


def test_the_minimum_is_judged_from_the_position_created_not_from_the_grant(world, programme):
    all_report(world, programme)

    outcome = programme.outcome()
    results = {r.line.name: r for r in outcome.results}
    neustadt = results["Neustadt"]
    # Neustadt's grant alone pays no half position, but with own funds it created one.
    assert not neustadt.line.reaches_minimum
    assert neustadt.position_reached and neustadt.applicant.own_funds
    assert results["Landkreis Testkreis"].position_reached
    assert not results["Verbund Bergtal"].position_reached
    assert outcome.unused == results["Verbund Bergtal"].line.amount
    assert outcome.reached_count == 2
    assert outcome.position_total == Decimal("3.50")


def test_the_office_records_a_position_in_the_browser(world, programme):
    target = applicant(programme, "Neustadt")
    url = reverse("funding:applicant_position", args=[programme.code, target.pk])
    client = http(world.office)
    assert "Zuwendung laut Verteilung" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "position_vza": "0,5",
            "position_from": "2024-05-01",
            "own_funds": "on",
            "position_note": "Aufstockung der Stelle im Hauptamt",
            "version": programme.version,
        },
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.position_vza, target.position_from, target.own_funds) == (
        HALF,
        dt.date(2024, 5, 1),
        True,
    )
    html = client.get(reverse("funding:programme", args=[programme.code])).content.decode()
    assert "0,50 VZÄ ab 01.05.2024, mit Eigenmitteln" in html


def test_the_position_form_shows_german_errors_and_keeps_the_input(world, programme):
    target = applicant(programme, "Neustadt")

    response = http(world.office).post(
        reverse("funding:applicant_position", args=[programme.code, target.pk]),
        {
            "position_vza": "0,5",
            "position_note": "Stelle seit Frühjahr",
            "version": programme.version,
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte geben Sie an, ab wann die Stelle besetzt ist." in html
    assert "Stelle seit Frühjahr" in html
    target.refresh_from_db()
    assert not target.has_reported


def test_a_verbund_needs_a_name_and_the_form_keeps_the_input(world, programme, towns):
    programme.applicants.filter(kind=VERBUND).delete()

    response = http(world.office).post(
        reverse("funding:group_applicant_add", args=[programme.code]),
        {"kind": VERBUND, "members": [towns["bergdorf"].pk], "version": programme.version},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte geben Sie den Namen des Verbunds an." in html
    assert "Ein Verbund besteht aus mindestens zwei Gemeinden." in html
    assert re.search(r'value="verbund"[^>]*checked', html)
    assert re.search(rf'value="{towns["bergdorf"].pk}"[^>]*checked', html)


def test_unused_money_is_redistributed_over_those_that_reached_the_minimum(world, programme):
    all_report(world, programme)
    unused = programme.outcome().unused

    response = http(world.office).post(
        reverse("funding:programme_remainder", args=[programme.code]),
        {"use": "redistributed", "version": programme.version},
        follow=True,
    )

    programme.refresh_from_db()
    assert programme.remainder_use == "redistributed"
    assert programme.remainder_amount == unused
    shares = programme.outcome().redistribution
    assert sum(shares.values()) == unused
    assert set(shares) == {
        applicant(programme, "Neustadt").key,
        applicant(programme, "Landkreis Testkreis").key,
    }
    assert "an die Antragsteller mit Mindeststelle umverteilt" in response.content.decode()

    xlsx = http(world.office).get(reverse("funding:programme_xlsx", args=[programme.code]))
    book = load_workbook(io.BytesIO(xlsx.content))
    verteilung = {row[1]: row for row in book["Verteilung"].values}
    assert verteilung["Neustadt"][6] == "ja"  # from the position, not the grant
    assert verteilung["Verbund Bergtal"][6] == "nein"
    assert (
        verteilung["Landkreis Testkreis"][0] is None or verteilung["Landkreis Testkreis"][0] == ""
    )
    positions = {row[0]: row for row in book["Stellen"].values}
    assert positions["Neustadt"][6] == "ja"
    assert Decimal(str(positions["Verbund Bergtal"][8])) == unused
    assert Decimal(str(positions["Summe"][9])) == unused


def test_unused_money_for_another_purpose_needs_a_note(world, programme):
    all_report(world, programme)
    client = http(world.office)
    url = reverse("funding:programme_remainder", args=[programme.code])

    response = client.post(url, {"use": "other_purpose", "version": programme.version})
    assert response.status_code == 400
    assert "Bitte geben Sie an, für welchen Zweck die Mittel verwendet werden." in (
        response.content.decode()
    )

    note = "Weiterbildung „Transkulturelle Traumapädagogik“ für alle Integrationsmanager:innen"
    response = client.post(
        url, {"use": "other_purpose", "note": note, "version": programme.version}
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.remainder_note == note
    html = client.get(reverse("funding:programme", args=[programme.code])).content.decode()
    assert "für einen anderen Zweck verwendet" in html and "Traumapädagogik" in html


def test_the_remainder_waits_until_every_applicant_has_reported(world, programme):
    report(world, programme, "Verbund Bergtal", position_vza=Decimal("0"))

    with pytest.raises(ServiceError, match="alle Antragsteller ihre Stelle gemeldet"):
        services.decide_remainder(world.office, programme, "redistributed", "", programme.version)


# --- the applicants report themselves -------------------------------------------------------


def test_an_applicant_municipality_reports_its_own_position(world, programme):
    neustadt_user = municipality_user(world.other_town, "gemeinde_neustadt")
    client = http(neustadt_user)
    html = client.get(reverse("funding:applications")).content.decode()
    assert "Soforthilfe Ukraine 2024" in html and "noch nicht gemeldet" in html
    target = applicant(programme, "Neustadt")

    response = client.post(
        reverse("funding:own_position", args=[target.pk]),
        {
            "position_vza": "0,5",
            "position_from": "2024-05-01",
            "own_funds": "on",
            "version": programme.version,
        },
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.position_vza, target.own_funds) == (HALF, True)
    results = {r.line.name: r for r in programme.outcome().results}
    assert results["Neustadt"].position_reached


def test_a_member_of_a_verbund_reports_for_the_verbund(world, programme, towns):
    talheim_user = municipality_user(towns["talheim"], "gemeinde_talheim")
    target = applicant(programme, "Verbund Bergtal")

    response = http(talheim_user).post(
        reverse("funding:own_position", args=[target.pk]),
        {"position_vza": "0", "version": programme.version},
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.has_reported and target.position_vza == 0


def test_the_own_position_form_keeps_the_input_and_refuses_a_stale_version(world, programme):
    neustadt_user = municipality_user(world.other_town, "gemeinde_neustadt")
    target = applicant(programme, "Neustadt")
    url = reverse("funding:own_position", args=[target.pk])

    client = http(neustadt_user)

    response = client.post(
        url,
        {
            "position_vza": "0,75",
            "position_note": "Stelle im Hauptamt",
            "version": programme.version,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte geben Sie an, ab wann die Stelle besetzt ist." in html
    assert "Stelle im Hauptamt" in html

    stale = {"position_vza": "0,75", "position_from": "2024-02-01", "version": 1}
    response = client.post(url, stale)
    assert response.status_code == 400
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    target.refresh_from_db()
    assert not target.has_reported


@pytest.mark.parametrize("who", ["municipality_user", "office", "owner", "outsider", "rp_user"])
def test_an_application_is_a_404_for_everyone_but_its_applicant(world, programme, who):
    # Altstadt is counted for the Landkreis: its Hauptamt does not report that position.
    target = applicant(programme, "Neustadt")
    kreis = applicant(programme, "Landkreis Testkreis")
    client = http(getattr(world, who))

    for pk in (target.pk, kreis.pk):
        url = reverse("funding:own_position", args=[pk])
        assert client.get(url).status_code == 404
        response = client.post(url, {"position_vza": "1", "version": programme.version})
        assert response.status_code == 404
    target.refresh_from_db()
    assert not target.has_reported


# --- scoping ---------------------------------------------------------------------------------


def other_office():
    user = UserFactory(username="office_elsewhere")
    StaffMemberFactory(user=user, role=Role.OFFICE)
    return user


@pytest.mark.parametrize(
    "who", ["municipality_user", "other_office", "owner", "outsider", "rp_user"]
)
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "position"), ("post", "position"), ("post", "group"), ("post", "remainder")],
)
def test_positions_and_remainder_are_a_404_outside_the_office(
    world, programme, towns, who, method, name
):
    user = other_office() if who == "other_office" else getattr(world, who)
    target = applicant(programme, "Neustadt")
    url = {
        "position": reverse("funding:applicant_position", args=[programme.code, target.pk]),
        "group": reverse("funding:group_applicant_add", args=[programme.code]),
        "remainder": reverse("funding:programme_remainder", args=[programme.code]),
    }[name]

    response = getattr(http(user), method)(
        url,
        {
            "position_vza": "1",
            "position_from": "2024-01-01",
            "kind": VERBUND,
            "name": "Fremd",
            "members": [towns["neustadt"].pk],
            "use": "redistributed",
            "version": programme.version,
        },
    )

    assert response.status_code == 404
    target.refresh_from_db()
    assert not target.has_reported
    assert programme.applicants.count() == 3
