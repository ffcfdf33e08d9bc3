"""Import of the Kreis's list of AU assignments (CSV or XLSX): validate every row, then write all.

All or nothing: if one row is bad, nothing is written and the problems are reported with their
line numbers (header = line 1; the first ``MAX_LISTED_PROBLEMS`` are listed, all are counted,
and all are written to a ``ProblemLog`` if one is given, for a CSV download). Every problem of a
row is reported in the same pass: an unknown AGS together with a bad date or sex.
The file is read row by row (``clients.import_reader``) and bounded: at most
``settings.IMPORT_MAX_ROWS`` persons, an XLSX at most ``settings.IMPORT_MAX_XLSX_MB`` unpacked.
A control character in a cell (a NUL byte, a line break, …) is a row error.

Clients are matched by Aktenzeichen within the Kreis; an existing client gets the file's values
for the person fields below and a recomputed window, but keeps its manager, case status and
consultations. Rows are written in bulk so a list of several thousand persons imports in
seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clients.countries import is_valid_alpha3
from clients.households import default_household_role, is_minor
from clients.import_reader import UnreadableFile, read_rows
from clients.models import Client, Household, WindowExtension
from clients.models.client import ResidenceStatus
from clients.names import SKELETON_FIELDS, fill_name_skeletons
from clients.services import window_start_for
from clients.window import Window
from imcase.audit.models import AuditEntry
from imcase.audit.services import record_many
from imcase.counted import counted
from imcase.dates import german_date
from imcase.organisation.models import Landkreis, Municipality

HEADER = (
    "Aktenzeichen",
    "Nachname",
    "Vorname",
    "Geburtsdatum",
    "Geschlecht",
    "Staatsangehörigkeit",
    "AGS",
    "Zuweisungsdatum",
    "Zugangsart",
    "Aufenthaltsstatus",
    "Haushalt",
)
EXPECTED_HEADER = ";".join(HEADER)

SEXES = {"m": Client.Sex.MALE, "w": Client.Sex.FEMALE, "d": Client.Sex.DIVERSE}
ARRIVAL_KINDS = {
    "zuweisung": Client.ArrivalKind.ZUWEISUNG,
    "familiennachzug": Client.ArrivalKind.FAMILIENNACHZUG,
    "geburt": Client.ArrivalKind.GEBURT,
}
RESIDENCE_STATUSES = {
    "schutzstatus": ResidenceStatus.PROTECTION,
    "duldung": ResidenceStatus.DULDUNG,
    "gestattung": ResidenceStatus.GESTATTUNG,
    "§24": ResidenceStatus.UKRAINE,
    "§ 24": ResidenceStatus.UKRAINE,
    "paragraph24": ResidenceStatus.UKRAINE,
    "sonstiger": ResidenceStatus.OTHER,
}

# The person fields the file owns; everything else on a client (manager, status, consultations,
# languages, …) belongs to the case work and is never touched by an import.
IMPORTED_FIELDS = (
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "nationality",
    "municipality_id",
    "assignment_date",
    "arrival_kind",
    "residence_status",
)
WINDOW_FIELDS = ("window_start", "window_end", "window_extended")
BATCH_SIZE = 500
# A file with thousands of bad rows is usually one systematic mistake: list the first ones
# (by line) and count the rest, instead of a page nobody reads.
MAX_LISTED_PROBLEMS = 200

_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_AGS = re.compile(r"^\d{8}$")
# C0 and C1 control characters, DEL included. PostgreSQL cannot store a NUL byte at all; the
# others have no place in a name or a key either (a tab or a line break in a cell is a mistake).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    """One reason the file was refused; ``line`` is the file's line (header = 1) or None."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"Zeile {self.line}: {self.message}" if self.line else self.message


# A cell beginning with one of these is taken for a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PROBLEM_CSV_HEADER = ("Zeile", "Fehler")


