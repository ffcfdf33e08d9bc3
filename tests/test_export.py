"""XLSX export of the client list: the command for the whole Kreis, the download per user."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from clients.exporter import HEADERS
from clients.models import Client, WindowExtension
from clients.services import refresh_window
from imcase.audit.models import AuditEntry
from tests.factories import ClientFactory, HouseholdFactory

REQUIRED = ["Aktenzeichen", "AGS", "Gemeinde", "Zuweisungsdatum", "Beratungsende", "Status"]


def approve_extension(world, client: Client) -> None:
    WindowExtension.objects.create(
        client=client,
        reason="Begründeter Einzelfall: die Ausbildung endet erst im Sommer.",
        requested_by=world.owner,
        decision=WindowExtension.Decision.APPROVED,
        decided_by=world.colleague,
    )
    refresh_window(client)
    client.save()


def export(tmp_path, *options: str) -> openpyxl.Workbook:
    path = tmp_path / "klienten.xlsx"
    call_command("export_clients", "--xlsx", str(path), *options, stdout=io.StringIO())
    return openpyxl.load_workbook(path)


def rows_by_aktenzeichen(workbook) -> dict[str, dict]:
    sheet = workbook["Klienten"]
    header, *rows = sheet.iter_rows(values_only=True)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


# --- command -------------------------------------------------------------------------------


def test_command_writes_the_required_columns_first_with_real_dates(world, tmp_path):
    approve_extension(world, world.client)

    workbook = export(tmp_path, "--on", "01.06.2025")

    assert workbook.sheetnames == ["Klienten"]
    sheet = workbook["Klienten"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == REQUIRED
    assert header[6:9] == ["Fallstatus", "Nachname", "Vorname"]
    assert header == list(HEADERS)
    assert sheet.freeze_panes == "A2"
    assert sheet[1][0].font.bold
    assert sheet.column_dimensions["C"].width > 10
    row = rows_by_aktenzeichen(workbook)[world.client.aktenzeichen]
    assert row["AGS"] == "08999001"
    assert row["Gemeinde"] == "Altstadt"
    assert row["Zuweisungsdatum"] == dt.datetime(2024, 3, 1)
    assert row["Beratungsende"] == dt.datetime(2028, 3, 1)
    assert row["Status"] == "verlängert"
    assert row["Fallstatus"] == "offen"
    assert row["Nachname"] == "Haddad"
    assert row["Geburtsdatum"] == dt.datetime(1990, 5, 17)
    date_cell = sheet.cell(row=2, column=header.index("Beratungsende") + 1)
    assert date_cell.number_format == "DD.MM.YYYY"


def test_command_exports_every_client_of_the_kreis(world, tmp_path):
    rows = rows_by_aktenzeichen(export(tmp_path))

    assert set(rows) == {world.client.aktenzeichen, world.other_client.aktenzeichen}


@pytest.mark.parametrize(
    ("on", "status"),
    [
        ("2024-02-29", "noch nicht begonnen"),
        ("01.06.2025", "im Beratungszeitraum"),
        ("2027-02-01", "endet in höchstens 90 Tagen"),
        ("02.03.2027", "beendet – Ausleitung fällig"),
    ],
)
def test_on_sets_the_day_of_the_status(world, tmp_path, on, status):
    rows = rows_by_aktenzeichen(export(tmp_path, "--on", on))

    assert rows[world.client.aktenzeichen]["Status"] == status


def test_closed_case_shows_no_window_state_and_says_closed(world, tmp_path):
    client = world.client
    client.status = Client.Status.CLOSED
    client.closed_on = dt.date(2025, 1, 31)
    client.closed_reason = Client.ClosedReason.INDEPENDENT
    client.save()

    row = rows_by_aktenzeichen(export(tmp_path, "--on", "01.06.2025"))[client.aktenzeichen]

    # A closed case has no window state ("im Beratungszeitraum", "Ausleitung fällig").
    assert row["Status"] == "Fall abgeschlossen"
    assert row["Fallstatus"] == "abgeschlossen"
    assert row["Ausleitung am"] == dt.datetime(2025, 1, 31)


def test_client_without_window_is_exported_with_empty_end(world, tmp_path):
    ClientFactory(municipality=world.town, aktenzeichen="OHNE-1", assignment_date=None)

    row = rows_by_aktenzeichen(export(tmp_path))["OHNE-1"]

    assert row["Beratungsende"] is None
    assert row["Status"] == "ohne Beratungszeitraum"


def test_command_reads_all_rows_in_a_fixed_number_of_queries(
    world, tmp_path, django_assert_max_num_queries
):
    """Fifty clients with households and managers cost what two do: no query per row."""
    for number in range(50):
        ClientFactory(
            municipality=world.town,
            manager=world.owner,
            household=HouseholdFactory(landkreis=world.landkreis),
            aktenzeichen=f"VIELE-{number:02d}",
        )

    with django_assert_max_num_queries(3):
        rows = rows_by_aktenzeichen(export(tmp_path, "--on", "01.06.2025"))

    assert len(rows) == 52
    assert rows["VIELE-07"]["Haushalt"].startswith("HH-")
    assert rows["VIELE-07"]["Integrationsmanager:in"] == world.owner.get_full_name()


def test_bad_on_date_is_refused(world, tmp_path):
    with pytest.raises(CommandError, match="kein gültiges Datum"):
        export(tmp_path, "--on", "31.02.2025")


# --- download ------------------------------------------------------------------------------


def download(client, **params):
    response = client.get(reverse("clients:export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment;" in response["Content-Disposition"]
    return rows_by_aktenzeichen(openpyxl.load_workbook(io.BytesIO(response.content)))


def test_owner_downloads_only_the_clients_he_may_see(client, world):
    approve_extension(world, world.client)
    client.force_login(world.owner)

    rows = download(client)

    assert set(rows) == {world.client.aktenzeichen}
    assert rows[world.client.aktenzeichen]["Beratungsende"] == dt.datetime(2028, 3, 1)


def test_outsiders_download_lacks_the_foreign_client(client, world):
    client.force_login(world.outsider)

    rows = download(client)

    assert set(rows) == {world.other_client.aktenzeichen}


def test_team_lead_downloads_his_regions_clients(client, world):
    client.force_login(world.colleague)

    assert set(download(client)) == {world.client.aktenzeichen}


def test_download_is_filtered_like_the_list(client, world):
    ClientFactory(municipality=world.town, last_name="Weber", aktenzeichen="AZ-WEBER")
    client.force_login(world.owner)

    rows = download(client, fallstatus="open", sortierung="aktenzeichen", suche="AZ-WEBER")

    assert set(rows) == {"AZ-WEBER"}


def test_download_writes_one_export_entry_for_the_kreis(client, world):
    client.force_login(world.owner)

    download(client, fallstatus="open", seite="2")

    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == world.owner
    assert entry.object_type == "organisation.landkreis"
    assert entry.object_id == str(world.landkreis.pk)
    assert entry.detail["count"] == 1
    assert entry.detail["filters"] == {"fallstatus": "open"}


@pytest.mark.parametrize("persona", ["office", "municipality_user", "rp_user", "admin"])
def test_download_is_404_for_roles_without_case_work(client, world, persona):
    client.force_login(getattr(world, persona))

    assert client.get(reverse("clients:export")).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_download_needs_a_login(client, world):
    response = client.get(reverse("clients:export"))

    assert response.status_code == 302


def test_download_of_a_name_search_keeps_the_lists_ranking(client, world):
    for last_name, aktenzeichen in (("Hadad", "B"), ("Haddad", "C")):
        ClientFactory(
            municipality=world.town,
            manager=world.owner,
            last_name=last_name,
            aktenzeichen=aktenzeichen,
        )
    client.force_login(world.owner)

    response = client.get(reverse("clients:export"), {"suche": "Haddad"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Klienten"]
    order = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]

    # The typed spelling first (both Haddad by name, then pk), the near spelling after.
    assert order[-1] == "B" and set(order[:-1]) == {"C", world.client.aktenzeichen}
