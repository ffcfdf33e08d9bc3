"""Kennzahlentabelle from reporting year 2026: the 2023 table unchanged, plus the group "Wirkung"
and the network work (P05, P06) in the group "Personal".

The Rechnungshof (Denkschrift 2022, Nr. 15) found the Land's indicators purely quantitative;
the group "Wirkung" counts what changed for the people: language certificates, starts of work
or training, own tenancies, independence from benefits (rules in ``queries_outcomes``). Every
figure of the 2023 table keeps its ID and meaning, so it is taken over as it is. The cohort
view (of the persons whose window began in a year, how many reached B1, work or training, an
own tenancy within 12, 24, 36 months) depends on the day it is read, not on a reporting year,
and so is no figure of the table: see ``reporting/cohorts.py`` (dashboard and Jahresbericht).
"""

from __future__ import annotations

from clients.models.network import NetworkActivityKind
from clients.models.outcome import CertificateLevel
from reporting.kennzahlen import queries_network as qn
from reporting.kennzahlen import queries_outcomes as qo
from reporting.kennzahlen.definitions import v2023
from reporting.kennzahlen.registry import Definition, Group, Kennzahl, Unit, register
from reporting.kennzahlen.rows import OutcomeKinds, choices

RECORDED = (
    "nur nicht zurückgenommene Einträge; je Träger, der die Wirkung erfasst hat, im Kreis "
    "jede Person einmal"
)

GROUPS = (*v2023.GROUPS, Group("wirkung", "Wirkung"))

NETWORK = (
    "Netzwerkarbeit (Seite „Netzwerkarbeit“: Runder Tisch, Ehrenamtskoordination, "
    "Informationsveranstaltung, Kooperationstreffen, andere), datiert im Jahr, nicht "
    "zurückgenommen, beim Träger der erfassenden Person"
)

FIGURES = (
    *v2023.FIGURES,
    Kennzahl(
        "P05",
        "Netzwerkarbeit: Aktivitäten nach Art",
        "personal",
        qn.network_activities_by_kind,
        f"Anzahl der Aktivitäten der {NETWORK}.",
        rows=choices(NetworkActivityKind),
        total_label="insgesamt",
    ),
    Kennzahl(
        "P06",
        "Netzwerkarbeit: Stunden nach Art",
        "personal",
        qn.network_hours_by_kind,
        f"Summe der Dauer (Minuten ÷ 60, zwei Nachkommastellen) der {NETWORK}. Ihr Anteil an "
        "der dokumentierten Arbeitszeit (mit den Minuten der Kontakte wie K01) steht auf der "
        "Übersicht und im Jahresbericht.",
        rows=choices(NetworkActivityKind),
        unit=Unit.VZA,
        total_label="insgesamt",
    ),
    Kennzahl(
        "W01",
        "Personen mit Sprachzertifikat nach höchstem Niveau",
        "wirkung",
        qo.certificates_by_level,
        "Personen mit einem Sprachzertifikat (A1–C2) vom Jahr, beim höchsten im Jahr im Kreis "
        "erreichten Niveau (ein Träger zählt die Person, wenn er ein Zertifikat dieses Niveaus "
        f"erfasst hat); {RECORDED}.",
        rows=choices(CertificateLevel),
        additive=False,
        total_label="insgesamt",
    ),
    Kennzahl(
        "W02",
        "Personen mit Beginn von Arbeit oder Ausbildung",
        "wirkung",
        qo.work_or_training_started,
        "Personen mit mindestens einer Wirkung einer Art, die als Arbeit oder Ausbildung zählt "
        "(in der Grundeinstellung Beschäftigung, Minijob, Ausbildung, Praktikum, Studium), "
        f"begonnen im Jahr; {RECORDED}.",
        additive=False,
    ),
    Kennzahl(
        "W03",
        "Beginn von Arbeit oder Ausbildung nach Art",
        "wirkung",
        qo.work_or_training_started_by_kind,
        "Personen wie W02 je Art; wer im Jahr zweierlei beginnt, zählt bei beiden Arten.",
        rows=OutcomeKinds("counts_as_work_or_training"),
        additive=False,
    ),
    Kennzahl(
        "W04",
        "Personen mit Einzug in eigene Wohnung",
        "wirkung",
        qo.own_tenancy,
        "Personen mit einer Wirkung einer Art, die als eigene Wohnung zählt (Mietvertrag "
        f"außerhalb der Anschlussunterbringung), Einzug im Jahr; {RECORDED}.",
        additive=False,
    ),
    Kennzahl(
        "W05",
        "Personen unabhängig von Sozialleistungen",
        "wirkung",
        qo.benefit_independence,
        "Personen, die laut eigener Angabe oder Nachweis ab einem Tag im Jahr keine Leistungen "
        f"nach SGB II / AsylbLG mehr beziehen (Bereich Sozialleistungen); {RECORDED}.",
        additive=False,
    ),
)

DEFINITION = register(
    Definition(
        version="2026.1",
        first_year=2026,
        title="Kennzahlentabelle Integrationsmanagement (ab 2026, mit Wirkung)",
        groups=GROUPS,
        figures=FIGURES,
    )
)