def csv_safe(value) -> str:
    """A cell for a CSV file opened in Excel: text that begins like a formula gets a leading
    apostrophe, so it is shown as the characters it is, never computed."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


class ProblemLog:
    """Every problem of an import, in the order found, as CSV (``;``, UTF-8 with BOM for
    Excel). Held in memory up to a megabyte, then in a temporary file: a file full of errors
    never sits in memory as a whole."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by close()
            max_size=1024 * 1024, mode="w+", encoding="utf-8", newline=""
        )
        self._start()

    def _start(self) -> None:
        self._file.write("\ufeff")
        self._writer = csv.writer(self._file, delimiter=";")
        self._writer.writerow(PROBLEM_CSV_HEADER)
        self.count = 0

    def write(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self._writer.writerow([problem.line or "", csv_safe(problem.message)])
            self.count += 1

    def clear(self) -> None:
        self._file.seek(0)
        self._file.truncate()
        self._start()

    def read(self) -> str:
        self._file.flush()
        self._file.seek(0)
        text = self._file.read()
        self._file.seek(0, io.SEEK_END)
        return text

    def close(self) -> None:
        self._file.close()


@dataclass
class ImportResult:
    """The outcome; ``problems`` lists the first ``MAX_LISTED_PROBLEMS`` by line,
    ``problem_count`` counts all of them; ``log`` (if given) receives all of them."""

    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    landkreis: Landkreis | None = None
    log: ProblemLog | None = None

    def add_problems(self, problems: list[Problem]) -> None:
        self.problem_count += len(problems)
        self.problems.extend(problems)
        if self.log is not None:
            self.log.write(problems)
        # Trim now and then, so a file full of errors never holds them all.
        if len(self.problems) > 2 * MAX_LISTED_PROBLEMS:
            self._trim()

    def _trim(self) -> None:
        self.problems.sort(key=lambda p: p.line or 0)
        del self.problems[MAX_LISTED_PROBLEMS:]

    @property
    def ok(self) -> bool:
        return not self.problem_count

    @property
    def unlisted(self) -> int:
        """Problems counted but not listed."""
        return self.problem_count - len(self.problems)

    def clear_problems(self) -> None:
        self.problems.clear()
        self.problem_count = 0
        if self.log is not None:
            self.log.clear()

    @property
    def listed_heading(self) -> str:
        """ "312 Fehler; die ersten 200:" or "3 Fehler:" above the list."""
        total = _number(self.problem_count)
        if self.unlisted:
            return ngettext(
                "%(total)s Fehler; der erste:",
                "%(total)s Fehler; die ersten %(listed)s:",
                len(self.problems),
            ) % {"total": total, "listed": _number(len(self.problems))}
        return f"{total} Fehler:"

    @property
    def summary(self) -> str:
        if not self.ok:
            return (
                f"Die Datei wurde nicht importiert: {_number(self.problem_count)} Fehler. "
                "Es wurde nichts gespeichert."
            )
        if self.dry_run:
            return (
                f"Probelauf ohne Speichern: {self.created} neu, {self.updated} aktualisiert, "
                f"{self.unchanged} unverändert."
            )
        return (
            f"Import abgeschlossen: {self.created} neu, {self.updated} aktualisiert, "
            f"{self.unchanged} unverändert."
        )


@dataclass
class _Row:
    line: int
    aktenzeichen: str
    last_name: str
    first_name: str
    birth_date: dt.date
    sex: str
    nationality: str
    ags: str
    assignment_date: dt.date | None
    arrival_kind: str
    residence_status: str
    household_key: str
    municipality_id: int | None = None


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def import_assignments(
    data: bytes | BinaryIO,
    *,
    filename: str = "",
    landkreis: Landkreis | None = None,
    actor=None,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    log: ProblemLog | None = None,
) -> ImportResult:
    """Validate the whole file, then (unless ``dry_run``) write it in one transaction.

    ``data`` is the file's content or an open binary file (read row by row, never closed here).
    ``landkreis`` is the importing Kreis (the office user's); without it the command's rule
    applies: the only Kreis of the database, or the one all AGS of the file belong to.
    ``progress`` is called with the number of persons (rows) read so far, once per row.
    ``log`` receives every problem (the result lists only the first ones).
    """
    today = today or timezone.localdate()
    result = ImportResult(dry_run=dry_run, log=log)
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    rows = _validate(stream, filename, landkreis, today, result, progress)
    if not result.ok:
        return result
    with transaction.atomic():
        _write(rows, result, actor, today)
        if dry_run:
            transaction.set_rollback(True)
    return result


# --- reading and validating -------------------------------------------------------------


def _validate(
    stream: BinaryIO,
    filename: str,
    landkreis: Landkreis | None,
    today: dt.date,
    result: ImportResult,
    progress: Callable[[int], None] | None = None,
) -> list[_Row]:
    max_rows = settings.IMPORT_MAX_ROWS
    rows: list[_Row] = []
    first_line: dict[str, int] = {}
    places = _Places.load(landkreis)
    header_seen = False
    persons = 0
    try:
        for line, cells in read_rows(
            stream, filename, max_xlsx_bytes=settings.IMPORT_MAX_XLSX_MB * 1024 * 1024
        ):
            if not any(_text(c) for c in cells):
                continue
            if not header_seen:
                header_problem = _check_header(cells)
                if header_problem:
                    result.add_problems([Problem(line, header_problem)])
                    return []
                header_seen = True
                continue
            persons += 1
            if progress is not None:
                progress(persons)
            if persons > max_rows:
                raise UnreadableFile(
                    f"Die Datei enthält mehr als {counted(max_rows, 'Person', 'Personen')} "
                    "(Zeilen); mehr werden in einem Import nicht angenommen. Bitte teilen Sie "
                    "die Liste auf."
                )
            problems: list[Problem] = []
            row = _parse_row(line, cells, today, problems, places)
            if row is not None and row.aktenzeichen in first_line:
                problems.append(
                    Problem(
                        line,
                        f"Aktenzeichen '{row.aktenzeichen}' steht mehrfach in der Datei "
                        f"(zuerst in Zeile {first_line[row.aktenzeichen]}).",
                    )
                )
            elif row is not None:
                first_line[row.aktenzeichen] = line
                rows.append(row)
            result.add_problems(problems)
    except UnreadableFile as error:
        # The file as a whole is refused: row problems found so far would only distract.
        result.clear_problems()
        result.add_problems([Problem(None, str(error))])
        return []
    if not header_seen:
        result.add_problems([Problem(None, "Die Datei ist leer.")])
        return []
    if not persons:
        result.add_problems(
            [Problem(None, "Die Datei enthält nur die Kopfzeile, aber keine Personen.")]
        )
        return []

    problems = []
    result.landkreis = _check_municipalities(rows, places, problems)
    result.add_problems(problems)
    result._trim()
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_header(cells: list) -> str | None:
    found = [_text(c) for c in cells]
    while found and not found[-1]:
        found.pop()
    if tuple(found) == HEADER:
        return None
    detail = ""
    for index, expected in enumerate(HEADER):
        actual = found[index] if index < len(found) else ""
        if actual != expected:
            detail = f" Spalte {index + 1} heißt '{actual}' statt '{expected}'."
            break
    else:
        detail = f" Die Zeile hat {len(found)} statt {len(HEADER)} Spalten."
    return (
        "Die Kopfzeile stimmt nicht. Erwartet wird genau (Trennzeichen Semikolon): "
        f"{EXPECTED_HEADER}.{detail}"
    )


def _parse_row(
    line: int, cells: list, today: dt.date, problems: list[Problem], places: _Places
) -> _Row | None:
    before = len(problems)

    def problem(message: str) -> None:
        problems.append(Problem(line, message))

    extra = [c for c in cells[len(HEADER) :] if _text(c)]
    if len(cells) < len(HEADER) - 1 or extra:
        problem(f"Die Zeile hat {len(cells)} statt {len(HEADER)} Spalten (Trennzeichen Semikolon).")
        return None
    values = dict(zip(HEADER, [*cells, *[None] * len(HEADER)], strict=False))
    for column, value in values.items():
        control = _CONTROL.search(value) if isinstance(value, str) else None
        if control:
            problem(
                f"{column} enthält ein unzulässiges Steuerzeichen "
                f"({_control_name(control.group())}). Erlaubt sind nur druckbare Zeichen, "
                "auch kein Tabulator oder Zeilenumbruch in einer Zelle."
            )
    if len(problems) > before:
        # The cell's value is not what the sender meant; checking it further only adds noise.
        return None

    def required_text(column: str, max_length: int) -> str:
        value = _text(values[column])
        if not value:
            problem(f"{column} fehlt.")
        elif len(value) > max_length:
            problem(f"{column} ist länger als {max_length} Zeichen.")
        return value

    def choice(column: str, mapping: dict, allowed: str) -> str:
        raw = _text(values[column])
        key = re.sub(r"\s+", " ", raw.lower())
        if key in mapping:
            return mapping[key]
        problem(
            f"{column} '{raw}' ist ungültig (erlaubt: {allowed})."
            if raw
            else f"{column} fehlt (erlaubt: {allowed})."
        )
        return ""

    aktenzeichen = required_text("Aktenzeichen", 40)
    last_name = required_text("Nachname", 120)
    first_name = required_text("Vorname", 120)
    birth_date = _date(values["Geburtsdatum"], "Geburtsdatum", problem, required=True)
    if birth_date and birth_date > today:
        problem(f"Geburtsdatum '{german_date(birth_date)}' liegt in der Zukunft.")
    sex = choice("Geschlecht", SEXES, "m, w, d")
    nationality = _text(values["Staatsangehörigkeit"]).upper()
    if nationality and not is_valid_alpha3(nationality):
        problem(
            f"Staatsangehörigkeit '{_text(values['Staatsangehörigkeit'])}' ist kein "
            "Ländercode nach ISO 3166 mit drei Buchstaben (z. B. SYR, UKR, AFG)."
        )
    ags = _ags(values["AGS"])
    if not ags:
        problem("AGS fehlt.")
    elif not _AGS.match(ags):
        problem(f"AGS '{ags}' ist kein 8-stelliger Amtlicher Gemeindeschlüssel.")
    else:
        # Checked here, with the row's other problems, not only once the rest is right.
        place_problem = places.problem(ags)
        if place_problem:
            problem(place_problem)
    residence_status = choice(
        "Aufenthaltsstatus",
        RESIDENCE_STATUSES,
        "Schutzstatus, Duldung, Gestattung, §24, Sonstiger",
    )
    assignment_date = _date(values["Zuweisungsdatum"], "Zuweisungsdatum", problem, required=False)
    if (
        assignment_date is None
        and not _text(values["Zuweisungsdatum"])
        and residence_status
        and residence_status != ResidenceStatus.UKRAINE
    ):
        problem("Zuweisungsdatum fehlt; leer bleiben darf es nur beim Aufenthaltsstatus §24.")
    if assignment_date and birth_date and assignment_date < birth_date:
        problem(f"Zuweisungsdatum '{german_date(assignment_date)}' liegt vor dem Geburtsdatum.")
    arrival_kind = choice("Zugangsart", ARRIVAL_KINDS, "Zuweisung, Familiennachzug, Geburt")
    household_key = _text(values["Haushalt"])
    if len(household_key) > 40:
        problem("Haushalt ist länger als 40 Zeichen.")

    if len(problems) > before:
        return None
    return _Row(
        municipality_id=places.municipality_id(ags),
        line=line,
        aktenzeichen=aktenzeichen,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        sex=sex,
        nationality=nationality,
        ags=ags,
        assignment_date=assignment_date,
        arrival_kind=arrival_kind,
        residence_status=residence_status,
        household_key=household_key,
    )


def _control_name(character: str) -> str:
    names = {"\x00": "NUL", "\t": "Tabulator", "\n": "Zeilenumbruch", "\r": "Wagenrücklauf"}
    code = f"U+{ord(character):04X}"
    return f"{names[character]}, {code}" if character in names else code


def _date(value, column: str, problem, *, required: bool) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        if required:
            problem(f"{column} fehlt.")
        return None
    match = _DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    problem(f"{column} '{text}' ist kein gültiges Datum (TT.MM.JJJJ).")
    return None


def _ags(value) -> str:
    # Excel shows an AGS typed as a number without its leading zero (08… → 8…).
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)).zfill(8)
    return _text(value)


