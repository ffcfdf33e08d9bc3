"""Distribution by population (item 7): a programme's amount (as Böblingen's 282,709.99 € of the
Soforthilfe Ukraine) split over its applicants in proportion to their Einwohnerzahl, to the
cent, with the minimum position per applicant; XLSX download for the office only."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from funding.models import PopulationProgramme
from funding.models.population import split_by_population
from funding.services import population as services
from funding.split import SplitError
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError, StaleVersionError
from imcase.organisation.models import Role
from tests.factories import MunicipalityFactory, StaffMemberFactory, UserFactory
from tests.test_funding_support import http

COST = Decimal("70000.00")
HALF = Decimal("0.50")
SOFORTHILFE = Decimal("282709.99")

amounts = st.integers(min_value=0, max_value=10**10).map(lambda cents: Decimal(cents) / 100)
populations = st.lists(st.integers(min_value=0, max_value=700_000), min_size=1, max_size=40).filter(
    lambda ps: sum(ps) > 0
)


def applicants(ps: list[int]) -> list[tuple[str, str, int]]:
    return [(f"08{index:06d}", f"Gemeinde {index}", p) for index, p in enumerate(ps)]


@settings(max_examples=300, deadline=None)
@given(amount=amounts, ps=populations)
def test_the_parts_always_add_up_to_the_amount_to_the_cent(amount, ps):
    lines = split_by_population(amount, applicants(ps), COST, HALF)

    assert sum(line.amount for line in lines) == amount
    assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in lines)


@settings(max_examples=300, deadline=None)
@given(amount=amounts, ps=populations)
def test_a_larger_population_never_gets_less(amount, ps):
    lines = split_by_population(amount, applicants(ps), COST, HALF)

    for smaller in lines:
        for larger in lines:
            if smaller.population < larger.population:
                assert smaller.amount <= larger.amount


@settings(max_examples=200, deadline=None)
@given(amount=amounts, ps=populations)
def test_an_applicant_reaches_the_minimum_exactly_when_its_amount_pays_it(amount, ps):
    for line in split_by_population(amount, applicants(ps), COST, HALF):
        assert line.reaches_minimum == (line.amount / COST >= HALF)


def test_soforthilfe_split_by_population_with_the_minimum_position():
    lines = split_by_population(
        SOFORTHILFE,
        [
            ("08115003", "Böblingen", 50_000),
            ("08115045", "Sindelfingen", 65_000),
            ("08115001", "Aidlingen", 9_000),
        ],
        COST,
        HALF,
    )

    by_name = {line.name: line for line in lines}
    assert [line.ags for line in lines] == ["08115001", "08115003", "08115045"]
    # 282,709.99 × 50/124 = 113,995.963…; the cent left over goes to the largest remainder
    assert by_name["Böblingen"].amount == Decimal("113995.97")
    assert by_name["Sindelfingen"].amount == Decimal("148194.75")
    assert by_name["Aidlingen"].amount == Decimal("20519.27")
    assert sum(line.amount for line in lines) == SOFORTHILFE
    assert not by_name["Aidlingen"].reaches_minimum  # 0.29 VZÄ
    assert by_name["Aidlingen"].vza == Decimal("0.29")
    assert by_name["Böblingen"].reaches_minimum


def test_nothing_to_split_without_applicants_or_inhabitants():
    with pytest.raises(SplitError, match="keine Antragsteller"):
        split_by_population(SOFORTHILFE, [], COST, HALF)
    with pytest.raises(SplitError, match="Einwohnerzahl"):
        split_by_population(SOFORTHILFE, [("08000001", "Leer", 0)], COST, HALF)


# --- the office's pages ----------------------------------------------------------------------


@pytest.fixture
def towns(world):
    world.town.population = 50_000
    world.town.save()
    world.other_town.population = 9_000
    world.other_town.save()
    third = MunicipalityFactory(
        landkreis=world.landkreis, name="Waldheim", ags="08999003", population=65_000
    )
    return world.town, world.other_town, third


def data(**changes) -> dict:
    return {
        "name": "Soforthilfe Ukraine",
        "year": 2024,
        "amount": SOFORTHILFE,
        "min_vza": HALF,
        "cost_per_vza": COST,
        **changes,
    }


@pytest.fixture
def programme(world, towns) -> PopulationProgramme:
    programme = services.create_programme(world.office, world.landkreis, data())
    for town in towns:
        programme.refresh_from_db()
        services.add_applicant(world.office, programme, town, programme.version)
    programme.refresh_from_db()
    return programme


def test_office_creates_a_programme_with_german_amounts(world):
    response = http(world.office).post(
        reverse("funding:programme_create"),
        {
            "name": "Soforthilfe Ukraine",
            "year": "2024",
            "amount": "282.709,99",
            "min_vza": "0,5",
            "cost_per_vza": "70.000,00",
        },
    )

    programme = PopulationProgramme.objects.get()
    assert response.status_code == 302
    assert programme.amount == SOFORTHILFE
    assert programme.min_vza == HALF
    assert programme.created_by == world.office


def test_a_programme_name_is_unique_per_year_and_the_form_keeps_the_input(world):
    services.create_programme(world.office, world.landkreis, data())

    response = http(world.office).post(
        reverse("funding:programme_create"),
        {**data(amount="1.000,00", min_vza="0,5", cost_per_vza="70000"), "year": "2024"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Ein Programm mit diesem Namen gibt es für dieses Jahr schon." in html
    assert 'value="1.000,00"' in html


def test_the_page_shows_each_applicant_amount_and_the_minimum_position(world, programme):
    html = http(world.office).get(reverse("funding:programme", args=[programme.code])).content
    html = html.decode()

    assert "113.995,97 €" in html and "20.519,27 €" in html
    assert "2 von 3 Antragstellern erreichen mit ihrem Betrag die Mindeststelle" in html
    assert "nicht erreicht" in html


def test_an_applicant_is_entered_once_and_only_from_the_kreis(world, programme, towns):
    with pytest.raises(ServiceError, match="bereits als Antragsteller"):
        services.add_applicant(world.office, programme, towns[0], programme.version)
    elsewhere = MunicipalityFactory()
    with pytest.raises(ServiceError, match="Gemeinden Ihres Kreises"):
        services.add_applicant(world.office, programme, elsewhere, programme.version)


def test_a_stale_change_is_refused(world, programme):
    old = programme.version
    services.update_programme(world.office, programme, data(amount=Decimal("1000.00")), old)

    with pytest.raises(StaleVersionError):
        services.update_programme(world.office, programme, data(amount=Decimal("2000.00")), old)
    programme.refresh_from_db()
    assert programme.amount == Decimal("1000.00")


def test_removing_an_applicant_gives_its_share_to_the_others(world, programme, towns):
    applicant = programme.applicants.get(municipality=towns[1])

    response = http(world.office).post(
        reverse("funding:applicant_remove", args=[programme.code, applicant.pk]),
        {"version": programme.version},
    )

    assert response.status_code == 302
    lines = programme.split()
    assert [line.name for line in lines] == ["Altstadt", "Waldheim"]
    assert sum(line.amount for line in lines) == SOFORTHILFE


def test_office_downloads_the_split_as_xlsx_and_it_is_logged(world, programme):
    response = http(world.office).get(reverse("funding:programme_xlsx", args=[programme.code]))

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content))["Verteilung"].values)
    assert rows[0] == (
        "AGS",
        "Gemeinde",
        "Einwohner",
        "Anteil",
        "Betrag (EUR)",
        "VZÄ",
        "Mindeststelle erreicht",
    )
    assert [(r[1], r[2], r[6]) for r in rows[1:4]] == [
        ("Altstadt", 50_000, "ja"),
        ("Neustadt", 9_000, "nein"),
        ("Waldheim", 65_000, "ja"),
    ]
    assert Decimal(str(rows[2][4])) == Decimal("20519.27")
    assert rows[4][0] == "Summe"
    assert Decimal(str(rows[4][4])) == SOFORTHILFE
    assert rows[4][6] == "2 von 3"
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, object_id=str(programme.code)
    ).exists()
    assert "verteilung-soforthilfe-ukraine-2024.xlsx" in response["Content-Disposition"]


# --- scoping ---------------------------------------------------------------------------------


def other_office():
    user = UserFactory(username="office_elsewhere")
    StaffMemberFactory(user=user, role=Role.OFFICE)
    return user


@pytest.mark.parametrize(
    "who", ["municipality_user", "owner", "colleague", "outsider", "rp_user", "admin"]
)
@pytest.mark.parametrize(("method", "name"), [("get", "programmes"), ("post", "programme_create")])
def test_programme_pages_are_a_404_for_other_roles(world, programme, who, method, name):
    response = getattr(http(getattr(world, who)), method)(reverse(f"funding:{name}"), data())

    assert response.status_code == 404
    assert PopulationProgramme.objects.count() == 1


def test_another_kreis_office_sees_only_its_own_programmes(world, programme):
    html = http(other_office()).get(reverse("funding:programmes")).content.decode()

    assert str(programme.code) not in html
    assert "Es ist noch kein Programm angelegt." in html


@pytest.mark.parametrize(
    "who",
    ["municipality_user", "other_office", "owner", "colleague", "outsider", "rp_user", "admin"],
)
@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "programme"),
        ("get", "programme_edit"),
        ("post", "programme_edit"),
        ("post", "applicant_add"),
        ("get", "programme_xlsx"),
    ],
)
def test_a_programme_is_a_404_for_everyone_but_its_office(world, programme, who, method, name):
    user = other_office() if who == "other_office" else getattr(world, who)

    response = getattr(http(user), method)(
        reverse(f"funding:{name}", args=[programme.code]),
        {**data(amount="1,00"), "version": programme.version, "municipality": world.town.pk},
    )

    assert response.status_code == 404
    programme.refresh_from_db()
    assert programme.amount == SOFORTHILFE
    assert programme.applicants.count() == 3
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.parametrize("who", ["municipality_user", "other_office", "outsider"])
def test_removing_an_applicant_is_a_404_for_others(world, programme, who):
    user = other_office() if who == "other_office" else getattr(world, who)
    applicant = programme.applicants.first()

    response = http(user).post(
        reverse("funding:applicant_remove", args=[programme.code, applicant.pk]),
        {"version": programme.version},
    )

    assert response.status_code == 404
    assert programme.applicants.count() == 3
