"""Import of the Kreis's assignment list: all or nothing, upsert by Aktenzeichen, CSV and XLSX."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.importer import HEADER, import_assignments
from clients.models import Client, Household, WindowExtension
from clients.models.client import ResidenceStatus
from clients.services import refresh_window
from imcase.audit.models import AuditEntry
from tests.factories import ClientFactory, LandkreisFactory, MunicipalityFactory

HEADER_LINE = ";".join(HEADER)


def row(
    az="IMP-1",
    last="Haddad",
    first="Omar",
    birth="01.02.1990",
    sex="m",
    nationality="SYR",
    ags="08999001",
    assigned="01.03.2024",
    kind="Zuweisung",
    status="Schutzstatus",
    household="",
) -> str:
    return ";".join(
        [az, last, first, birth, sex, nationality, ags, assigned, kind, status, household]
    )


def csv_file(tmp_path, *rows: str, header: str = HEADER_LINE, prefix: bytes = b""):
    path = tmp_path / "zuweisungen.csv"
    path.write_bytes(prefix + "\n".join([header, *rows]).encode() + b"\n")
    return path


def run(path, *options: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_assignments", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *options: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nichts gespeichert"):
        call_command("import_assignments", str(path), *options, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


# --- command: the happy path -------------------------------------------------------------


@pytest.mark.today
def test_command_creates_new_clients_as_open_cases_without_manager(world, tmp_path):
    path = csv_file(tmp_path, row(az="IMP-1"), row(az="IMP-2", first="Lina", sex="w"))

    out, _ = run(path)

    assert "Import abgeschlossen: 2 neu, 0 aktualisiert, 0 unverändert." in out
    client = Client.objects.get(aktenzeichen="IMP-2")
    assert client.first_name == "Lina"
    assert client.sex == Client.Sex.FEMALE
    assert client.municipality == world.town
    assert client.landkreis == world.landkreis
    assert client.status == Client.Status.OPEN
    assert client.manager is None
    assert client.opened_on == timezone.localdate()
    assert client.window_start == dt.date(2024, 3, 1)
    assert client.window_end == dt.date(2027, 3, 1)
    assert client.window_extended is False
    assert client.history.count() == 1


def test_command_writes_one_audit_entry_per_new_client_by_system(world, tmp_path):
    run(csv_file(tmp_path, row(az="IMP-1"), row(az="IMP-2")))

    entries = AuditEntry.objects.filter(object_label__startswith="IMP-")
    assert entries.count() == 2
    assert {(e.action, e.actor_name, e.actor_id) for e in entries} == {
        (AuditEntry.Action.CREATE, "System", None)
    }


def test_values_are_read_case_insensitively(world, tmp_path):
    path = csv_file(tmp_path, row(sex="W", kind="FAMILIENNACHZUG", status="duldung"))

    run(path)

    client = Client.objects.get(aktenzeichen="IMP-1")
    assert client.sex == Client.Sex.FEMALE
    assert client.arrival_kind == Client.ArrivalKind.FAMILIENNACHZUG
    assert client.residence_status == ResidenceStatus.DULDUNG


def test_utf8_bom_from_excel_is_accepted(world, tmp_path):
    run(csv_file(tmp_path, row(), prefix="\ufeff".encode()))

    assert Client.objects.filter(aktenzeichen="IMP-1").exists()


@pytest.mark.today
@pytest.mark.parametrize("status", ["§24", "§ 24", "Paragraph24"])
def test_assignment_date_may_be_empty_under_paragraph_24(world, tmp_path, status):
    run(csv_file(tmp_path, row(assigned="", status=status)))

    client = Client.objects.get(aktenzeichen="IMP-1")
    assert client.residence_status == ResidenceStatus.UKRAINE
    assert client.assignment_date is None
    assert client.window_start == timezone.localdate()


# --- command: header and format errors ----------------------------------------------------


def test_wrong_header_is_refused_with_the_expected_header(world, tmp_path):
    header = HEADER_LINE.replace("Staatsangehörigkeit", "Staatsangehoerigkeit")

    err = run_failing(csv_file(tmp_path, row(), header=header))

    assert "Zeile 1: Die Kopfzeile stimmt nicht." in err
    assert HEADER_LINE in err
    assert "Spalte 6 heißt 'Staatsangehoerigkeit' statt 'Staatsangehörigkeit'" in err


def test_comma_separated_file_is_refused_at_the_header(world, tmp_path):
    path = csv_file(tmp_path, row().replace(";", ","), header=HEADER_LINE.replace(";", ","))

    assert "Die Kopfzeile stimmt nicht" in run_failing(path)


def test_empty_file_is_refused(world, tmp_path):
    path = tmp_path / "leer.csv"
    path.write_bytes(b"")

    assert "Die Datei ist leer." in run_failing(path)


def test_file_with_only_the_header_is_refused(world, tmp_path):
    assert "nur die Kopfzeile" in run_failing(csv_file(tmp_path))


def test_file_that_is_not_utf8_is_refused(world, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER_LINE}\n{row(last='Müller')}\n".encode("latin-1"))

    assert "weder eine UTF-8-kodierte CSV-Datei noch eine Excel-Arbeitsmappe" in run_failing(path)


def test_broken_xlsx_is_refused(world, tmp_path):
    path = tmp_path / "liste.xlsx"
    path.write_bytes(b"PK\x03\x04 kein echtes Archiv")

    assert "keine gültige Excel-Arbeitsmappe" in run_failing(path)


def test_unreadable_path_is_refused(world, tmp_path):
    with pytest.raises(CommandError, match="kann nicht gelesen werden"):
        call_command("import_assignments", str(tmp_path / "fehlt.csv"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth", "31.02.1990", "Geburtsdatum '31.02.1990' ist kein gültiges Datum (TT.MM.JJJJ)."),
        ("birth", "1990-02-01", "Geburtsdatum '1990-02-01' ist kein gültiges Datum (TT.MM.JJJJ)."),
        ("birth", "", "Geburtsdatum fehlt."),
        ("sex", "x", "Geschlecht 'x' ist ungültig (erlaubt: m, w, d)."),
        ("nationality", "SYRIA", "Staatsangehörigkeit 'SYRIA' ist kein Ländercode"),
        ("ags", "0899900", "AGS '0899900' ist kein 8-stelliger Amtlicher Gemeindeschlüssel."),
        ("ags", "08999099", "AGS '08999099' ist keine bekannte Gemeinde."),
        ("assigned", "", "Zuweisungsdatum fehlt; leer bleiben darf es nur beim"),
        ("assigned", "01.01.1980", "Zuweisungsdatum '01.01.1980' liegt vor dem Geburtsdatum."),
        ("kind", "Umzug", "Zugangsart 'Umzug' ist ungültig (erlaubt: Zuweisung,"),
        ("status", "Asyl", "Aufenthaltsstatus 'Asyl' ist ungültig (erlaubt: Schutzstatus,"),
        ("az", "", "Aktenzeichen fehlt."),
        ("last", "", "Nachname fehlt."),
    ],
)
def test_bad_value_is_reported_with_line_and_german_message(world, tmp_path, field, value, message):
    bad = row(**{"az": "IMP-9", field: value})
    err = run_failing(csv_file(tmp_path, row(az="IMP-0"), bad))

    assert f"Zeile 3: {message}" in err
    assert not Client.objects.filter(aktenzeichen__startswith="IMP-").exists()


def test_each_problem_of_a_row_is_reported(world, tmp_path):
    err = run_failing(csv_file(tmp_path, row(birth="32.01.1990", sex="q", kind="")))

    assert "Zeile 2: Geburtsdatum '32.01.1990'" in err
    assert "Zeile 2: Geschlecht 'q'" in err
    assert "Zeile 2: Zugangsart fehlt" in err


def test_row_with_wrong_number_of_columns_is_refused(world, tmp_path):
    err = run_failing(csv_file(tmp_path, "IMP-1;Haddad;Omar"))

    assert "Zeile 2: Die Zeile hat 3 statt 11 Spalten (Trennzeichen Semikolon)." in err


def test_duplicate_aktenzeichen_within_the_file_is_refused(world, tmp_path):
    err = run_failing(csv_file(tmp_path, row(az="IMP-1"), row(az="IMP-2"), row(az="IMP-1")))

    assert "Zeile 4: Aktenzeichen 'IMP-1' steht mehrfach in der Datei (zuerst in Zeile 2)." in err


# --- all or nothing -------------------------------------------------------------------------


def test_file_with_three_good_and_two_bad_rows_imports_nothing_and_lists_both(world, tmp_path):
    path = csv_file(
        tmp_path,
        row(az="IMP-1"),
        row(az="IMP-2", birth="31.02.1990"),
        row(az="IMP-3"),
        row(az="IMP-4"),
        row(az="IMP-5", ags="12345678"),
    )
    clients_before = Client.objects.count()
    audit_before = AuditEntry.objects.count()

    err = run_failing(path)

    assert "Zeile 3: Geburtsdatum '31.02.1990' ist kein gültiges Datum (TT.MM.JJJJ)." in err
    assert "Zeile 6: AGS '12345678' ist keine bekannte Gemeinde." in err
    assert "Zeile 2" not in err and "Zeile 4" not in err and "Zeile 5" not in err
    assert Client.objects.count() == clients_before
    assert AuditEntry.objects.count() == audit_before


def test_failing_import_exits_with_status_one(world, tmp_path):
    path = csv_file(tmp_path, row(sex="x"))

    with pytest.raises(CommandError) as failure:
        call_command("import_assignments", str(path), stderr=io.StringIO())

    assert failure.value.returncode == 1


# --- upsert -----------------------------------------------------------------------------------


def test_import_updates_existing_client_and_recomputes_its_window(world, tmp_path):
    client = world.client
    version = client.version
    path = csv_file(
        tmp_path,
        row(
            az=client.aktenzeichen,
            last="Haddad-Neu",
            ags=world.town.ags,
            assigned="15.06.2024",
            status="Duldung",
            household="HH-7",
        ),
    )

    out, _ = run(path)

    assert "0 neu, 1 aktualisiert, 0 unverändert" in out
    client.refresh_from_db()
    assert client.last_name == "Haddad-Neu"
    assert client.assignment_date == dt.date(2024, 6, 15)
    assert client.residence_status == ResidenceStatus.DULDUNG
    assert (client.window_start, client.window_end) == (dt.date(2024, 6, 15), dt.date(2027, 6, 15))
    assert client.household.key == "HH-7"
    assert client.manager == world.owner
    assert client.status == Client.Status.OPEN
    assert client.version == version + 1
    entry = AuditEntry.objects.get(object_id=str(client.code), action=AuditEntry.Action.CHANGE)
    assert "assignment_date" in entry.detail["fields"]


def test_update_keeps_an_approved_extension_in_the_window(world, tmp_path):
    client = world.client
    WindowExtension.objects.create(
        client=client,
        reason="Begründeter Einzelfall: Ausbildung läuft noch.",
        requested_by=world.owner,
        decision=WindowExtension.Decision.APPROVED,
        decided_by=world.colleague,
    )
    refresh_window(client)
    client.save()
    path = csv_file(
        tmp_path, row(az=client.aktenzeichen, ags=world.town.ags, assigned="01.01.2024")
    )

    run(path)

    client.refresh_from_db()
    assert client.window_extended is True
    assert client.window_end == dt.date(2028, 1, 1)
    fields = (client.window_start, client.window_end, client.window_extended)
    refresh_window(client)
    assert (client.window_start, client.window_end, client.window_extended) == fields


def test_update_never_touches_manager_status_or_closing(world, tmp_path):
    client = world.client
    client.status = Client.Status.CLOSED
    client.closed_on = dt.date(2025, 1, 31)
    client.closed_reason = Client.ClosedReason.MOVED_AWAY
    client.save()

    run(csv_file(tmp_path, row(az=client.aktenzeichen, last="Anders", ags=world.town.ags)))

    client.refresh_from_db()
    assert client.last_name == "Anders"
    assert client.manager == world.owner
    assert client.status == Client.Status.CLOSED
    assert client.closed_reason == Client.ClosedReason.MOVED_AWAY


def test_importing_the_same_file_again_changes_nothing(world, tmp_path):
    path = csv_file(tmp_path, row(az="IMP-1"), row(az="IMP-2", household="HH-1"))
    run(path)
    audit_before = AuditEntry.objects.count()

    out, _ = run(path)

    assert "0 neu, 0 aktualisiert, 2 unverändert" in out
    assert AuditEntry.objects.count() == audit_before
    assert Client.objects.get(aktenzeichen="IMP-1").version == 1


def test_household_key_links_the_members_of_a_family(world, tmp_path):
    existing = Household.objects.create(landkreis=world.landkreis, key="HH-OLD")
    path = csv_file(
        tmp_path,
        row(az="IMP-1", household="HH-1"),
        row(az="IMP-2", first="Lina", household="HH-1"),
        row(az="IMP-3", household="HH-OLD"),
        row(az="IMP-4"),
    )

    run(path)

    family = Household.objects.get(landkreis=world.landkreis, key="HH-1")
    assert set(family.members.values_list("aktenzeichen", flat=True)) == {"IMP-1", "IMP-2"}
    assert Client.objects.get(aktenzeichen="IMP-3").household == existing
    assert Client.objects.get(aktenzeichen="IMP-4").household is None


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_import_reads_date_cells_and_an_ags_typed_as_number(world, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    sheet.append(
        [
            "IMP-X",
            "Karimi",
            "Sara",
            dt.datetime(1995, 7, 3),
            "w",
            "afg",
            8999001,
            "01.09.2023",
            "Zuweisung",
            "Gestattung",
            None,
        ]
    )
    path = tmp_path / "liste.xlsx"
    workbook.save(path)

    out, _ = run(path)

    assert "1 neu" in out
    client = Client.objects.get(aktenzeichen="IMP-X")
    assert client.birth_date == dt.date(1995, 7, 3)
    assert client.nationality == "AFG"
    assert client.municipality == world.town
    assert client.assignment_date == dt.date(2023, 9, 1)
    assert client.residence_status == ResidenceStatus.GESTATTUNG


def test_xlsx_errors_name_the_sheet_row(world, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    sheet.append(["IMP-X", "Karimi", "Sara", "1995", "w", "AFG", "08999001", "", "Zuweisung"])
    path = tmp_path / "liste.xlsx"
    workbook.save(path)

    err = run_failing(path)

    assert "Zeile 2: Geburtsdatum '1995' ist kein gültiges Datum (TT.MM.JJJJ)." in err
    assert "Zeile 2: Aufenthaltsstatus fehlt" in err


# --- dry run ------------------------------------------------------------------------------------


def test_dry_run_reports_what_would_happen_and_writes_nothing(world, tmp_path):
    path = csv_file(
        tmp_path,
        row(az="IMP-1", household="HH-NEU"),
        row(az=world.client.aktenzeichen, last="Anders", ags=world.town.ags),
    )
    clients_before = Client.objects.count()
    audit_before = AuditEntry.objects.count()

    out, _ = run(path, "--dry-run")

    assert "Probelauf ohne Speichern: 1 neu, 1 aktualisiert, 0 unverändert." in out
    assert Client.objects.count() == clients_before
    assert AuditEntry.objects.count() == audit_before
    assert not Household.objects.filter(key="HH-NEU").exists()
    world.client.refresh_from_db()
    assert world.client.last_name == "Haddad"


def test_dry_run_still_reports_errors(world, tmp_path):
    assert "Zeile 2: Geschlecht" in run_failing(csv_file(tmp_path, row(sex="?")), "--dry-run")


# --- the Kreis of the command ----------------------------------------------------------------


def test_command_with_several_kreise_uses_the_kreis_of_the_file(world, tmp_path):
    other_kreis = LandkreisFactory(name="Landkreis Anderswo")
    elsewhere = MunicipalityFactory(landkreis=other_kreis, ags="08888001")

    run(csv_file(tmp_path, row(az="IMP-1", ags=elsewhere.ags)))

    assert Client.objects.get(aktenzeichen="IMP-1").landkreis == other_kreis


def test_command_refuses_a_file_with_municipalities_of_several_kreise(world, tmp_path):
    other_kreis = LandkreisFactory(name="Landkreis Anderswo")
    MunicipalityFactory(landkreis=other_kreis, ags="08888001")
    path = csv_file(tmp_path, row(az="IMP-1"), row(az="IMP-2", ags="08888001"))

    err = run_failing(path)

    assert "Gemeinden aus mehreren Kreisen (Landkreis Anderswo, Landkreis Testkreis)" in err


def test_aktenzeichen_is_matched_within_the_kreis_only(world, tmp_path):
    other_kreis = LandkreisFactory(name="Landkreis Anderswo")
    elsewhere = MunicipalityFactory(landkreis=other_kreis, ags="08888001")
    ClientFactory(municipality=elsewhere, aktenzeichen="IMP-1", last_name="Fremd")

    result = import_assignments(
        csv_file(tmp_path, row(az="IMP-1")).read_bytes(), landkreis=world.landkreis
    )

    assert (result.created, result.updated) == (1, 0)
    assert Client.objects.get(aktenzeichen="IMP-1", landkreis=other_kreis).last_name == "Fremd"


# --- performance -----------------------------------------------------------------------------


def test_import_query_count_does_not_grow_with_the_rows(world, tmp_path):
    def queries_for(count: int, prefix: str) -> int:
        rows = [
            row(az=f"{prefix}-{n:05d}", household=f"{prefix}-HH-{n // 4}") for n in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            out, _ = run(csv_file(tmp_path, *rows))
        assert f"{count} neu" in out
        return len(queries)

    assert queries_for(20, "KLEIN") == queries_for(400, "GROSS")


def test_reimport_reports_only_the_changed_row(world, tmp_path):
    rows = [row(az=f"IMP-{n:05d}", household=f"HH-{n // 4}") for n in range(50)]
    run(csv_file(tmp_path, *rows))
    rows[0] = row(az="IMP-00000", last="Geändert", household="HH-0")
    out, _ = run(csv_file(tmp_path, *rows))
    assert "0 neu, 1 aktualisiert, 49 unverändert" in out
    assert AuditEntry.objects.filter(object_label="IMP-00000").count() == 2


# --- upload page ---------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "liste.csv", **data):
    return client.post(
        reverse("clients:import"),
        {"file": SimpleUploadedFile(name, content), **data},
    )


def test_office_sees_the_upload_page_with_the_format(client, world):
    client.force_login(world.office)

    response = client.get(reverse("clients:import"))

    assert response.status_code == 200
    assert "Nur prüfen (Probelauf)" in response.content.decode()
    assert HEADER_LINE in response.content.decode()


def test_office_upload_imports_and_reports_the_summary(client, world):
    client.force_login(world.office)
    content = f"{HEADER_LINE}\n{row(az='IMP-1')}\n".encode()

    response = upload(client, content)

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Import abgeschlossen: 1 neu, 0 aktualisiert, 0 unverändert." in page
    created = Client.objects.get(aktenzeichen="IMP-1")
    entry = AuditEntry.objects.get(object_id=str(created.code))
    assert (entry.action, entry.actor) == (AuditEntry.Action.CREATE, world.office)


def test_office_dry_run_upload_shows_the_summary_and_keeps_nothing(client, world):
    client.force_login(world.office)
    content = f"{HEADER_LINE}\n{row(az='IMP-1')}\n".encode()

    response = upload(client, content, dry_run="on")

    assert response.status_code == 200
    assert "Probelauf ohne Speichern: 1 neu" in response.content.decode()
    assert not Client.objects.filter(aktenzeichen="IMP-1").exists()


def test_office_upload_with_errors_lists_them_in_a_table_and_keeps_nothing(client, world):
    client.force_login(world.office)
    content = f"{HEADER_LINE}\n{row(az='IMP-1')}\n{row(az='IMP-2', sex='x')}\n".encode()

    response = upload(client, content)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<caption>Fehler in der Datei</caption>" in page
    assert "<td>3</td><td>Geschlecht &#x27;x&#x27; ist ungültig (erlaubt: m, w, d).</td>" in page
    assert not Client.objects.filter(aktenzeichen__startswith="IMP-").exists()


def test_office_upload_refuses_ags_of_another_kreis(client, world):
    other_kreis = LandkreisFactory(name="Landkreis Anderswo")
    MunicipalityFactory(landkreis=other_kreis, name="Fernweiler", ags="08888001")
    client.force_login(world.office)
    content = f"{HEADER_LINE}\n{row(az='IMP-1', ags='08888001')}\n".encode()

    page = upload(client, content).content.decode()

    assert "AGS &#x27;08888001&#x27; (Fernweiler) gehört nicht zum Kreis Landkreis Testkreis." in (
        page
    )
    assert not Client.objects.filter(aktenzeichen="IMP-1").exists()


def test_office_upload_accepts_xlsx(client, world):
    workbook = openpyxl.Workbook()
    workbook.active.append(list(HEADER))
    workbook.active.append(row(az="IMP-X").split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(world.office)

    response = upload(client, buffer.getvalue(), name="liste.xlsx")

    assert response.status_code == 302
    assert Client.objects.filter(aktenzeichen="IMP-X").exists()


def test_upload_of_another_file_type_is_refused_by_the_form(client, world):
    client.force_login(world.office)

    response = upload(client, b"irgendwas", name="liste.pdf")

    assert "Bitte laden Sie eine .csv- oder .xlsx-Datei hoch." in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["owner", "colleague", "outsider", "municipality_user", "rp_user", "admin"]
)
def test_import_page_is_404_for_everyone_but_the_office(client, world, persona):
    client.force_login(getattr(world, persona))
    content = f"{HEADER_LINE}\n{row(az='IMP-1')}\n".encode()

    assert client.get(reverse("clients:import")).status_code == 404
    assert upload(client, content).status_code == 404
    assert not Client.objects.filter(aktenzeichen="IMP-1").exists()
