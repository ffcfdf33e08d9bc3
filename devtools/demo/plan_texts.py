"""Goal and step texts for the demo plans (``devtools.demo.plans``), per field and
part: A = short-term, B = long-term. A step is (what, who, Regeldienst or None); who is a
``Step.Who`` value: ``klient``, ``im`` or ``regeldienst``."""

from __future__ import annotations

StepText = tuple[str, str, str | None]
GoalText = tuple[str, list[StepText]]

JC = "Jobcenter"
AA = "Agentur für Arbeit"
MBE = "Migrationsberatung für Erwachsene (MBE)"
JMD = "Jugendmigrationsdienst (JMD)"
ABH = "Ausländerbehörde"
SCHULDNER = "Schuldnerberatung"
ANERKENNUNG = "Anerkennungsberatung"
JUGENDAMT = "Jugendamt"
SCHULE = "Schule / Kita"
KURS = "Sprachkursträger"
EHRENAMT = "Ehrenamt / Vereine"
GESUNDHEIT = "Gesundheitswesen"

GOALS: dict[str, dict[str, list[GoalText]]] = {
    "Sprache": {
        "A": [
            (
                "Anmeldung und Beginn eines Integrationskurses",
                [
                    ("Berechtigungsschein beim BAMF beantragen", "im", None),
                    ("Einstufungstest beim Kursträger machen", "klient", None),
                    ("Kursplatz vermitteln", "regeldienst", KURS),
                ],
            ),
            (
                "Deutschprüfung A2 (DTZ) bestehen",
                [
                    ("Regelmäßig am Kurs teilnehmen", "klient", None),
                    ("Prüfungstermin anmelden", "regeldienst", KURS),
                ],
            ),
            (
                "Alltagsbriefe auf Deutsch selbst verstehen",
                [("Sprachcafé im Stadtteil besuchen", "klient", None)],
            ),
        ],
        "B": [
            (
                "Sprachniveau B1 für Ausbildung und Arbeit erreichen",
                [
                    ("Berufssprachkurs (DeuFöV) beantragen", "regeldienst", JC),
                    ("B1-Prüfung ablegen", "klient", None),
                ],
            ),
            (
                "Deutsch auf B2-Niveau für die Anerkennung des Berufs",
                [("Berufssprachkurs B2 suchen", "im", None)],
            ),
        ],
    },
    "Schulbildung": {
        "A": [
            (
                "Schulanmeldung und Platz in einer VKL-Klasse",
                [
                    ("Anmeldung bei der Grundschule begleiten", "im", None),
                    ("Zeugnisse übersetzen lassen", "klient", None),
                    ("Platz in der Vorbereitungsklasse klären", "regeldienst", SCHULE),
                ],
            ),
            (
                "Regelmäßiger Schulbesuch und Hausaufgabenhilfe",
                [("Hausaufgabenbetreuung anfragen", "regeldienst", EHRENAMT)],
            ),
        ],
        "B": [
            (
                "Wechsel in die Regelklasse und Hauptschulabschluss",
                [("Elterngespräch mit der Lehrkraft", "klient", None)],
            ),
        ],
    },
    "Ausbildung/Studium": {
        "A": [
            (
                "Berufsorientierung: Praktikum in einem Ausbildungsberuf",
                [
                    ("Termin bei der Berufsberatung", "regeldienst", AA),
                    ("Bewerbung für ein Praktikum schreiben", "klient", None),
                ],
            ),
        ],
        "B": [
            (
                "Ausbildung als Pflegefachkraft beginnen",
                [
                    ("Ausbildungsplätze recherchieren", "klient", None),
                    ("Bewerbungsmappe erstellen", "im", None),
                    ("Ausbildungsduldung / Aufenthalt klären", "regeldienst", ABH),
                ],
            ),
            (
                "Studium aufnehmen (Zulassung über uni-assist)",
                [("Beratung zur Hochschulzugangsberechtigung", "regeldienst", JMD)],
            ),
        ],
    },
    "Weiterqualifizierung": {
        "A": [
            (
                "Anerkennung des ausländischen Berufsabschlusses beantragen",
                [
                    ("Unterlagen übersetzen und beglaubigen lassen", "klient", None),
                    ("Termin bei der Anerkennungsberatung", "regeldienst", ANERKENNUNG),
                ],
            ),
        ],
        "B": [
            (
                "Anpassungsqualifizierung zur vollen Anerkennung abschließen",
                [("Förderung über Bildungsgutschein klären", "regeldienst", JC)],
            ),
        ],
    },
    "Arbeitsmarkt": {
        "A": [
            (
                "Lebenslauf und Bewerbungsunterlagen erstellen",
                [
                    ("Lebenslauf gemeinsam schreiben", "im", None),
                    ("Termin beim Arbeitgeberservice", "regeldienst", JC),
                ],
            ),
            (
                "Minijob oder Teilzeitstelle neben dem Sprachkurs finden",
                [("Stellenangebote regelmäßig prüfen", "klient", None)],
            ),
        ],
        "B": [
            (
                "Sozialversicherungspflichtige Beschäftigung aufnehmen",
                [
                    ("Eingliederungsvereinbarung besprechen", "regeldienst", JC),
                    ("Bewerbungen schreiben (mindestens fünf im Monat)", "klient", None),
                ],
            ),
            (
                "Unabhängigkeit von Leistungen nach dem SGB II",
                [("Arbeitsvertrag mit dem Jobcenter besprechen", "klient", None)],
            ),
        ],
    },
    "Wohnen": {
        "A": [
            (
                "Wohnberechtigungsschein beantragen",
                [
                    ("Antrag ausfüllen", "im", None),
                    ("Einkommensnachweise besorgen", "klient", None),
                ],
            ),
            (
                "Konflikt in der Unterkunft klären",
                [("Gespräch mit der Unterkunftsverwaltung", "im", None)],
            ),
        ],
        "B": [
            (
                "Eigene Mietwohnung außerhalb der Anschlussunterbringung finden",
                [
                    ("Bei Wohnbaugesellschaften registrieren", "klient", None),
                    ("Mietübernahme mit dem Jobcenter klären", "regeldienst", JC),
                ],
            ),
        ],
    },
    "Gesundheit": {
        "A": [
            (
                "Hausarzt finden und Vorsorgeuntersuchungen wahrnehmen",
                [
                    ("Hausarztpraxis suchen", "klient", None),
                    ("Termin für die U-Untersuchung", "regeldienst", GESUNDHEIT),
                ],
            ),
            (
                "Psychosoziale Beratung aufnehmen",
                [("Kontakt zum Psychosozialen Zentrum herstellen", "im", None)],
            ),
        ],
        "B": [
            (
                "Gesundheitliche Versorgung selbständig organisieren",
                [("Krankenkassenbriefe gemeinsam durchgehen", "im", None)],
            ),
        ],
    },
    "Familie/Kinder": {
        "A": [
            (
                "Kita-Platz für das jüngste Kind",
                [
                    ("Anmeldung über das Kita-Portal", "im", None),
                    ("Kostenübernahme beim Jugendamt beantragen", "regeldienst", JUGENDAMT),
                ],
            ),
            (
                "Kindergeld und Kinderzuschlag beantragen",
                [("Anträge bei der Familienkasse stellen", "klient", None)],
            ),
        ],
        "B": [
            (
                "Betreuung der Kinder so sichern, dass beide Eltern arbeiten können",
                [("Ganztagsbetreuung an der Schule anfragen", "regeldienst", SCHULE)],
            ),
        ],
    },
    "Finanzen/Existenzsicherung": {
        "A": [
            (
                "Girokonto eröffnen und Daueraufträge einrichten",
                [("Termin bei der Bank", "klient", None)],
            ),
            (
                "Mietrückstand und Schulden regeln",
                [
                    ("Haushaltsplan erstellen", "im", None),
                    ("Termin bei der Schuldnerberatung", "regeldienst", SCHULDNER),
                ],
            ),
        ],
        "B": [
            (
                "Finanzen ohne Unterstützung verwalten",
                [("Weiterbewilligungsanträge selbst stellen", "klient", None)],
            ),
        ],
    },
    "Aufenthalt": {
        "A": [
            (
                "Aufenthaltserlaubnis rechtzeitig verlängern",
                [
                    ("Unterlagen für die Verlängerung zusammenstellen", "klient", None),
                    ("Termin bei der Ausländerbehörde", "regeldienst", ABH),
                ],
            ),
            (
                "Pass beschaffen (Mitwirkungspflicht)",
                [("Termin bei der Botschaft vereinbaren", "klient", None)],
            ),
        ],
        "B": [
            (
                "Niederlassungserlaubnis beantragen",
                [("Voraussetzungen mit der MBE prüfen", "regeldienst", MBE)],
            ),
        ],
    },
    "Gesellschaftliche Teilhabe": {
        "A": [
            (
                "Mitgliedschaft im Sportverein",
                [
                    ("Probetraining vereinbaren", "im", None),
                    ("Beitrag über Bildung und Teilhabe beantragen", "regeldienst", JC),
                ],
            ),
            (
                "Kontakt zu einer ehrenamtlichen Patin",
                [("Vermittlung über den Helferkreis", "regeldienst", EHRENAMT)],
            ),
        ],
        "B": [
            (
                "Selbständig am Leben im Ort teilnehmen (Vereine, Elternbeirat, Ehrenamt)",
                [("Begegnungscafé regelmäßig besuchen", "klient", None)],
            ),
        ],
    },
    "Sonstiges": {
        "A": [
            (
                "Führerschein: Umschreibung des ausländischen Führerscheins",
                [("Antrag bei der Führerscheinstelle", "klient", None)],
            ),
        ],
        "B": [
            (
                "Mobilität im ländlichen Raum sichern",
                [("Fahrplan und Deutschlandticket besprechen", "im", None)],
            ),
        ],
    },
}

