"""Verwendungsnachweis (item 8): each self-running provider reports spending, VZÄ and a short
Sachbericht for the year — entered by its team lead or the Hauptamt of its seat municipality,
immutable once submitted except when the office reopens it — and the office compiles the
Kreis's Gesamtverwendungsnachweis as XLSX (cover sheet, one row per provider, a sum row)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from funding.exports.usage import compile_usage
from funding.models import SACHBERICHT_MAX_CHARS, UsageReport
from funding.services import usage as services
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError, StaleVersionError
from imcase.organisation.models import Provider, Role
from tests.factories import (
    FundingYearFactory,
    MunicipalityFactory,
    ProviderAreaFactory,
    ProviderFactory,
    StaffMemberFactory,
    TeamFactory,
    UserFactory,
)
from tests.test_funding_decisions import municipality_user, publish_amounts
from tests.test_funding_support import http

FIGURES = {
    "staff_costs": Decimal("540000.00"),
    "other_costs": Decimal("38500.50"),
    "vza": Decimal("7.50"),
    "sachbericht": "Sieben Integrationsmanagerinnen berieten 412 Personen in Sprechstunden.",
}


@pytest.fixture
def year(world):
    """2025: Altstadt (Landratsamt) 904,800 €, Neustadt (Eigenregie) 603,200 € published."""
    year = FundingYearFactory(landkreis=world.landkreis)
    publish_amounts(
        world, year, {world.town: Decimal("904800.00"), world.other_town: Decimal("603200.00")}
    )
    return year


@pytest.fixture
def team_lead(world):
    """The team lead of Stadt Neustadt (the Eigenregie provider)."""
    team = TeamFactory(provider=world.other_provider, name="Team Neustadt")
    user = UserFactory(username="teamleitung_neustadt", first_name="Tanja", last_name="Lehr")
    StaffMemberFactory(user=user, role=Role.TEAM_LEAD, provider=world.other_provider, team=team)
    return user


@pytest.fixture
def seat_user(world):
    return municipality_user(world.other_town, "gemeinde_neustadt")


@pytest.fixture
def report(world, year, team_lead) -> UsageReport:
    return services.start_report(team_lead, year, world.other_provider)[0]


def filled(team_lead, report, **changes) -> UsageReport:
    return services.save_report(team_lead, report, {**FIGURES, **changes}, report.version)


def submitted(team_lead, report) -> UsageReport:
    report = filled(team_lead, report)
    return services.submit_report(team_lead, report, report.version)


# --- the provider enters and submits ----------------------------------------------------------


def test_team_lead_starts_fills_in_and_submits_through_the_pages(world, year, team_lead):
    client = http(team_lead)
    index = client.get(reverse("funding:usage_index")).content.decode()
    assert "Verwendungsnachweis 2025 beginnen" in index

    response = client.post(reverse("funding:usage_start", args=[2025, world.other_provider.pk]))
    report = UsageReport.objects.get()
    assert response["Location"] == reverse("funding:usage", args=[report.code])
    page = client.get(response["Location"]).content.decode()
    assert "603.200,00 €" in page  # the allocation of Neustadt
    client.post(
        response["Location"],
        {
            "staff_costs": "540.000,00",
            "other_costs": "38.500,50",
            "vza": "7,5",
            "sachbericht": FIGURES["sachbericht"],
            "version": report.version,
        },
    )
    report.refresh_from_db()
    assert (report.staff_costs, report.other_costs, report.vza) == (
        Decimal("540000.00"),
        Decimal("38500.50"),
        Decimal("7.50"),
    )
    assert report.spending == Decimal("578500.50")

    client.post(reverse("funding:usage_submit", args=[report.code]), {"version": report.version})

    report.refresh_from_db()
    assert report.status == UsageReport.Status.SUBMITTED
    assert report.submitted_by == team_lead
    assert AuditEntry.objects.filter(object_id=str(report.code), action="change").count() == 2


def test_the_seat_municipality_reports_for_its_provider_too(world, year, seat_user):
    report, created = services.start_report(seat_user, year, world.other_provider)

    assert created
    assert UsageReport.objects.visible_to(seat_user).get() == report
    again, created_again = services.start_report(seat_user, year, world.other_provider)
    assert (again, created_again) == (report, False)


def test_the_landkreis_itself_has_no_provider_report(world, year):
    with pytest.raises(ServiceError):
        services.start_report(world.colleague, year, world.provider)


def test_submitting_needs_all_figures_and_the_sachbericht(world, report, team_lead):
    report = services.save_report(
        team_lead, report, {"staff_costs": Decimal("1000")}, report.version
    )

    with pytest.raises(ServiceError) as refused:
        services.submit_report(team_lead, report, report.version)

    assert "Sonstige Kosten (EUR), Beschäftigte VZÄ, Sachbericht" in refused.value.messages[0]
    report.refresh_from_db()
    assert report.status == UsageReport.Status.DRAFT


def test_a_sachbericht_longer_than_three_pages_is_refused_with_the_input_kept(
    world, report, team_lead
):
    too_long = "Beratung. " * (SACHBERICHT_MAX_CHARS // 10) + "x"

    response = http(team_lead).post(
        reverse("funding:usage", args=[report.code]),
        {"staff_costs": "1.000,00", "sachbericht": too_long, "version": report.version},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "höchstens 12.000 Zeichen lang sein (etwa drei Seiten); er hat 12.001" in html
    assert 'value="1.000,00"' in html
    report.refresh_from_db()
    assert report.staff_costs is None


def test_line_breaks_count_as_one_character(world, report, team_lead):
    text = "a\r\n" * (SACHBERICHT_MAX_CHARS // 2)

    filled(team_lead, report, sachbericht=text)

    report.refresh_from_db()
    assert len(report.sachbericht) == SACHBERICHT_MAX_CHARS - 1  # the last break is stripped


def test_a_stale_form_is_refused_and_nothing_is_overwritten(world, report, team_lead, seat_user):
    old = report.version
    filled(seat_user, report, vza=Decimal("2.00"))

    response = http(team_lead).post(
        reverse("funding:usage", args=[report.code]),
        {"vza": "9", "version": old},
    )

    assert response.status_code == 400
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    report.refresh_from_db()
    assert report.vza == Decimal("2.00")


def test_a_submitted_report_cannot_be_changed(world, report, team_lead):
    report = submitted(team_lead, report)

    response = http(team_lead).post(
        reverse("funding:usage", args=[report.code]), {"vza": "1", "version": report.version}
    )

    assert response.status_code == 400
    assert "eingereicht und kann nicht mehr geändert werden" in response.content.decode()
    report.refresh_from_db()
    assert report.vza == Decimal("7.50")


# --- the office reviews, reopens and compiles -------------------------------------------------


def test_the_office_sees_no_figures_before_submission(world, report, team_lead):
    filled(team_lead, report)

    html = http(world.office).get(reverse("funding:usage", args=[report.code])).content.decode()

    assert "578.500,50 €" not in html
    assert "sehen Sie nach dem Einreichen" in html


def test_the_office_reviews_a_submitted_report(world, report, team_lead):
    report = submitted(team_lead, report)

    response = http(world.office).post(
        reverse("funding:usage_review", args=[report.code]), {"version": report.version}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == UsageReport.Status.REVIEWED
    assert report.reviewed_by == world.office


def test_the_office_reopens_with_a_reason_and_the_provider_corrects(world, report, team_lead):
    report = submitted(team_lead, report)
    office = http(world.office)

    refused = office.post(
        reverse("funding:usage_reopen", args=[report.code]), {"version": report.version}
    )
    assert refused.status_code == 400
    assert "Bitte geben Sie an, was der Träger korrigieren soll." in refused.content.decode()

    office.post(
        reverse("funding:usage_reopen", args=[report.code]),
        {"version": report.version, "reason": "Fahrtkosten fehlen."},
    )
    report.refresh_from_db()
    assert report.status == UsageReport.Status.DRAFT
    page = http(team_lead).get(reverse("funding:usage", args=[report.code])).content.decode()
    assert "Fahrtkosten fehlen." in page
    report = filled(team_lead, report, other_costs=Decimal("41000.00"))
    assert report.other_costs == Decimal("41000.00")


def test_only_the_office_reviews_and_reopens(world, report, team_lead):
    report = submitted(team_lead, report)

    with pytest.raises(ServiceError):
        services.review_report(team_lead, report, report.version)
    with pytest.raises(ServiceError):
        services.reopen_report(team_lead, report, "bitte korrigieren", report.version)
    with pytest.raises(StaleVersionError):
        services.review_report(world.office, report, report.version - 1)


@pytest.fixture
def kreis(world, year, team_lead, report):
    """Neustadt submitted (578,500.50 € spent of 603,200 €); a welfare provider serving
    Waldheim (100,000 €) has not started its report; Altstadt stays with the Landratsamt."""
    submitted(team_lead, report)
    waldheim = MunicipalityFactory(landkreis=world.landkreis, name="Waldheim", ags="08999003")
    diakonie = ProviderFactory(
        landkreis=world.landkreis, name="Diakonie im Testkreis", kind=Provider.Kind.WOHLFAHRT
    )
    ProviderAreaFactory(provider=diakonie, municipality=waldheim)
    revision = year.revisions.get()
    revision.allocations.create(
        municipality=waldheim,
        ags=waldheim.ags,
        municipality_name=waldheim.name,
        persons=1,
        share=Decimal("0.1"),
        amount=Decimal("100000.00"),
        vza=Decimal("1.43"),
        below_threshold=False,
        source="list",
    )
    return diakonie


def test_the_compilation_has_one_row_per_self_running_provider(world, year, kreis):
    compilation = compile_usage(year)

    assert [row.provider.name for row in compilation.rows] == [
        "Diakonie im Testkreis",
        "Stadt Neustadt",
    ]
    diakonie, neustadt = compilation.rows
    assert (neustadt.allocation, neustadt.spending, neustadt.difference) == (
        Decimal("603200.00"),
        Decimal("578500.50"),
        Decimal("24699.50"),
    )
    assert (diakonie.allocation, diakonie.spending, diakonie.submitted) == (
        Decimal("100000.00"),
        None,
        False,
    )
    assert compilation.total("allocation") == Decimal("703200.00")


def test_the_office_downloads_the_gesamtverwendungsnachweis(world, year, kreis):
    client = http(world.office)
    overview = client.get(reverse("funding:usage_year", args=[2025])).content.decode()
    assert "1 von 2 Trägern in eigener Regie haben eingereicht" in overview

    response = client.get(reverse("funding:usage_xlsx", args=[2025]))

    assert response.status_code == 200
    assert "gesamtverwendungsnachweis-2025.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Deckblatt", "Verwendungsnachweise", "Sachberichte"]
    cover = {row[0]: row[1] for row in workbook["Deckblatt"].values if row and row[0]}
    assert cover["Zuwendungsempfänger"] == "Landkreis Testkreis"
    assert cover["Förderjahr"] == 2025
    assert cover["davon Verwendungsnachweis eingereicht"] == 1
    rows = list(workbook["Verwendungsnachweise"].values)
    assert rows[0] == (
        "Träger",
        "Art",
        "Sitzgemeinde",
        "Gemeinden",
        "Zuteilung (EUR)",
        "Personalkosten (EUR)",
        "Sonstige Kosten (EUR)",
        "Ausgaben (EUR)",
        "VZÄ",
        "Differenz (EUR)",
        "Stand",
        "Sachbericht eingereicht",
    )
    diakonie, neustadt, total = rows[1], rows[2], rows[3]
    assert (diakonie[0], diakonie[3], diakonie[7], diakonie[11]) == (
        "Diakonie im Testkreis",
        "Waldheim",
        None,
        "nein",
    )
    assert (neustadt[2], neustadt[10], neustadt[11]) == ("Neustadt", "eingereicht", "ja")
    assert Decimal(str(neustadt[9])) == Decimal("24699.5")
    assert total[0] == "Summe"
    assert Decimal(str(total[4])) == Decimal("703200")
    assert Decimal(str(total[7])) == Decimal("578500.5")
    assert total[11] == "1 von 2"
    texts = list(workbook["Sachberichte"].values)
    assert texts[1] == ("Stadt Neustadt", FIGURES["sachbericht"])
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, object_id=str(year.pk), actor=world.office
    ).exists()


def test_a_provider_that_spent_more_than_it_received_shows_a_negative_difference(
    world, year, report, team_lead
):
    report = filled(team_lead, report, staff_costs=Decimal("650000.00"))
    services.submit_report(team_lead, report, report.version)

    row = compile_usage(year).rows[0]

    assert row.difference == Decimal("-85300.50")


def test_the_overview_queries_do_not_grow_with_the_number_of_providers(world, year, kreis):
    client = http(world.office)
    url = reverse("funding:usage_year", args=[2025])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(4):
        town = MunicipalityFactory(landkreis=world.landkreis, ags=f"0899930{index}")
        provider = ProviderFactory(
            landkreis=world.landkreis, kind=Provider.Kind.EIGENREGIE, seat=town
        )
        ProviderAreaFactory(provider=provider, municipality=town)

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


# --- scoping ---------------------------------------------------------------------------------


def persona(world, name: str):
    if name == "other_office":
        user = UserFactory(username="office_elsewhere")
        StaffMemberFactory(user=user, role=Role.OFFICE)
        return user
    if name == "lead_of_other_provider":
        other = ProviderFactory(
            landkreis=world.landkreis, name="Gemeinde Dorf", kind=Provider.Kind.EIGENREGIE
        )
        user = UserFactory(username="teamleitung_dorf")
        team = TeamFactory(provider=other)
        StaffMemberFactory(user=user, role=Role.TEAM_LEAD, provider=other, team=team)
        return user
    return getattr(world, name)


OUTSIDERS = [
    "municipality_user",  # Altstadt: not the provider's seat
    "outsider",  # a manager of the provider itself: managers do not report
    "owner",
    "colleague",
    "lead_of_other_provider",
    "other_office",
    "rp_user",
    "admin",
]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "usage"),
        ("post", "usage"),
        ("post", "usage_submit"),
        ("post", "usage_review"),
        ("post", "usage_reopen"),
    ],
)
def test_a_report_is_a_404_outside_the_provider_and_the_office(
    world, report, team_lead, who, method, name
):
    filled(team_lead, report)
    report.refresh_from_db()

    response = getattr(http(persona(world, who)), method)(
        reverse(f"funding:{name}", args=[report.code]),
        {"version": report.version, "vza": "1", "reason": "x"},
    )

    assert response.status_code == 404
    report.refresh_from_db()
    assert (report.status, report.vza) == (UsageReport.Status.DRAFT, Decimal("7.50"))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_starting_a_report_for_another_provider_is_a_404(world, year, who):
    response = http(persona(world, who)).post(
        reverse("funding:usage_start", args=[2025, world.other_provider.pk])
    )

    assert response.status_code == 404
    assert not UsageReport.objects.exists()


@pytest.mark.parametrize("who", ["team_lead", "seat_user", *OUTSIDERS])
@pytest.mark.parametrize("name", ["usage_year", "usage_xlsx"])
def test_the_overview_and_the_compilation_are_for_the_office_only(
    world, year, team_lead, seat_user, who, name
):
    user = {"team_lead": team_lead, "seat_user": seat_user}.get(who) or persona(world, who)

    response = http(user).get(reverse(f"funding:{name}", args=[2025]))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.parametrize("who", ["owner", "outsider", "rp_user", "admin"])
def test_the_index_is_a_404_for_roles_that_do_not_report(world, who):
    assert http(getattr(world, who)).get(reverse("funding:usage_index")).status_code == 404


def test_a_reporter_sees_only_his_providers_reports(world, year, report, team_lead):
    other = persona(world, "lead_of_other_provider")

    html = http(other).get(reverse("funding:usage_index")).content.decode()

    assert str(report.code) not in html
    assert "Gemeinde Dorf" in html
    assert UsageReport.objects.visible_to(other).count() == 0