@dataclass
class _Place:
    pk: int
    name: str
    landkreis_id: int


@dataclass
class _Places:
    """The municipalities of the database by AGS (a few thousand at most, loaded once) and the
    importing Kreis, if it is known before the rows are read."""

    by_ags: dict[str, _Place]
    landkreis: Landkreis | None
    # The Kreis follows from the file's AGS (the command, several Kreise in the database).
    inferred: bool
    no_kreis: bool = False

    @classmethod
    def load(cls, landkreis: Landkreis | None) -> _Places:
        by_ags = {
            ags: _Place(pk, name, kreis)
            for ags, pk, name, kreis in Municipality.objects.values_list(
                "ags", "pk", "name", "landkreis_id"
            )
        }
        if landkreis is not None:
            return cls(by_ags, landkreis, inferred=False)
        landkreise = list(Landkreis.objects.all()[:2])
        if len(landkreise) == 1:
            return cls(by_ags, landkreise[0], inferred=False)
        return cls(by_ags, None, inferred=True, no_kreis=not landkreise)

    def problem(self, ags: str) -> str | None:
        place = self.by_ags.get(ags)
        if place is None:
            return f"AGS '{ags}' ist keine bekannte Gemeinde."
        if self.landkreis is not None and place.landkreis_id != self.landkreis.pk:
            return f"AGS '{ags}' ({place.name}) gehört nicht zum Kreis {self.landkreis.name}."
        return None

    def municipality_id(self, ags: str) -> int | None:
        place = self.by_ags.get(ags)
        return place.pk if place else None


