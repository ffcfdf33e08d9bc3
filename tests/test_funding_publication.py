"""Steps 5–6: the office previews the split and publishes it as a frozen, numbered revision;
each municipality downloads its allocation sheet (PDF letter, XLSX), the office the overview
(sheet ``Verteilung``). Corrections are new revisions; published figures never change."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from funding import services
from funding.computation import plan_for_year
from funding.models import Allocation, AllocationRevision, FundingYear, PersonList
from imcase.errors import ServiceError
from tests.factories import ClientFactory, MunicipalityFactory
from tests.test_funding_support import http, make_funding, persona


@pytest.fixture
def funding(world):
    """Lists sent; Altstadt strikes Osman and adds a child: Altstadt 3, Neustadt 2 persons."""
    funding = make_funding(world)
    services.generate_lists(world.office, funding.year)
    services.send_lists(world.office, funding.year, "https://imcase.example/")
    town = PersonList.objects.get(municipality=world.town)
    osman = town.entries.get(last_name="Osman")
    services.strike_entry(world.municipality_user, town, osman.pk, "weggezogen", "", town.version)
    town.refresh_from_db()
    yusuf = town.entries.get(first_name="Yusuf")
    services.add_child(
        world.municipality_user, town, yusuf.pk, "Haddad", "Lina", dt.date(2021, 8, 9), 2
    )
    return funding


def publish(world, year: FundingYear, note: str = "") -> AllocationRevision:
    year = FundingYear.objects.get(pk=year.pk)
    return services.publish(
        world.office, year, plan_for_year(year).fingerprint, note, "https://imcase.example/"
    )


def test_split_counts_the_corrected_lists(world, funding):
    plan = plan_for_year(funding.year)

    persons = {row.count.name: row.count.persons for row in plan.rows}
    assert persons == {"Altstadt": 3, "Neustadt": 2}
    amounts = {row.count.name: row.line.amount for row in plan.rows}
    assert amounts == {"Altstadt": Decimal("904800.00"), "Neustadt": Decimal("603200.00")}
    assert plan.total_amount == Decimal("1508000.00")


def test_a_municipality_without_a_list_counts_from_the_client_data(world, funding):
    late_town = MunicipalityFactory(landkreis=world.landkreis, name="Spätdorf", ags="08999009")
    ClientFactory(municipality=late_town, assignment_date=dt.date(2021, 1, 1))

    row = next(r for r in plan_for_year(funding.year).rows if r.count.name == "Spätdorf")
    assert row.count.persons == 1
    assert row.count.source == Allocation.Source.CLIENT_DATA


def test_office_publishes_what_the_preview_showed(world, funding, mailoutbox):
    office = http(world.office)
    preview = office.get(reverse("funding:preview", args=[2025]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "904.800,00 €" in html
    assert "Neustadt" in html and "noch nicht zurückgemeldet" in html
    fingerprint = plan_for_year(funding.year).fingerprint

    response = office.post(reverse("funding:preview", args=[2025]), {"fingerprint": fingerprint})

    assert response.status_code == 302
    revision = AllocationRevision.objects.get()
    assert revision.number == 1
    assert revision.kreis_amount == Decimal("1508000.00")
    assert revision.total_persons == 5
    assert sum(a.amount for a in revision.allocations.all()) == revision.distributable_amount


def test_publishing_tells_the_municipalities_by_e_mail(
    world, funding, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(world, funding.year)

    mail = next(m for m in mailoutbox if world.municipality_user.email in m.to)
    assert "Ihre Zuteilung (Revision 1)" in mail.subject
    assert "904.800,00 €" in mail.body
    assert "https://imcase.example/foerderung/jahre/2025/zuteilung/08999001/" in mail.body


def test_figures_that_changed_since_the_preview_are_not_published(world, funding):
    old = plan_for_year(funding.year).fingerprint
    town = PersonList.objects.get(municipality=world.town)
    yusuf = town.entries.get(first_name="Yusuf")
    services.strike_entry(world.municipality_user, town, yusuf.pk, "verstorben", "", town.version)

    response = http(world.office).post(
        reverse("funding:preview", args=[2025]), {"fingerprint": old}
    )

    assert response.status_code == 400
    assert "seit der Vorschau geändert" in response.content.decode()
    assert not AllocationRevision.objects.exists()


def test_published_figures_stay_frozen_when_lists_and_amounts_change(world, funding):
    first = publish(world, funding.year)
    town = PersonList.objects.get(municipality=world.town)
    yusuf = town.entries.get(first_name="Yusuf")
    services.strike_entry(world.municipality_user, town, yusuf.pk, "verstorben", "", town.version)
    year = FundingYear.objects.get(pk=funding.year.pk)
    services.update_year(
        world.office,
        year,
        {"land_total": Decimal("50000000"), "quota_percent": Decimal("3.77")},
        year.version,
    )

    sheet = http(world.municipality_user).get(reverse("funding:sheet", args=[2025, "08999001"]))

    assert "904.800,00 €" in sheet.content.decode()
    frozen = first.allocations.get(ags="08999001")
    assert (frozen.persons, frozen.amount) == (3, Decimal("904800.00"))


def test_a_correction_is_a_new_numbered_revision_with_a_reason(world, funding):
    publish(world, funding.year)
    with pytest.raises(ServiceError, match="Grund der Korrektur"):
        publish(world, funding.year)
    town = PersonList.objects.get(municipality=world.town)
    yusuf = town.entries.get(first_name="Yusuf")
    services.strike_entry(world.municipality_user, town, yusuf.pk, "verstorben", "", town.version)

    second = publish(world, funding.year, note="Liste Altstadt korrigiert")

    assert second.number == 2
    latest = http(world.municipality_user).get(reverse("funding:sheet", args=[2025, "08999001"]))
    html = latest.content.decode()
    assert "Revision 2" in html and "Liste Altstadt korrigiert" in html
    assert "754.000,00 €" in html  # 2 of 4 persons
    assert "PDF Revision 1" in html  # the old sheet can still be downloaded


# --- downloads ----------------------------------------------------------------------------


def test_office_downloads_the_overview_with_exactly_the_agreed_columns(world, funding):
    publish(world, funding.year)

    response = http(world.office).get(reverse("funding:overview_xlsx", args=[2025, 1]))

    assert response.status_code == 200
    assert "verteilung-2025-revision-1.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook["Verteilung"].iter_rows(values_only=True))
    assert rows[0] == ("AGS", "Gemeinde", "Personen", "Anteil", "Betrag (EUR)", "VZÄ")
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("08999001", "Altstadt", 3),
        ("08999002", "Neustadt", 2),
    ]
    amounts = [Decimal(str(r[4])) for r in rows[1:]]
    assert sum(amounts) == Decimal("1508000.00")
    assert Decimal(str(rows[1][3])) == Decimal("0.6")
    assert Decimal(str(rows[1][5])) == Decimal("12.93")  # 904,800 ÷ 70,000


def test_municipality_downloads_its_sheet_as_xlsx_with_the_computation(world, funding):
    publish(world, funding.year)
    url = reverse("funding:sheet_xlsx", args=[2025, "08999001", 1])

    response = http(world.municipality_user).get(url)

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Zuteilung"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Gemeinde"] == "Altstadt"
    assert Decimal(str(values["Verteilbarer Betrag"])) == Decimal("1508000")
    assert values["Personen der Zielgruppe in Altstadt"] == 3
    assert values["Personen der Zielgruppe im Kreis"] == 5
    assert Decimal(str(values["Landesmittel für das Integrationsmanagement"])) == Decimal(
        "40000000"
    )


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils fehlt")
def test_municipality_downloads_its_sheet_as_a_pdf_letter_showing_the_computation(
    world, funding, tmp_path
):
    publish(world, funding.year)
    url = reverse("funding:sheet_pdf", args=[2025, "08999001", 1])

    response = http(world.municipality_user).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "zuteilung.pdf"
    pdf.write_bytes(response.content)
    pdftotext = shutil.which("pdftotext")
    text = subprocess.run(  # noqa: S603 - fixed program and arguments
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Zuteilung an Altstadt",
        "Sehr geehrte Damen und Herren",
        "40.000.000,00 €",
        "3,77 %",
        "1.508.000,00 €",
        "60,0000 %",
        "904.800,00 €",
        "12,93 VZÄ",
        "Landkreis Testkreis",
    ):
        assert expected in text, expected


# --- scoping ------------------------------------------------------------------------------


SHEET_VIEWS = [
    ("sheet", ["08999001"]),
    ("sheet_pdf", ["08999001", 1]),
    ("sheet_xlsx", ["08999001", 1]),
]


@pytest.mark.parametrize(
    "who", ["other_municipality", "other_office", "owner", "colleague", "outsider", "rp_user"]
)
@pytest.mark.parametrize(("name", "args"), SHEET_VIEWS)
def test_a_sheet_is_a_404_outside_its_municipality_and_the_office(world, funding, who, name, args):
    publish(world, funding.year)
    user = persona(world, funding, who)

    response = http(user).get(reverse(f"funding:{name}", args=[2025, *args]))

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "args"), SHEET_VIEWS)
def test_the_office_opens_every_municipality_sheet(world, funding, name, args):
    publish(world, funding.year)
    assert http(world.office).get(reverse(f"funding:{name}", args=[2025, *args])).status_code == 200


@pytest.mark.parametrize(
    "who",
    [
        "municipality_user",
        "other_municipality",
        "other_office",
        "owner",
        "outsider",
        "rp_user",
        "admin",
    ],
)
@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "preview", [2025]),
        ("post", "preview", [2025]),
        ("get", "revision", [2025, 1]),
        ("get", "overview_xlsx", [2025, 1]),
    ],
)
def test_preview_publication_and_overview_are_for_the_office_only(
    world, funding, who, method, name, args
):
    publish(world, funding.year)
    user = persona(world, funding, who)
    fingerprint = plan_for_year(funding.year).fingerprint

    response = getattr(http(user), method)(
        reverse(f"funding:{name}", args=args), {"fingerprint": fingerprint, "note": "x"}
    )

    assert response.status_code == 404
    assert AllocationRevision.objects.count() == 1


def test_municipality_index_links_its_list_and_its_sheet_only(world, funding):
    publish(world, funding.year)
    html = http(world.municipality_user).get(reverse("funding:index")).content.decode()
    town_list = PersonList.objects.get(municipality=world.town)
    other_list = PersonList.objects.get(municipality=world.other_town)

    assert str(town_list.code) in html
    assert str(other_list.code) not in html
    assert reverse("funding:sheet", args=[2025, "08999001"]) in html
    assert "08999002" not in html


def test_preview_queries_do_not_grow_with_the_number_of_municipalities(world, funding):
    office = http(world.office)
    url = reverse("funding:preview", args=[2025])
    office.get(url)
    with CaptureQueriesContext(connection) as few:
        office.get(url)
    for index in range(5):
        town = MunicipalityFactory(landkreis=world.landkreis, ags=f"0899910{index}")
        ClientFactory(municipality=town, assignment_date=dt.date(2021, 1, 1))
    services.generate_lists(world.office, funding.year)

    with CaptureQueriesContext(connection) as many:
        office.get(url)

    assert len(many) == len(few)
