"""The funding year (item 1): Land total × Zuteilungsquote or the amount entered directly,
deductions before the split, the default Betrachtungszeitraum, Stichtag and deadline, and cost
per VZÄ and the Eigenregie threshold frozen from the settings."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from funding import services
from funding.models import FundingYear, default_list_deadline, default_period
from imcase.errors import ServiceError, StaleVersionError
from tests.factories import FundingYearFactory
from tests.test_funding_support import http, make_funding, persona


def create(world, year=2026, **data) -> FundingYear:
    return services.create_year(world.office, world.landkreis, year, data)


def test_default_period_for_2025_is_2020_to_2022():
    assert default_period(2025) == (dt.date(2020, 1, 1), dt.date(2022, 12, 31))
    assert default_period(2028) == (dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    assert default_list_deadline(2025) == dt.date(2024, 1, 15)


def test_new_year_takes_the_default_dates_and_the_settings(world, settings):
    settings.FUNDING_COST_PER_VZA = Decimal("72500.00")
    year = create(world, land_total=Decimal("40000000"), quota_percent=Decimal("3.77"))

    assert (year.period_start, year.period_end) == (dt.date(2021, 1, 1), dt.date(2023, 12, 31))
    assert year.reference_date == dt.date(2023, 12, 31)
    assert year.list_deadline == dt.date(2025, 1, 15)
    assert year.cost_per_vza == Decimal("72500.00")
    assert year.eigenregie_min_vza == django_settings.FUNDING_EIGENREGIE_MIN_VZA

    settings.FUNDING_COST_PER_VZA = Decimal("99000.00")
    year.refresh_from_db()
    assert year.cost_per_vza == Decimal("72500.00")


def test_kreis_amount_is_land_total_times_quota_rounded_to_the_cent(world):
    year = create(world, land_total=Decimal("40000000.00"), quota_percent=Decimal("3.77"))
    assert year.kreis_amount == Decimal("1508000.00")
    year = create(
        world, year=2027, land_total=Decimal("43333333.33"), quota_percent=Decimal("3.7654")
    )
    # 43,333,333.33 × 3.7654 % = 1,631,673.33… → 1,631,673.33
    assert year.kreis_amount == Decimal("1631673.33")


def test_amount_can_be_entered_directly_instead(world):
    year = create(world, amount_entered=Decimal("1500000.00"))
    assert year.kreis_amount == Decimal("1500000.00")
    assert year.land_total is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "amount_entered", "Landesmittel und Zuteilungsquote"),
        ({"land_total": Decimal("40000000")}, "quota_percent", "Zuteilungsquote"),
        (
            {
                "land_total": Decimal("1"),
                "quota_percent": Decimal("1"),
                "amount_entered": Decimal("1"),
            },
            "amount_entered",
            "nicht beides",
        ),
        (
            {"amount_entered": Decimal("1"), "period_start": dt.date(2024, 1, 1)},
            "period_end",
            "vor seinem Beginn",
        ),
    ],
)
def test_incomplete_or_contradictory_years_are_refused_in_german(world, data, field, message):
    with pytest.raises(ServiceError) as error:
        create(world, **data)
    assert message in " ".join(error.value.message_dict[field])
    assert not FundingYear.objects.exists()


def test_a_year_exists_once_per_kreis(world):
    create(world, amount_entered=Decimal("1"))
    with pytest.raises(ServiceError, match="bereits angelegt"):
        create(world, amount_entered=Decimal("2"))


def test_deductions_come_off_before_the_split(world):
    year = FundingYearFactory(landkreis=world.landkreis)
    services.add_deduction(
        world.office, year, "Koordinierungsstelle", Decimal("40000.00"), year.version
    )
    year = FundingYear.objects.get(pk=year.pk)

    assert year.deductions_total == Decimal("40000.00")
    assert year.distributable_amount == Decimal("1468000.00")
    with pytest.raises(ServiceError, match="höher als der Betrag des Kreises"):
        services.add_deduction(world.office, year, "Zu viel", Decimal("1468000.01"), year.version)


def test_a_stale_edit_of_the_year_is_refused(world):
    year = FundingYearFactory(landkreis=world.landkreis)
    services.add_deduction(world.office, year, "Koordinierung", Decimal("1.00"), year.version)

    with pytest.raises(StaleVersionError):
        services.update_year(
            world.office, year, {"amount_entered": Decimal("5.00")}, expected_version=1
        )
    assert FundingYear.objects.get(pk=year.pk).amount_entered is None


def test_the_period_is_fixed_once_lists_were_sent(world):
    funding = make_funding(world)
    services.generate_lists(world.office, funding.year)
    services.send_lists(world.office, funding.year, "https://imcase.example/")
    year = FundingYear.objects.get(pk=funding.year.pk)
    data = {
        "land_total": year.land_total,
        "quota_percent": year.quota_percent,
        "period_start": dt.date(2020, 6, 1),
    }
    with pytest.raises(ServiceError, match="nach dem Versand der Listen"):
        services.update_year(world.office, year, data, year.version)
    data["period_start"] = year.period_start
    data["land_total"] = Decimal("41000000.00")
    updated = services.update_year(world.office, year, data, year.version)
    assert updated.kreis_amount == Decimal("1545700.00")


# --- views ----------------------------------------------------------------------------------


def test_office_creates_a_year_with_german_amounts(world):
    response = http(world.office).post(
        reverse("funding:year_create"),
        {"year": "2025", "land_total": "40.000.000,00", "quota_percent": "3,77"},
    )
    assert response.status_code == 302
    year = FundingYear.objects.get()
    assert year.kreis_amount == Decimal("1508000.00")
    assert response["Location"] == reverse("funding:year", args=[2025])
    page = http(world.office).get(response["Location"]).content.decode()
    assert "1.508.000,00 €" in page
    assert "01.01.2020 bis 31.12.2022" in page


def test_a_refused_year_keeps_the_input_and_says_why(world):
    response = http(world.office).post(
        reverse("funding:year_create"), {"year": "2025", "land_total": "40.000.000,00"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Zuteilungsquote" in html
    assert "40.000.000,00" in html or "40000000" in html
    assert not FundingYear.objects.exists()


def test_office_edits_a_year_and_adds_a_deduction_through_the_pages(world):
    year = FundingYearFactory(landkreis=world.landkreis)
    office = http(world.office)
    form = office.get(reverse("funding:year_edit", args=[2025]))
    assert form.status_code == 200
    response = office.post(
        reverse("funding:year_edit", args=[2025]),
        {"version": year.version, "amount_entered": "1.400.000,00", "land_total": "40000000"},
    )
    assert response.status_code == 400
    assert "nicht beides" in response.content.decode()
    response = office.post(
        reverse("funding:year_edit", args=[2025]),
        {"version": year.version, "land_total": "40000000", "quota_percent": "3,5"},
    )
    assert response.status_code == 302
    year.refresh_from_db()
    response = office.post(
        reverse("funding:deduction_add", args=[2025]),
        {"version": year.version, "name": "Koordinierungsstelle", "amount": "40.000,00"},
    )
    assert response.status_code == 302
    page = office.get(reverse("funding:year", args=[2025])).content.decode()
    assert "1.400.000,00 €" in page  # 40 Mio. × 3,5 %
    assert "1.360.000,00 €" in page  # less the deduction


YEAR_VIEWS = [
    ("get", "index", []),
    ("get", "year_create", []),
    ("get", "year", [2025]),
    ("get", "year_edit", [2025]),
    ("post", "deduction_add", [2025]),
    ("post", "lists_generate", [2025]),
    ("post", "lists_send", [2025]),
]


@pytest.mark.parametrize(
    "who", ["owner", "colleague", "outsider", "rp_user", "admin", "other_office"]
)
@pytest.mark.parametrize(("method", "name", "args"), YEAR_VIEWS)
def test_year_pages_are_a_404_for_everyone_but_the_office_of_the_kreis(
    world, who, method, name, args
):
    funding = make_funding(world)
    user = persona(world, funding, who)
    response = getattr(http(user), method)(reverse(f"funding:{name}", args=args))
    if who == "other_office" and name in ("index", "year_create"):
        assert response.status_code == 200  # its own (empty) Kreis
    else:
        assert response.status_code == 404
    assert not funding.year.lists.exists()


@pytest.mark.parametrize("name", ["year_create", "year", "year_edit"])
def test_municipality_user_cannot_open_the_office_pages(world, name):
    FundingYearFactory(landkreis=world.landkreis)
    args = [] if name == "year_create" else [2025]
    assert http(world.municipality_user).get(reverse(f"funding:{name}", args=args)).status_code == (
        404
    )


# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["70.000,00", "zehn", "-1", "0", "70000.001", "NaN"])
def test_a_bad_cost_per_vza_stops_the_start(value):
    env = {**os.environ, "FUNDING_COST_PER_VZA": value, "SECRET_KEY": "x", "DEBUG": "0"}
    result = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-c", "import imcase.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "FUNDING_COST_PER_VZA" in result.stderr
    assert "kein positiver Betrag" in result.stderr


def test_the_threshold_setting_is_read_from_the_environment():
    env = {**os.environ, "FUNDING_EIGENREGIE_MIN_VZA": "0.75", "SECRET_KEY": "x", "DEBUG": "0"}
    code = (
        "import imcase.settings as s; print(s.FUNDING_EIGENREGIE_MIN_VZA, s.FUNDING_COST_PER_VZA)"
    )
    result = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0.75", os.environ.get("FUNDING_COST_PER_VZA", "70000.00")]


@pytest.mark.parametrize("who", ["municipality_user", "owner", "rp_user", "admin", "other_office"])
def test_removing_a_deduction_is_for_the_office_only(world, who):
    funding = make_funding(world)
    deduction = services.add_deduction(
        world.office, funding.year, "Koordinierung", Decimal("10.00"), funding.year.version
    )
    url = reverse("funding:deduction_remove", args=[2025, deduction.pk])

    response = http(persona(world, funding, who)).post(url, {"version": 2})
    assert response.status_code == 404
    assert funding.year.deductions.count() == 1

    response = http(world.office).post(url, {"version": 2})
    assert response.status_code == 302
    assert funding.year.deductions.count() == 0