def _check_municipalities(
    rows: list[_Row], places: _Places, problems: list[Problem]
) -> Landkreis | None:
    """The importing Kreis. Unknown AGS and, if the Kreis was known, AGS of other Kreise were
    reported with their rows; here only the Kreis the file's AGS name, when it was not."""
    if places.no_kreis:
        problems.append(Problem(None, "In der Datenbank ist noch kein Kreis angelegt."))
        return None
    if not places.inferred:
        return places.landkreis
    kreis_ids = {places.by_ags[row.ags].landkreis_id for row in rows if row.ags in places.by_ags}
    if len(kreis_ids) > 1:
        names = ", ".join(
            sorted(Landkreis.objects.filter(pk__in=kreis_ids).values_list("name", flat=True))
        )
        problems.append(
            Problem(
                None,
                f"Die Datei enthält Gemeinden aus mehreren Kreisen ({names}). "
                "Eine Datei darf nur Gemeinden eines Kreises enthalten.",
            )
        )
        return None
    return Landkreis.objects.filter(pk__in=kreis_ids).first()


# --- writing ------------------------------------------------------------------------------


def _write(rows: list[_Row], result: ImportResult, actor, today: dt.date) -> None:
    landkreis = result.landkreis
    existing_qs = Client.objects.filter(
        landkreis=landkreis, aktenzeichen__in=[r.aktenzeichen for r in rows]
    )
    if not result.dry_run:
        existing_qs = existing_qs.select_for_update(of=("self",))
    existing = {c.aktenzeichen: c for c in existing_qs.select_related("household")}
    extended = set(
        WindowExtension.objects.filter(
            client__in=[c.pk for c in existing.values()],
            decision=WindowExtension.Decision.APPROVED,
        ).values_list("client_id", flat=True)
    )
    households = _households(landkreis, {r.household_key for r in rows} - {""}, result.dry_run)

    created: list[Client] = []
    changed: list[tuple[Client, list[str]]] = []
    now = timezone.now()
    for row in rows:
        client = existing.get(row.aktenzeichen)
        if client is None:
            client = Client(
                landkreis=landkreis,
                aktenzeichen=row.aktenzeichen,
                opened_on=today,
                status=Client.Status.OPEN,
            )
            _assign(client, row, households)
            _set_window(client, extended=False)
            created.append(client)
            continue
        fields = _assign(client, row, households)
        fields += _set_window(client, extended=client.pk in extended)
        changed.append((client, fields))
    _set_household_roles(landkreis, created, changed, today)
    changed = [(client, fields) for client, fields in changed if fields]
    for client, _ in changed:
        client.version += 1
        client.updated_at = now
    result.created = len(created)
    result.updated = len(changed)
    result.unchanged = len(rows) - len(created) - len(changed)
    if result.dry_run:
        return

    # The name skeletons of the search (PostgreSQL's trigger writes the same; SQLite has none).
    for client in [*created, *(client for client, _ in changed)]:
        fill_name_skeletons(client)
    reason = "Import der Zuweisungsliste"
    bulk_create_with_history(
        created, Client, batch_size=BATCH_SIZE, default_user=actor, default_change_reason=reason
    )
    bulk_update_with_history(
        [client for client, _ in changed],
        Client,
        fields=[
            *IMPORTED_FIELDS,
            "household_id",
            "household_role",
            *WINDOW_FIELDS,
            *SKELETON_FIELDS,
            "version",
            "updated_at",
        ],
        batch_size=BATCH_SIZE,
        default_user=actor,
        default_change_reason=reason,
    )
    record_many(
        actor,
        [
            *(
                (AuditEntry.Action.CREATE, client, client.aktenzeichen, {"event": "import"})
                for client in created
            ),
            *(
                (
                    AuditEntry.Action.CHANGE,
                    client,
                    client.aktenzeichen,
                    {"event": "import", "fields": fields},
                )
                for client, fields in changed
            ),
        ],
    )