# How often a field comes up for an adult (Göppingen: children, housing, language, work and
# social participation most often) and for a child under 16.
ADULT_WEIGHTS = {
    "Sprache": 20,
    "Arbeitsmarkt": 15,
    "Wohnen": 14,
    "Familie/Kinder": 9,
    "Finanzen/Existenzsicherung": 8,
    "Gesellschaftliche Teilhabe": 8,
    "Aufenthalt": 7,
    "Gesundheit": 7,
    "Weiterqualifizierung": 5,
    "Ausbildung/Studium": 5,
    "Sonstiges": 2,
}
CHILD_WEIGHTS = {
    "Schulbildung": 30,
    "Sprache": 25,
    "Gesellschaftliche Teilhabe": 20,
    "Gesundheit": 15,
    "Familie/Kinder": 10,
}
YOUNG_ADULT_EXTRA = {"Ausbildung/Studium": 15, "Schulbildung": 5}

EVALUATION_NOTES = {
    "erreicht": "Ziel erreicht, Nachweis liegt vor.",
    "teilweise_erreicht": "Teilweise erreicht; Rest wird in der Fortschreibung aufgegriffen.",
    "in_umsetzung": "Läuft, nächste Schritte besprochen.",
    "angehalten": "Ruht vorerst (Krankheit / familiäre Situation).",
    "verfehlt": "Nicht erreicht; Gründe besprochen.",
    "entfallen": "Ziel hat sich erledigt.",
}
