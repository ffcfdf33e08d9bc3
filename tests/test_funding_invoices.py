"""Quarterly invoices of a cooperation (item 6): the serving municipality (or the office)
issues each quarter's invoice once, with hours × rate or a flat amount, VAT from the setting
frozen on it; the office and the two municipalities download it as a PDF, nobody else."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.invoice import invoice_figures, quarter_shares
from funding.models import CooperationInvoice, Decision
from funding.services import decisions as services
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError
from tests.factories import FundingYearFactory
from tests.test_funding_decisions import (
    JAN_1,
    NEXT,
    OUTSIDERS,
    make_cooperation,
    municipality_user,
    persona,
)
from tests.test_funding_support import http

# NEXT is the year after tests.factories.TODAY; a cooperation is agreed before it begins.
pytestmark = pytest.mark.today


@pytest.fixture
def year(world):
    return FundingYearFactory(landkreis=world.landkreis, year=NEXT)


@pytest.fixture
def cooperation(world, year):
    return make_cooperation(world, year)


def test_hourly_invoice_is_hours_times_13_weeks_times_rate_plus_vat():
    figures = invoice_figures("hourly", Decimal("15"), Decimal("52.50"), None, Decimal("19"))

    assert figures.hours == Decimal("195.00")
    assert figures.net == Decimal("10237.50")
    assert figures.vat == Decimal("1945.13")  # 1,945.125 rounded half up
    assert figures.gross == Decimal("12182.63")


def test_flat_invoice_is_the_agreed_amount_plus_vat():
    figures = invoice_figures("flat", Decimal("15"), None, Decimal("2750.00"), Decimal("19"))

    assert (figures.hours, figures.net, figures.vat, figures.gross) == (
        None,
        Decimal("2750.00"),
        Decimal("522.50"),
        Decimal("3272.50"),
    )


def test_quarterly_shares_add_up_to_the_allocation():
    shares = quarter_shares(Decimal("11000.01"))

    assert sum(shares.values()) == Decimal("11000.01")
    assert shares == {
        1: Decimal("2750.01"),
        2: Decimal("2750.00"),
        3: Decimal("2750.00"),
        4: Decimal("2750.00"),
    }


def test_the_serving_town_issues_each_quarter_once_with_vat_frozen(world, cooperation, settings):
    serving = municipality_user(world.other_town, "gemeinde_neustadt")
    settings.FUNDING_VAT_PERCENT = Decimal("19.00")

    invoice, created = services.issue_invoice(serving, cooperation, 1, today=JAN_1)
    settings.FUNDING_VAT_PERCENT = Decimal("7.00")
    again, created_again = services.issue_invoice(serving, cooperation, 1, today=JAN_1)

    assert (created, created_again) == (True, False)
    assert again.pk == invoice.pk
    assert invoice.number == f"IM-{NEXT}-08999001-Q1"
    assert (invoice.period_start, invoice.period_end) == (JAN_1, dt.date(NEXT, 3, 31))
    assert (invoice.seller_name, invoice.buyer_name) == ("Neustadt", "Altstadt")
    assert (invoice.net, invoice.vat_percent, invoice.gross) == (
        Decimal("10237.50"),
        Decimal("19.00"),
        Decimal("12182.63"),
    )
    assert (invoice.allocation_amount, invoice.allocation_quarter) == (
        Decimal("11000.00"),
        Decimal("2750.00"),
    )
    second, _ = services.issue_invoice(serving, cooperation, 2, today=dt.date(NEXT, 4, 1))
    assert second.vat_percent == Decimal("7.00")


def test_an_invoice_is_not_issued_before_its_quarter_begins(world, cooperation):
    with pytest.raises(ServiceError, match=f"ab dem 01.04.{NEXT}"):
        services.issue_invoice(world.office, cooperation, 2, today=dt.date(NEXT, 3, 31))
    assert not CooperationInvoice.objects.exists()


def test_the_served_town_does_not_bill_itself(world, cooperation):
    with pytest.raises(ServiceError, match="Die Rechnung stellt die Gemeinde"):
        services.issue_invoice(world.municipality_user, cooperation, 1, today=JAN_1)


def test_no_invoice_for_a_cooperation_not_yet_confirmed(world, year):
    decision = services.record_decision(
        world.municipality_user,
        year,
        {
            "mode": "kooperation",
            "serving_municipality": world.other_town,
            "weekly_hours": Decimal("15"),
            "billing": "flat",
            "quarterly_flat": Decimal("3000"),
        },
    )
    with pytest.raises(ServiceError, match="nur für eine bestätigte Kooperation"):
        services.issue_invoice(world.office, decision, 1, today=JAN_1)


def test_issuing_through_the_page_before_the_quarter_shows_the_reason(world, cooperation):
    client = http(world.office)

    response = client.post(reverse("funding:invoice_issue", args=[cooperation.code, 1]))

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"kann ab dem 01.01.{NEXT} erstellt werden" in page


@pytest.mark.parametrize("who", ["office", "served", "serving"])
def test_the_office_and_both_towns_download_the_invoice_and_it_is_logged(world, cooperation, who):
    serving = municipality_user(world.other_town, "gemeinde_neustadt")
    invoice, _ = services.issue_invoice(serving, cooperation, 1, today=JAN_1)
    user = {"office": world.office, "served": world.municipality_user, "serving": serving}[who]

    detail = http(user).get(reverse("funding:decision", args=[cooperation.code]))
    response = http(user).get(reverse("funding:invoice_pdf", args=[invoice.code]))

    assert reverse("funding:invoice_pdf", args=[invoice.code]) in detail.content.decode()
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert f"rechnung-IM-{NEXT}-08999001-Q1.pdf" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, object_id=str(invoice.code), actor=user
    ).exists()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils fehlt")
def test_the_invoice_pdf_names_parties_number_period_and_amounts(world, cooperation, tmp_path):
    invoice, _ = services.issue_invoice(world.office, cooperation, 1, today=JAN_1)

    response = http(world.municipality_user).get(
        reverse("funding:invoice_pdf", args=[invoice.code])
    )

    pdf = tmp_path / "rechnung.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603 - fixed program and arguments
        [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = " ".join(text.split())  # lines wrap anywhere in the layout
    for expected in (
        f"IM-{NEXT}-08999001-Q1",
        f"01.01.{NEXT} – 31.03.{NEXT}",
        "Neustadt",
        "Altstadt",
        "15,00 Wochenstunden",
        "195,00 Std.",
        "52,50 €",
        "10.237,50 €",
        "Umsatzsteuer 19,00 %",
        "1.945,13 €",
        "12.182,63 €",
        "11.000,00 €",
        "je Quartal 2.750,00 €",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "decision"),
        ("post", "decision_confirm"),
        ("post", "decision_reopen"),
        ("post", "invoice_issue"),
        ("get", "invoice_pdf"),
    ],
)
def test_an_invoice_is_a_404_outside_the_office_and_the_two_towns(
    world, cooperation, who, method, name
):
    invoice, _ = services.issue_invoice(world.office, cooperation, 1, today=JAN_1)
    user = persona(world, who)
    args = {
        "invoice_issue": [cooperation.code, 2],
        "invoice_pdf": [invoice.code],
    }.get(name, [cooperation.code])

    response = getattr(http(user), method)(reverse(f"funding:{name}", args=args), {"version": 2})

    assert response.status_code == 404
    assert CooperationInvoice.objects.count() == 1
    assert Decision.objects.get().status == Decision.Status.CONFIRMED
