"""Decisions (item 6): each municipality records who runs IM from 1 January (Landkreis,
Eigenregie, Verbund, cooperation); the office confirms, which sets the provider from 1 January
without touching past years; Eigenregie below half a position is warned about; a cooperation
gets quarterly invoices with VAT, for the office and the two municipalities only.

Decisions are confirmed only before their year begins, so these tests use next year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import Allocation, AllocationRevision, Decision
from funding.services import decisions as services
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError, StaleVersionError
from imcase.organisation.models import Provider, ProviderArea, Role
from tests.factories import (
    TODAY,
    FundingYearFactory,
    MunicipalityFactory,
    ProviderAreaFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.test_funding_support import http

# Dates here are counted from the clock's today, so the tests run on tests.factories.TODAY.
pytestmark = pytest.mark.today

NEXT = TODAY.year + 1
JAN_1 = dt.date(NEXT, 1, 1)
DEC_31 = dt.date(NEXT - 1, 12, 31)
BERLIN = ZoneInfo("Europe/Berlin")

EIGENREGIE = {"mode": Decision.Mode.EIGENREGIE}
LANDKREIS = {"mode": Decision.Mode.LANDKREIS}


def municipality_user(town, username: str):
    user = UserFactory(username=username)
    StaffMemberFactory(
        user=user, role=Role.MUNICIPALITY, provider=None, municipality=town, vza=None
    )
    return user


def publish_amounts(world, funding_year, amounts: dict) -> AllocationRevision:
    """A published revision with the given amounts (70,000 € per VZÄ, minimum 0.5 VZÄ)."""
    total = sum(amounts.values(), Decimal("0.00"))
    revision = AllocationRevision.objects.create(
        funding_year=funding_year,
        number=funding_year.revisions.count() + 1,
        published_at=timezone.now(),
        published_by=world.office,
        kreis_amount=total,
        distributable_amount=total,
        cost_per_vza=Decimal("70000.00"),
        eigenregie_min_vza=Decimal("0.50"),
        period_start=funding_year.period_start,
        period_end=funding_year.period_end,
        reference_date=funding_year.reference_date,
        total_persons=100,
    )
    for town, amount in amounts.items():
        Allocation.objects.create(
            revision=revision,
            municipality=town,
            ags=town.ags,
            municipality_name=town.name,
            persons=1,
            share=Decimal("0.1"),
            amount=amount,
            vza=(amount / Decimal("70000")).quantize(Decimal("0.01")),
            below_threshold=amount < Decimal("35000"),
            source=Allocation.Source.LIST,
        )
    return revision


@pytest.fixture
def year(world):
    return FundingYearFactory(landkreis=world.landkreis, year=NEXT)


@pytest.fixture
def brackenheim(world):
    """A third town (served by the Landratsamt) with its municipality user."""
    town = MunicipalityFactory(landkreis=world.landkreis, name="Brackenheim", ags="08999003")
    ProviderAreaFactory(provider=world.provider, municipality=town, valid_from=dt.date(2020, 1, 1))
    return town


def make_cooperation(world, year) -> Decision:
    """Altstadt (11,000 €) is served by Neustadt from next year: 15 hours a week at 52.50 €;
    confirmed."""
    publish_amounts(world, year, {world.town: Decimal("11000.00")})
    decision = services.record_decision(
        world.municipality_user,
        year,
        {
            "mode": Decision.Mode.KOOPERATION,
            "serving_municipality": world.other_town,
            "weekly_hours": Decimal("15"),
            "billing": Decision.Billing.HOURLY,
            "hourly_rate": Decimal("52.50"),
            "resolution_date": dt.date(NEXT - 2, 5, 6),
        },
    )
    return services.confirm_decision(world.office, decision, decision.version)


# --- recording -------------------------------------------------------------------------------


def test_municipality_records_eigenregie_and_is_warned_below_half_a_position(world, year):
    publish_amounts(world, year, {world.town: Decimal("11000.00")})
    client = http(world.municipality_user)

    response = client.post(reverse("funding:decision_record", args=[NEXT]), {"mode": "eigenregie"})

    decision = Decision.objects.get(municipality=world.town)
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:decision", args=[decision.code])
    assert decision.status == Decision.Status.RECORDED
    html = client.get(response["Location"]).content.decode()
    assert "Achtung: Die Zuteilung an Altstadt beträgt nur 11.000,00 €, das sind 0,16 VZÄ" in html
    assert "mindestens 0,50 VZÄ nötig (35.000,00 €" in html
    assert "Es fehlen 24.000,00 €" in html


def test_eigenregie_with_enough_money_gets_no_warning(world, year):
    publish_amounts(world, year, {world.town: Decimal("35000.00")})
    decision = services.record_decision(world.municipality_user, year, EIGENREGIE)

    html = http(world.municipality_user).get(reverse("funding:decision", args=[decision.code]))

    assert "Achtung" not in html.content.decode()


def test_a_verbund_must_reach_half_a_position_together(world, year, brackenheim):
    publish_amounts(
        world,
        year,
        {world.town: Decimal("20000.00"), world.other_town: Decimal("10000.00"), brackenheim: 0},
    )
    verbund = {"mode": "verbund", "partners": [world.other_town], "seat": world.town}
    decision = services.record_decision(world.municipality_user, year, verbund)
    response = http(world.office).get(reverse("funding:decisions_year", args=[NEXT]))
    html = response.content.decode()
    assert (
        "Die Zuteilungen des Verbunds (Altstadt, Neustadt) ergeben zusammen nur 30.000,00 €" in html
    )

    Allocation.objects.filter(municipality=world.other_town).update(amount=Decimal("15000.00"))
    html = http(world.office).get(reverse("funding:decision", args=[decision.code]))
    assert "Achtung" not in html.content.decode()


def test_a_verbund_needs_partners_and_a_seat_and_the_form_keeps_the_input(world, year):
    client = http(world.municipality_user)

    response = client.post(
        reverse("funding:decision_record", args=[NEXT]),
        {"mode": "verbund", "note": "Beschluss folgt", "seat": world.other_town.pk},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte wählen Sie die Gemeinden, mit denen Sie den Verbund bilden." in html
    assert "Die Sitzgemeinde muss selbst zum Verbund gehören." in html
    assert "Beschluss folgt" in html
    assert not Decision.objects.exists()


def test_a_cooperation_needs_the_serving_town_hours_and_a_rate(world, year):
    with pytest.raises(ServiceError) as refused:
        services.record_decision(
            world.municipality_user, year, {"mode": "kooperation", "billing": "hourly"}
        )

    assert set(refused.value.message_dict) == {
        "serving_municipality",
        "weekly_hours",
        "hourly_rate",
    }


def test_fields_of_other_modes_are_cleared(world, year):
    decision = services.record_decision(
        world.municipality_user,
        year,
        {"mode": "eigenregie", "serving_municipality": world.other_town, "weekly_hours": 15},
    )

    assert decision.serving_municipality is None
    assert decision.weekly_hours is None


def test_a_stale_form_is_refused_and_nothing_is_overwritten(world, year):
    decision = services.record_decision(world.municipality_user, year, EIGENREGIE)
    services.record_decision(world.municipality_user, year, LANDKREIS, decision.version)

    response = http(world.municipality_user).post(
        reverse("funding:decision_record", args=[NEXT]),
        {"mode": "eigenregie", "version": decision.version},
    )

    assert response.status_code == 400
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    assert Decision.objects.get().mode == Decision.Mode.LANDKREIS


def test_only_a_municipality_records_a_decision(world, year):
    with pytest.raises(ServiceError):
        services.record_decision(world.office, year, EIGENREGIE)


def test_a_decision_after_the_end_of_may_counts_as_late():
    decision = Decision(funding_year=FundingYearFactory.build(year=2025))
    decision.recorded_at = dt.datetime(2024, 5, 31, 23, 30, tzinfo=BERLIN)
    assert not decision.came_late()
    decision.recorded_at = dt.datetime(2024, 6, 1, 0, 5, tzinfo=BERLIN)
    assert decision.came_late()


# --- confirming: the provider from 1 January -------------------------------------------------


def test_confirming_eigenregie_creates_the_provider_from_1_january(world, year):
    decision = services.record_decision(world.municipality_user, year, EIGENREGIE)

    response = http(world.office).post(
        reverse("funding:decision_confirm", args=[decision.code]), {"version": decision.version}
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    provider = decision.provider
    assert (provider.kind, provider.seat, provider.name) == (
        Provider.Kind.EIGENREGIE,
        world.town,
        "Altstadt (Eigenregie)",
    )
    assert world.town.provider_on(JAN_1) == provider
    assert world.town.provider_on(DEC_31) == world.provider
    old = ProviderArea.objects.get(municipality=world.town, provider=world.provider)
    assert (old.valid_from, old.valid_until) == (dt.date(2020, 1, 1), DEC_31)
    assert AuditEntry.objects.filter(object_id=str(decision.code), action="change").exists()


def test_a_cooperation_is_served_by_the_serving_towns_own_provider(world, year):
    cooperation = make_cooperation(world, year)

    assert cooperation.provider == world.other_provider
    assert world.town.provider_on(JAN_1) == world.other_provider
    assert Provider.objects.count() == 2


def test_a_cooperation_with_a_town_without_own_provider_creates_one_seated_there(
    world, year, brackenheim
):
    decision = services.record_decision(
        world.municipality_user,
        year,
        {
            "mode": "kooperation",
            "serving_municipality": brackenheim,
            "weekly_hours": Decimal("15"),
            "billing": "flat",
            "quarterly_flat": Decimal("9000"),
        },
    )

    confirmed = services.confirm_decision(world.office, decision, decision.version)

    assert confirmed.provider.kind == Provider.Kind.KOOPERATION
    assert confirmed.provider.seat == brackenheim
    # Brackenheim itself stays with the Landratsamt until it decides otherwise.
    assert brackenheim.provider_on(JAN_1) == world.provider


def test_members_of_a_verbund_share_one_provider_seated_in_the_seat(world, year, brackenheim):
    altstadt = services.record_decision(
        world.municipality_user,
        year,
        {"mode": "verbund", "partners": [brackenheim], "seat": world.town},
    )
    brackenheim_user = municipality_user(brackenheim, "gemeinde_brackenheim")
    other = services.record_decision(
        brackenheim_user, year, {"mode": "verbund", "partners": [world.town], "seat": world.town}
    )

    first = services.confirm_decision(world.office, altstadt, altstadt.version)
    second = services.confirm_decision(world.office, other, other.version)

    assert first.provider == second.provider
    assert first.provider.kind == Provider.Kind.VERBUND
    assert first.provider.name == "Verbund Altstadt–Brackenheim"
    assert brackenheim.provider_on(JAN_1) == first.provider == world.town.provider_on(JAN_1)


def test_staying_with_the_landkreis_changes_no_area(world, year):
    decision = services.record_decision(world.municipality_user, year, LANDKREIS)

    services.confirm_decision(world.office, decision, decision.version)

    area = ProviderArea.objects.get(municipality=world.town)
    assert (area.provider, area.valid_until) == (world.provider, None)


def test_reopened_and_changed_decision_moves_the_provider_again(world, year):
    decision = services.record_decision(world.municipality_user, year, EIGENREGIE)
    decision = services.confirm_decision(world.office, decision, decision.version)
    decision = services.reopen_decision(world.office, decision, decision.version)
    decision = services.record_decision(world.municipality_user, year, LANDKREIS, decision.version)

    services.confirm_decision(world.office, decision, decision.version)

    areas = list(ProviderArea.objects.filter(municipality=world.town).order_by("valid_from"))
    assert [(a.provider, a.valid_from, a.valid_until) for a in areas] == [
        (world.provider, dt.date(2020, 1, 1), DEC_31),
        (world.provider, JAN_1, None),
    ]


def test_a_later_area_is_kept_when_the_year_before_it_changes(world, year):
    later = dt.date(NEXT + 2, 1, 1)
    area = ProviderArea.objects.get(municipality=world.town)
    area.valid_until = later - dt.timedelta(days=1)
    area.save()
    ProviderAreaFactory(provider=world.other_provider, municipality=world.town, valid_from=later)
    decision = services.record_decision(world.municipality_user, year, EIGENREGIE)

    decision = services.confirm_decision(world.office, decision, decision.version)

    new = ProviderArea.objects.get(municipality=world.town, valid_from=JAN_1)
    assert (new.provider, new.valid_until) == (decision.provider, later - dt.timedelta(days=1))
    assert world.town.provider_on(later) == world.other_provider


def test_no_decision_is_confirmed_or_reopened_once_its_year_has_begun(world, year):
    decision = services.record_decision(world.municipality_user, year, EIGENREGIE)

    with pytest.raises(ServiceError, match="hat bereits begonnen"):
        services.confirm_decision(world.office, decision, decision.version, today=JAN_1)

    assert ProviderArea.objects.get(municipality=world.town).valid_until is None
    decision = services.confirm_decision(world.office, decision, decision.version, today=DEC_31)
    with pytest.raises(ServiceError, match="hat bereits begonnen"):
        services.reopen_decision(world.office, decision, decision.version, today=JAN_1)


def test_a_confirmed_decision_is_read_only_for_the_municipality(world, year):
    decision = services.record_decision(world.municipality_user, year, EIGENREGIE)
    services.confirm_decision(world.office, decision, decision.version)

    with pytest.raises(ServiceError, match="bereits bestätigt"):
        services.record_decision(world.municipality_user, year, LANDKREIS)
    response = http(world.municipality_user).get(reverse("funding:decision_record", args=[NEXT]))
    assert response.status_code == 302


def test_confirming_with_a_stale_version_is_refused(world, year):
    decision = services.record_decision(world.municipality_user, year, EIGENREGIE)
    services.record_decision(world.municipality_user, year, LANDKREIS, decision.version)

    with pytest.raises(StaleVersionError):
        services.confirm_decision(world.office, decision, decision.version)


def test_overview_lists_every_municipality_with_decision_and_provider(world, year, brackenheim):
    services.record_decision(world.municipality_user, year, EIGENREGIE)

    html = http(world.office).get(reverse("funding:decisions_year", args=[NEXT])).content.decode()

    assert "Altstadt" in html and "in Eigenregie" in html
    assert "Brackenheim" in html and "keine Meldung" in html
    assert "1 von 3 Gemeinden hat gemeldet" in html


def test_overview_queries_do_not_grow_with_the_number_of_municipalities(world, year):
    client = http(world.office)
    url = reverse("funding:decisions_year", args=[NEXT])
    publish_amounts(world, year, {world.town: Decimal("11000")})
    services.record_decision(world.municipality_user, year, EIGENREGIE)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(4):
        town = MunicipalityFactory(landkreis=world.landkreis, ags=f"0899920{index}")
        user = municipality_user(town, f"gemeinde_{index}")
        partners = {"mode": "verbund", "partners": [world.town], "seat": town}
        services.record_decision(user, year, partners)

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


# --- scoping ---------------------------------------------------------------------------------


def persona(world, name: str):
    if name == "uninvolved_municipality":
        town = MunicipalityFactory(landkreis=world.landkreis, name="Dorf", ags="08999009")
        return municipality_user(town, "gemeinde_dorf")
    if name == "other_office":
        user = UserFactory(username="office_elsewhere")
        StaffMemberFactory(user=user, role=Role.OFFICE)
        return user
    return getattr(world, name)


OUTSIDERS = ["uninvolved_municipality", "other_office", "owner", "colleague", "outsider", "rp_user"]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "decision"), ("post", "decision_confirm"), ("post", "decision_reopen")],
)
def test_a_decision_is_a_404_outside_the_office_and_the_towns_it_names(
    world, year, who, method, name
):
    decision = services.record_decision(world.municipality_user, year, EIGENREGIE)

    response = getattr(http(persona(world, who)), method)(
        reverse(f"funding:{name}", args=[decision.code]), {"version": decision.version}
    )

    assert response.status_code == 404
    decision.refresh_from_db()
    assert (decision.status, decision.provider) == (Decision.Status.RECORDED, None)


@pytest.mark.parametrize("who", ["municipality_user", *OUTSIDERS])
def test_the_overview_of_a_year_is_for_its_office_only(world, year, who):
    response = http(persona(world, who)).get(reverse("funding:decisions_year", args=[NEXT]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["office", "other_office", "owner", "outsider", "rp_user"])
def test_only_a_municipality_of_the_kreis_records_a_decision(world, year, who):
    response = http(persona(world, who)).post(
        reverse("funding:decision_record", args=[NEXT]), {"mode": "eigenregie"}
    )
    assert response.status_code == 404
    assert not Decision.objects.exists()


@pytest.mark.parametrize("who", ["owner", "colleague", "outsider", "rp_user"])
def test_the_decisions_index_is_a_404_for_other_roles(world, year, who):
    assert http(persona(world, who)).get(reverse("funding:decisions")).status_code == 404


def test_a_municipality_sees_only_decisions_that_concern_it(world, year, brackenheim):
    services.record_decision(world.municipality_user, year, EIGENREGIE)
    user = municipality_user(brackenheim, "gemeinde_brackenheim")
    services.record_decision(user, year, LANDKREIS)

    html = http(world.municipality_user).get(reverse("funding:decisions")).content.decode()

    assert "in Eigenregie" in html
    assert "durch den Landkreis" not in html
    assert Decision.objects.visible_to(world.municipality_user).count() == 1
