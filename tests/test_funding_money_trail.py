"""The complete money trail (issue 12, item 6): the Gesamtverwendungsnachweis covers the whole
Kreis amount (self-running providers, the Landratsamt's own IM reported by the office, the
Vorwegabzüge with what they were spent on), flags a municipal provider below 0.5 VZÄ, and a
nightly check reminds of Verwendungsnachweise not submitted by the year's deadline."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding.exports.usage import allocation_and_spending, compile_usage
from funding.models import Deduction, UsageReport
from funding.services import usage as services
from imcase.alerts.models import Alert
from imcase.alerts.registry import CHECKS
from imcase.alerts.services import run_deadline_checks
from imcase.errors import ServiceError
from imcase.organisation.models import Role
from tests.factories import (
    FundingYearFactory,
    StaffMemberFactory,
    TeamFactory,
    UserFactory,
)
from tests.test_funding_decisions import municipality_user, publish_amounts
from tests.test_funding_support import http

KREIS_AMOUNT = Decimal("1548000.00")
COORDINATION = Decimal("40000.00")
DEADLINE = dt.date(2026, 3, 31)  # the default for funding year 2025
NEUSTADT = {
    "staff_costs": Decimal("540000.00"),
    "other_costs": Decimal("38500.50"),
    "vza": Decimal("7.50"),
    "sachbericht": "Sieben Integrationsmanagerinnen berieten 412 Personen.",
}
OWN = {
    "staff_costs": "820.000,00",
    "other_costs": "61.250,00",
    "vza": "11,5",
    "sachbericht": "Das Landratsamt beriet in Altstadt 630 Personen in drei Regionalteams.",
}


@pytest.fixture
def year(world):
    """2025: Kreis amount 1,548,000 € = Koordinierungsstelle 40,000 € + Altstadt (Landratsamt)
    904,800 € + Neustadt (Eigenregie) 603,200 €."""
    year = FundingYearFactory(landkreis=world.landkreis)
    Deduction.objects.create(funding_year=year, name="Koordinierungsstelle", amount=COORDINATION)
    revision = publish_amounts(
        world, year, {world.town: Decimal("904800.00"), world.other_town: Decimal("603200.00")}
    )
    revision.kreis_amount = KREIS_AMOUNT
    revision.deductions = [{"name": "Koordinierungsstelle", "amount": str(COORDINATION)}]
    revision.save()
    return year


@pytest.fixture
def team_lead(world):
    team = TeamFactory(provider=world.other_provider, name="Team Neustadt")
    user = UserFactory(username="teamleitung_neustadt")
    StaffMemberFactory(user=user, role=Role.TEAM_LEAD, provider=world.other_provider, team=team)
    return user


def neustadt_submits(team_lead, year, **changes) -> UsageReport:
    report, _ = services.start_report(team_lead, year, world_provider(year))
    report = services.save_report(team_lead, report, {**NEUSTADT, **changes}, report.version)
    return services.submit_report(team_lead, report, report.version)


def world_provider(year):
    return year.landkreis.providers.get(name="Stadt Neustadt")


def office_reports_own_im(world, year) -> UsageReport:
    """The office enters and submits the Landratsamt's own Verwendungsnachweis in the browser."""
    client = http(world.office)
    response = client.post(reverse("funding:usage_start", args=[2025, world.provider.pk]))
    report = UsageReport.objects.get(provider=world.provider)
    assert response["Location"] == reverse("funding:usage", args=[report.code])
    response = client.post(response["Location"], {**OWN, "version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    response = client.post(
        reverse("funding:usage_submit", args=[report.code]), {"version": report.version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == UsageReport.Status.SUBMITTED
    return report


# --- the whole Kreis amount ------------------------------------------------------------------


def test_the_allocation_column_adds_up_to_the_kreis_amount(world, year, team_lead):
    neustadt_submits(team_lead, year)
    office_reports_own_im(world, year)
    client = http(world.office)
    response = client.post(
        reverse("funding:deduction_use", args=[2025, year.deductions.get().pk]),
        {
            f"d{year.deductions.get().pk}-spent": "39.870,12",
            f"d{year.deductions.get().pk}-vza": "0,5",
            f"d{year.deductions.get().pk}-use_note": "Koordinierende Stelle 0,5 VZÄ ab 01.01.",
            f"d{year.deductions.get().pk}-version": year.version,
        },
    )
    assert response.status_code == 302

    compilation = compile_usage(year)
    assert compilation.balanced
    assert compilation.kreis_total("allocation") == KREIS_AMOUNT
    assert compilation.kreis_total("spending") == Decimal("1499620.62")
    assert compilation.kreis_total("vza") == Decimal("19.50")

    response = client.get(reverse("funding:usage_xlsx", args=[2025]))
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Verwendungsnachweise"].values)
    grand = next(row for row in rows if row[0] == "Gesamtsumme Kreis")
    assert Decimal(str(grand[4])) == KREIS_AMOUNT
    body = [row for row in rows[1:] if row and row[0] not in (None, "Summe", "Gesamtsumme Kreis")]
    assert sum(Decimal(str(row[4])) for row in body) == KREIS_AMOUNT
    names = [row[0] for row in body]
    assert names == ["Stadt Neustadt", "Landratsamt Testkreis", "Vorwegabzug: Koordinierungsstelle"]
    own = body[1]
    assert (own[3], Decimal(str(own[7])), Decimal(str(own[8]))) == (
        "Altstadt",
        Decimal("881250"),
        Decimal("11.5"),
    )
    cover = {row[0]: row[1] for row in workbook["Deckblatt"].values if row and row[0]}
    assert Decimal(str(cover["Betrag des Kreises (EUR)"])) == KREIS_AMOUNT
    assert Decimal(str(cover["Zuteilungen und Vorwegabzüge insgesamt (EUR)"])) == KREIS_AMOUNT
    assert cover["Frist für die Verwendungsnachweise"].date() == DEADLINE
    texts = [row[0] for row in workbook["Sachberichte"].values]
    assert texts[1:] == ["Stadt Neustadt", "Landratsamt Testkreis"]


def test_allocations_of_towns_without_a_reporting_provider_are_shown_too(world, year):
    world.town.provider_areas.all().delete()

    compilation = compile_usage(year)

    assert compilation.unserved.allocation == Decimal("904800.00")
    assert [m.name for m in compilation.unserved.municipalities] == ["Altstadt"]
    assert compilation.kreis_total("allocation") == KREIS_AMOUNT


def test_allocation_and_spending_per_provider_for_the_annual_report(world, year, team_lead):
    neustadt_submits(team_lead, year)

    lines = {line["name"]: line for line in allocation_and_spending(year)}

    assert lines["Stadt Neustadt"]["allocation"] == Decimal("603200.00")
    assert lines["Stadt Neustadt"]["spending"] == Decimal("578500.50")
    assert lines["Landratsamt Testkreis"]["kind"] == "landkreis"
    assert lines["Landratsamt Testkreis"]["spending"] is None
    assert lines["Vorwegabzug: Koordinierungsstelle"]["kind"] == "deduction"
    assert sum(line["allocation"] for line in lines.values()) == KREIS_AMOUNT


def test_the_overview_shows_the_whole_trail_and_a_start_button_for_the_own_report(world, year):
    html = http(world.office).get(reverse("funding:usage_year", args=[2025])).content.decode()

    assert "Verwendungsnachweis Landratsamt Testkreis erfassen" in html
    assert "Gesamtsumme Kreis" in html
    assert "1.548.000,00 €" in html
    assert "Frist für die Verwendungsnachweise: 31.03.2026" in html


def test_the_deduction_form_shows_german_errors_and_keeps_the_input(world, year):
    pk = year.deductions.get().pk
    response = http(world.office).post(
        reverse("funding:deduction_use", args=[2025, pk]),
        {
            f"d{pk}-spent": "viel",
            f"d{pk}-use_note": "Personalkosten Koordination",
            f"d{pk}-version": year.version,
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte geben Sie einen Betrag in Euro an" in html
    assert "Personalkosten Koordination" in html
    assert Deduction.objects.get().spent is None


def test_the_office_reports_only_for_the_landratsamt_not_for_other_providers(
    world, year, team_lead
):
    with pytest.raises(ServiceError):
        services.start_report(world.office, year, world.other_provider)
    report, _ = services.start_report(team_lead, year, world.other_provider)
    with pytest.raises(ServiceError):
        services.save_report(world.office, report, NEUSTADT, report.version)


def test_a_team_lead_of_the_landratsamt_does_not_report_its_own_im(world, year):
    with pytest.raises(ServiceError):
        services.start_report(world.colleague, year, world.provider)


# --- the 0.5 VZÄ rule ------------------------------------------------------------------------


def test_a_municipal_provider_below_half_a_position_is_flagged(world, year, team_lead):
    report = neustadt_submits(team_lead, year, vza=Decimal("0.40"))

    compilation = compile_usage(year)
    ((name, warning),) = compilation.warnings
    assert name == "Stadt Neustadt"
    assert "0,40 VZÄ liegt unter der Mindeststelle von 0,50 VZÄ" in warning

    html = http(world.office).get(reverse("funding:usage_year", args=[2025])).content.decode()
    assert "unter 0,50 VZÄ" in html
    html = http(team_lead).get(reverse("funding:usage", args=[report.code])).content.decode()
    assert "Mindeststelle nicht erreicht" in html

    response = http(world.office).get(reverse("funding:usage_xlsx", args=[2025]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Verwendungsnachweise"]
    neustadt = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Stadt Neustadt")
    assert neustadt[8].fill.fgColor.rgb.endswith("FCE4D6")
    cover = {row[0]: row[1] for row in workbook["Deckblatt"].values if row and row[0]}
    assert "unter der Mindeststelle" in cover["Hinweis Stadt Neustadt"]


def test_submitting_a_position_below_the_minimum_warns_the_provider(world, year, team_lead):
    report, _ = services.start_report(team_lead, year, world.other_provider)
    report = services.save_report(
        team_lead, report, {**NEUSTADT, "vza": Decimal("0.25")}, report.version
    )

    response = http(team_lead).post(
        reverse("funding:usage_submit", args=[report.code]),
        {"version": report.version},
        follow=True,
    )

    assert "Die gemeldete Stelle von 0,25 VZÄ liegt unter der Mindeststelle" in (
        response.content.decode()
    )


def test_half_a_position_and_the_landratsamt_and_welfare_are_not_flagged(world, year, team_lead):
    neustadt_submits(team_lead, year, vza=Decimal("0.50"))
    report, _ = services.start_report(world.office, year, world.provider)
    report = services.save_report(
        world.office, report, {**NEUSTADT, "vza": Decimal("0.10")}, report.version
    )
    services.submit_report(world.office, report, report.version)

    assert compile_usage(year).warnings == []


# --- the deadline ----------------------------------------------------------------------------


def run(today: dt.date, kind: str):
    return run_deadline_checks(today, checks=[CHECKS[kind]])


def test_usage_checks_are_registered():
    assert {"funding_usage_late", "funding_usage_late_overview"} <= set(CHECKS)


@pytest.mark.parametrize("today,alerted", [(DEADLINE, False), (DEADLINE + dt.timedelta(1), True)])
def test_a_report_not_submitted_by_the_deadline_is_reminded_the_day_after(
    world, year, team_lead, today, alerted
):
    seat = municipality_user(world.other_town, "gemeinde_neustadt")

    run(today, "funding_usage_late")

    alerts = Alert.objects.filter(kind="funding_usage_late", status=Alert.Status.OPEN)
    if not alerted:
        assert not alerts.exists()
        return
    by_recipient = {alert.recipient: alert for alert in alerts}
    # Neustadt: its team lead and its seat's Hauptamt; the Landratsamt's own IM: the office.
    assert set(by_recipient) == {team_lead, seat, world.office}
    alert = by_recipient[team_lead]
    assert alert.subject == world.other_provider
    assert alert.due_date == DEADLINE
    assert "Verwendungsnachweis 2025 von Stadt Neustadt war bis 31.03.2026" in alert.message
    assert by_recipient[world.office].subject == world.provider


def test_submitting_ends_the_reminder_and_the_deadline_is_per_year(world, year, team_lead):
    year.usage_deadline = dt.date(2026, 6, 30)
    year.save()
    run(dt.date(2026, 4, 1), "funding_usage_late")
    assert not Alert.objects.filter(kind="funding_usage_late").exists()

    run(dt.date(2026, 7, 1), "funding_usage_late")
    assert Alert.objects.filter(kind="funding_usage_late", recipient=team_lead).exists()

    neustadt_submits(team_lead, year)
    run(dt.date(2026, 7, 2), "funding_usage_late")
    assert not Alert.objects.filter(
        kind="funding_usage_late", recipient=team_lead, status=Alert.Status.OPEN
    ).exists()


def test_the_office_gets_one_overview_per_year(world, year, team_lead):
    neustadt_submits(team_lead, year)

    run(DEADLINE + dt.timedelta(days=3), "funding_usage_late_overview")

    (alert,) = Alert.objects.filter(kind="funding_usage_late_overview")
    assert alert.recipient == world.office
    assert "Förderjahr 2025: 1 Verwendungsnachweis(e) nicht bis 31.03.2026" in alert.message
    assert "Landratsamt Testkreis" in alert.message


# --- scoping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["municipality_user", "owner", "colleague", "outsider", "rp_user"])
def test_the_deduction_form_is_a_404_outside_the_office(world, year, who):
    pk = year.deductions.get().pk
    response = http(getattr(world, who)).post(
        reverse("funding:deduction_use", args=[2025, pk]), {f"d{pk}-spent": "1"}
    )

    assert response.status_code == 404
    assert Deduction.objects.get().spent is None


def test_the_office_of_another_kreis_gets_a_404(world, year):
    other = UserFactory(username="office_elsewhere")
    StaffMemberFactory(user=other, role=Role.OFFICE)
    pk = year.deductions.get().pk
    client = http(other)

    assert client.post(reverse("funding:deduction_use", args=[2025, pk])).status_code == 404
    assert (
        client.post(reverse("funding:usage_start", args=[2025, world.provider.pk])).status_code
        == 404
    )
