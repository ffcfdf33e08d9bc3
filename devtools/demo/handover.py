"""Handover notes from the vorläufige Unterbringung for the persons of the latest assignment
list (``devtools.demo.imports``): the VU's social worker (demo login ``vu``) wrote two, one of
them with health hints and the person's consent, one without; the office wrote a third on her
behalf. So the manager who takes one of these cases over finds the note on its first page.
Written through the real service, each on its own day before the demo day; built once: when
a note about one of these persons exists, nothing changes."""

from __future__ import annotations

import datetime as dt

from clients.handover import HandoverInput, record_handover_note
from clients.models import Client, HandoverNote
from devtools.demo.clock import at, stable_codes
from devtools.demo.imports import AZ_PREFIX

VU_LOGIN = "vu"
VU_NAME = "Miriam Yilmaz"

# Aktenzeichen suffix, who writes ("vu" or "office"), day, note
NOTES = (
    (
        "01",
        "vu",
        dt.date(2026, 10, 29),
        HandoverInput(
            languages=[
                {"language": "Dari", "level": "Muttersprache"},
                {"language": "Paschtu", "level": "gut"},
                {"language": "Deutsch", "level": "A1"},
            ],
            open_procedures="Antrag auf Familiennachzug für die Mutter bei der Ausländerbehörde",
            documents=["pass", "aufenthaltstitel", "zeugnisse"],
        ),
    ),
    (
        "02",
        "vu",
        dt.date(2026, 10, 29),
        HandoverInput(
            languages=[
                {"language": "Dari", "level": "Muttersprache"},
                {"language": "Deutsch", "level": "A1, Kurs in der Unterkunft"},
            ],
            open_procedures="",
            documents=["pass", "aufenthaltstitel", "impfpass"],
            health_consent=True,
            consent_declared_by="person",
            consent_declared_on=dt.date(2026, 10, 26),
            health_hints="Schwanger (etwa 5. Monat); braucht eine gynäkologische Praxis am "
            "neuen Wohnort. Mutterpass liegt vor.",
        ),
    ),
    (
        "04",
        "office",
        dt.date(2026, 10, 31),
        HandoverInput(
            languages=[
                {"language": "Arabisch", "level": "Muttersprache"},
                {"language": "Englisch", "level": "B2"},
                {"language": "Deutsch", "level": "A2, Integrationskurs begonnen"},
            ],
            open_procedures="Anerkennung des Bachelor Bauingenieurwesen beantragt (Regierungs"
            "präsidium Stuttgart)",
            documents=["pass", "aufenthaltstitel", "zeugnisse", "sprachnachweis"],
            on_behalf_of=VU_NAME,
        ),
    ),
)


def build_handover_notes(kreis, users: dict, seed: int) -> int:
    """The notes above, once; the number written."""
    persons = Client.objects.filter(landkreis=kreis, aktenzeichen__startswith=AZ_PREFIX)
    if HandoverNote.objects.filter(client__in=persons).exists():
        return 0
    writers = {"vu": users[VU_LOGIN], "office": users["koordination"]}
    written = 0
    with stable_codes(f"{seed}:handover-notes", [HandoverNote]):
        for suffix, writer, day, data in NOTES:
            person = persons.get(aktenzeichen=f"{AZ_PREFIX}{suffix}")
            with at(day, 15):
                record_handover_note(writers[writer], person, data, day)
            written += 1
    return written