def _households(landkreis: Landkreis, keys: set[str], dry_run: bool) -> dict[str, Household]:
    """Households by key, creating the missing ones (get_or_create by Kreis and key, in bulk)."""
    found = {h.key: h for h in Household.objects.filter(landkreis=landkreis, key__in=keys)}
    missing = [Household(landkreis=landkreis, key=key) for key in sorted(keys - found.keys())]
    if missing and not dry_run:
        Household.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    found.update({h.key: h for h in missing})
    return found


def _assign(client: Client, row: _Row, households: dict[str, Household]) -> list[str]:
    """Copy the row onto the client; the names of the fields that changed."""
    changed = []
    for name in IMPORTED_FIELDS:
        value = getattr(row, name)
        if getattr(client, name) != value:
            setattr(client, name, value)
            changed.append(name)
    current_key = client.household.key if client.household_id else ""
    if current_key != row.household_key:
        client.household = households.get(row.household_key)
        changed.append("household")
    return changed


def _set_household_roles(
    landkreis: Landkreis,
    created: list[Client],
    updated: list[tuple[Client, list[str]]],
    today: dt.date,
) -> None:
    """The household role follows age (``clients.households.default_household_role``): for
    a new person, for one whose household changed, and for a child stored as Bezugsperson.
    Any other role was set on purpose (or by hand) and stays. Adds "household_role" to the
    fields of an updated client whose role changed."""
    head = Client.HouseholdRole.HEAD
    keys = {c.household.key for c in created if c.household} | {
        c.household.key for c, _ in updated if c.household
    }
    in_file = [c.aktenzeichen for c in created] + [c.aktenzeichen for c, _ in updated]
    heads = set(
        Client.objects.filter(landkreis=landkreis, household_role=head, household__key__in=keys)
        .exclude(aktenzeichen__in=in_file)
        .values_list("household__key", flat=True)
    )
    redo = []
    for client, fields in updated:
        if "household" in fields or (
            client.household_role == head and is_minor(client.birth_date, today)
        ):
            redo.append((client, fields))
        elif client.household and client.household_role == head:
            heads.add(client.household.key)

    def role_for(client: Client) -> str:
        key = client.household.key if client.household else ""
        role = default_household_role(client.birth_date, today, head_taken=key in heads)
        if key and role == head:
            heads.add(key)
        return role

    for client, fields in redo:
        role = role_for(client)
        if role != client.household_role:
            client.household_role = role
            fields.append("household_role")
    # The oldest adult of a new household becomes its Bezugsperson.
    for client in sorted(created, key=lambda person: person.birth_date):
        client.household_role = role_for(client)


def _set_window(client: Client, *, extended: bool) -> list[str]:
    """The rule of ``clients.services.refresh_window``, with the approved extensions looked up
    once for all rows instead of one query per client."""
    start = window_start_for(client)
    values = {
        "window_start": start,
        "window_extended": extended,
        "window_end": Window(start, extended).end if start else None,
    }
    changed = [name for name, value in values.items() if getattr(client, name) != value]
    for name in changed:
        setattr(client, name, values[name])
    return changed
