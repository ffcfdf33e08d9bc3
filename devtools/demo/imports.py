"""The latest assignment list of the demo Kreis: six persons the Landratsamt assigned to AU at
the end of October 2026, imported by the coordinating office through the real importer on
30.10.2026 and not yet assigned to a manager. So the team lead's home shows "nicht
zugeordnete offene Fälle", the client list's filter "nicht zugeordnet" finds them and the
team lead can assign them from the list (or a manager take one over) — exactly the situation
the import leaves behind. Built once: when the first of them exists, nothing changes."""

from __future__ import annotations

import datetime as dt

from clients.import_template import assignment_csv
from clients.importer import import_assignments
from clients.models import Client
from devtools.demo.clock import at, stable_codes
from imcase.organisation.models import Team

IMPORTED_ON = dt.date(2026, 10, 30)
AZ_PREFIX = "ZL-2026-10-"
# Aktenzeichen suffix, last name, first name, birth date, sex, nationality, municipality index,
# assignment date, household key
PEOPLE = (
    ("01", "Rahimi", "Farid", "14.02.1984", "m", "AFG", 0, "27.10.2026", "ZL-HH-2610-1"),
    ("02", "Rahimi", "Mariam", "03.09.1988", "w", "AFG", 0, "27.10.2026", "ZL-HH-2610-1"),
    ("03", "Rahimi", "Sahar", "21.06.2015", "w", "AFG", 0, "27.10.2026", "ZL-HH-2610-1"),
    ("04", "Al-Khatib", "Yousef", "30.11.1995", "m", "SYR", 1, "28.10.2026", ""),
    ("05", "Bondarenko", "Iryna", "12.04.1979", "w", "UKR", 1, "29.10.2026", ""),
    ("06", "Tesfaye", "Selam", "08.01.2001", "w", "ERI", 0, "29.10.2026", ""),
)
IMPORTED = len(PEOPLE)


def import_latest_list(kreis, office, seed: int) -> int:
    """Import the list as the office on ``IMPORTED_ON``; the number of persons created."""
    if Client.objects.filter(landkreis=kreis, aktenzeichen__startswith=AZ_PREFIX).exists():
        return 0
    team = Team.objects.get(provider__landkreis=kreis, name="Team Nord")
    municipalities = list(team.municipalities.order_by("name", "ags"))
    data = assignment_csv(
        [
            [
                f"{AZ_PREFIX}{suffix}",
                last,
                first,
                born,
                sex,
                nation,
                municipalities[muni].ags,
                assigned,
                "Zuweisung",
                "Schutzstatus",
                household,
            ]
            for suffix, last, first, born, sex, nation, muni, assigned, household in PEOPLE
        ]
    )
    with at(IMPORTED_ON, 9), stable_codes(f"{seed}:import-codes", [Client]):
        result = import_assignments(
            data,
            filename="zuweisungsliste-2026-10-30.csv",
            landkreis=kreis,
            actor=office,
            today=IMPORTED_ON,
        )
    if not result.ok:
        problems = "; ".join(str(problem) for problem in result.problems)
        raise RuntimeError(f"Demo-Zuweisungsliste nicht importierbar: {problems}")
    return result.created
