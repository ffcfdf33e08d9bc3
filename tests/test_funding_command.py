"""``manage.py allocation --year Y --amount EUR [--period-start D --period-end D] --xlsx OUT``:
the split from the current (corrected) lists, municipalities without a list from the client
data, written as the overview XLSX (sheet ``Verteilung``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from clients.models import Client
from funding import services
from funding.models import PersonList
from imcase.organisation.models import Municipality
from tests.factories import ClientFactory, LandkreisFactory, MunicipalityFactory
from tests.test_funding_support import make_funding

COLUMNS = ("AGS", "Gemeinde", "Personen", "Anteil", "Betrag (EUR)", "VZÄ")


def run(*args: str) -> str:
    out = StringIO()
    call_command("allocation", *args, stdout=out)
    return out.getvalue()


def read(path) -> list[tuple]:
    rows = list(load_workbook(path, read_only=True)["Verteilung"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    return rows[1:]


def test_command_splits_by_the_corrected_lists_and_writes_the_overview(world, tmp_path):
    funding = make_funding(world)
    services.generate_lists(world.office, funding.year)
    town = PersonList.objects.get(municipality=world.town)
    # The list was not sent: the office's draft counts as it stands, minus a struck person.
    town.status = PersonList.Status.SENT
    town.save()
    osman = town.entries.get(last_name="Osman")
    services.strike_entry(world.municipality_user, town, osman.pk, "verstorben", "", 1)
    late_town = MunicipalityFactory(landkreis=world.landkreis, name="Spätdorf", ags="08999009")
    ClientFactory(municipality=late_town, assignment_date=dt.date(2022, 1, 1))
    out = tmp_path / "verteilung.xlsx"

    output = run("--year", "2025", "--amount", "100000,00", "--xlsx", str(out))

    rows = read(out)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("08999001", "Altstadt", 2),
        ("08999002", "Neustadt", 2),
        ("08999009", "Spätdorf", 1),
    ]
    assert [Decimal(str(r[4])) for r in rows] == [
        Decimal("40000"),
        Decimal("40000"),
        Decimal("20000"),
    ]
    assert [Decimal(str(r[5])) for r in rows] == [Decimal("0.57"), Decimal("0.57"), Decimal("0.29")]
    assert "100.000,00 €" in output
    assert "1 Gemeinde ohne Liste zählt" in output


def test_without_a_funding_year_the_command_counts_the_client_data_of_the_period(world, tmp_path):
    make_funding(world).year.delete()
    # One Kreis per database: remove the other Kreis that make_funding adds.
    Client.objects.exclude(landkreis=world.landkreis).delete()
    Municipality.objects.exclude(landkreis=world.landkreis).delete()
    out = tmp_path / "v.xlsx"

    run(
        "--year",
        "2025",
        "--amount",
        "1000",
        "--period-start",
        "01.01.2022",
        "--period-end",
        "2022-12-31",
        "--xlsx",
        str(out),
    )

    rows = read(out)
    # 2022: Rania (Altstadt, 31.12.), Kovalenko and Bondar (Neustadt).
    assert [(r[1], r[2]) for r in rows] == [("Altstadt", 1), ("Neustadt", 2)]
    assert sum(Decimal(str(r[4])) for r in rows) == Decimal("1000")
    assert [Decimal(str(r[4])) for r in rows] == [Decimal("333.33"), Decimal("666.67")]


def test_the_parts_add_up_to_the_amount_to_the_cent(world, tmp_path):
    make_funding(world)
    out = tmp_path / "v.xlsx"
    run("--year", "2025", "--amount", "1508000.01", "--xlsx", str(out))
    assert sum(Decimal(str(r[4])) for r in read(out)) == Decimal("1508000.01")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amount", "1.508.000,00"], "ohne Tausenderpunkte"),
        (["--amount", "-5"], "kein Betrag"),
        (["--amount", "10", "--period-start", "2020-13-01"], "kein gültiges Datum"),
        (["--amount", "10", "--period-start", "2023-01-01"], "endet vor seinem Beginn"),
    ],
)
def test_bad_options_stop_with_a_german_message(world, tmp_path, args, message):
    make_funding(world)
    with pytest.raises(CommandError, match=message):
        run("--year", "2025", *args, "--xlsx", str(tmp_path / "v.xlsx"))
    assert not (tmp_path / "v.xlsx").exists()


def test_no_persons_in_the_period_is_refused_in_german(world, tmp_path):
    make_funding(world)
    with pytest.raises(CommandError, match="Keine Gemeinde hat Personen"):
        run(
            "--year",
            "2025",
            "--amount",
            "10",
            "--period-start",
            "01.01.2010",
            "--period-end",
            "31.12.2010",
            "--xlsx",
            str(tmp_path / "v.xlsx"),
        )


def test_several_kreise_without_the_funding_year_are_refused(world, tmp_path):
    MunicipalityFactory(landkreis=LandkreisFactory())
    with pytest.raises(CommandError, match="2 Kreise"):
        run("--year", "2030", "--amount", "10", "--xlsx", str(tmp_path / "v.xlsx"))
