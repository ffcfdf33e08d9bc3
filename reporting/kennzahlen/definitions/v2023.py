"""Kennzahlentabelle from reporting year 2023 (VwV IntM of 06.06.2023: weight on plans A and B).

IDs are stable: a figure keeps its ID as long as its meaning stays; a changed meaning gets a
new ID in a new definition. The texts of ``definition`` go into the workbook's sheet
"Erläuterungen".
"""

from __future__ import annotations

from clients.countries import COUNTRIES
from clients.models import Client, Consultation, Referral
from clients.models.client import ResidenceStatus
from imcase.organisation.models import StaffMember
from plans.models import Goal, GoalStatus
from reporting.kennzahlen import queries as q
from reporting.kennzahlen import queries_contacts as qc
from reporting.kennzahlen import queries_plans as qp
from reporting.kennzahlen.registry import Definition, Group, Kennzahl, Unit, register
from reporting.kennzahlen.rows import Fixed, Municipalities, Objects, Product, TopN, choices

TOP_NATIONALITIES = 10
PARTS = ((Goal.Part.A.value, "Teil A"), (Goal.Part.B.value, "Teil B"))

ON_31_12 = (
    "am 31.12. in der Zielgruppe (Beratungszeitraum umfasst den 31.12., eine erst nach dem "
    "31.12. genehmigte Verlängerung nicht mitgerechnet; Fall am 30.12. nicht ausgeleitet)"
)
IN_YEAR = (
    "im Jahr in der Zielgruppe (Beratungszeitraum, wie am 31.12. bekannt, überschneidet das "
    "Jahr; Fall am 31.12. des Vorjahres nicht ausgeleitet oder im Jahr wieder eröffnet)"
)
CONTACT = (
    "Beratungskontakte im Jahr mit mindestens einer geförderten Teilnahme; Träger des Kontakts"
)

GROUPS = (
    Group("personal", "Personal"),
    Group("zielgruppe", "Zielgruppe und Beratung"),
    Group("merkmale", "Merkmale der Personen"),
    Group("plaene", "Integrationspläne"),
    Group("kontakte", "Kontakte und Vermittlungen"),
    Group("verlauf", "Verlängerung und Ausleitung"),
)

STAFF = (
    "Integrationsmanager:innen und Teamleitungen der Träger (Rolle und Träger am 31.12.), "
    "beschäftigt im Jahr"
)

FIGURES = (
    # --- Personal --------------------------------------------------------------------------
    Kennzahl("P01", "Mitarbeitende (Personen)", "personal", q.staff_persons, STAFF + "."),
    Kennzahl(
        "P02",
        "Stellenumfang (VZÄ)",
        "personal",
        q.staff_vza,
        "Jahresdurchschnitt: für jede Person ihre VZÄ am 31.12. × Tage ihrer Beschäftigung im "
        f"Jahr ÷ Tage des Jahres, summiert; {STAFF}. Eine volle Stelle ab 01.07. zählt etwa 0,50.",
        unit=Unit.VZA,
    ),
    Kennzahl(
        "P03",
        "Mitarbeitende nach Qualifikation",
        "personal",
        q.staff_by_qualification,
        STAFF + ", nach Qualifikation am 31.12.",
        rows=choices(StaffMember.Qualification, "ohne Angabe"),
        total_label="insgesamt",
    ),
    Kennzahl(
        "P04",
        "Nachqualifizierung (ohne Studium Sozialwesen)",
        "personal",
        q.staff_requalification,
        STAFF + " mit anderer Qualifikation, nach Stand der Nachqualifizierung am 31.12.",
        rows=Fixed(q.REQUALIFICATION),
        total_label="insgesamt",
    ),
    # --- Zielgruppe und Beratung -----------------------------------------------------------
    Kennzahl(
        "Z01",
        "Personen der Zielgruppe am 31.12.",
        "zielgruppe",
        q.persons_on_31_december,
        f"Personen {ON_31_12}; Träger der Wohngemeinde am 31.12.",
    ),
    Kennzahl(
        "Z02",
        "Personen der Zielgruppe im Jahr",
        "zielgruppe",
        q.persons_during_year,
        f"Personen {IN_YEAR}; Träger der Wohngemeinde am 31.12.",
    ),
    Kennzahl(
        "Z03",
        "Personen der Zielgruppe am 31.12. je Gemeinde",
        "zielgruppe",
        q.persons_on_31_december_by_municipality,
        "Wie Z01, nach Wohngemeinde am 31.12.",
        rows=Municipalities(),
    ),
    Kennzahl(
        "Z04",
        "Personen der Zielgruppe im Jahr je Gemeinde",
        "zielgruppe",
        q.persons_during_year_by_municipality,
        "Wie Z02, nach Wohngemeinde am 31.12.",
        rows=Municipalities(),
    ),
    Kennzahl(
        "Z05",
        "Beratene Personen",
        "zielgruppe",
        q.persons_counselled,
        "Personen mit mindestens einer geförderten Teilnahme an einem Beratungskontakt im Jahr; "
        "je Träger des Kontakts, im Kreis jede Person einmal.",
        additive=False,
    ),
    Kennzahl(
        "Z06",
        "Sondierungsgespräche (neu)",
        "zielgruppe",
        qc.exploratory_talks,
        "Sondierungsgespräche unter den Beratungskontakten wie K01.",
    ),
    Kennzahl(
        "Z07",
        "Haushalte mit mehreren Personen",
        "zielgruppe",
        q.households,
        "Haushalte mit mindestens zwei Personen, die am 31.12. in der Zielgruppe sind "
        "(Haushaltszugehörigkeit laut Erfassung am 31.12.); im Kreis jeder Haushalt einmal.",
        additive=False,
    ),
    Kennzahl(
        "Z08",
        "Einzelpersonen",
        "zielgruppe",
        q.single_persons,
        "Personen der Zielgruppe am 31.12. (wie Z01), die keinem Haushalt zugeordnet sind oder "
        "deren Haushalt am 31.12. kein weiteres Mitglied in der Zielgruppe hat "
        "(Haushaltszugehörigkeit laut Erfassung am 31.12.).",
    ),
    # --- Merkmale (Stichtag 31.12.) --------------------------------------------------------
    Kennzahl(
        "M01",
        "Personen nach Geschlecht",
        "merkmale",
        q.persons_by_sex,
        "Personen wie Z01.",
        rows=choices(Client.Sex),
        total_label="insgesamt",
    ),
    Kennzahl(
        "M02",
        "Personen nach Altersgruppe am 31.12.",
        "merkmale",
        q.persons_by_age_group,
        "Personen wie Z01, nach vollendetem Lebensjahr am 31.12.",
        rows=Fixed((*q.AGE_GROUPS, q.AGE_65)),
        total_label="insgesamt",
    ),
    Kennzahl(
        "M03",
        "Personen nach Staatsangehörigkeit",
        "merkmale",
        q.persons_by_nationality,
        f"Personen wie Z01; die {TOP_NATIONALITIES} häufigsten Staatsangehörigkeiten der Tabelle "
        "(bei gleicher Zahl nach ISO-Code), die übrigen und fehlende Angaben zusammen.",
        rows=TopN(TOP_NATIONALITIES, lambda code: f"{COUNTRIES.get(code, code)} ({code})"),
        total_label="insgesamt",
    ),
    Kennzahl(
        "M04",
        "Personen nach Aufenthaltsstatus",
        "merkmale",
        q.persons_by_residence_status,
        "Personen wie Z01, nach Aufenthaltsstatus laut Erfassung am 31.12.",
        rows=choices(ResidenceStatus),
        total_label="insgesamt",
    ),
    Kennzahl(
        "M05",
        "Personen nach Zugangsart",
        "merkmale",
        q.persons_by_arrival_kind,
        "Personen wie Z01.",
        rows=choices(Client.ArrivalKind),
        total_label="insgesamt",
    ),
    # --- Integrationspläne -----------------------------------------------------------------
    Kennzahl(
        "I01",
        "Personen mit Integrationsplan Teil A",
        "plaene",
        qp.persons_with_plan_a,
        f"Personen {IN_YEAR} mit mindestens einem Ziel in Teil A in einer im Jahr geltenden "
        "Fassung ihres Plans.",
    ),
    Kennzahl(
        "I02",
        "Personen mit Integrationsplan Teil B",
        "plaene",
        qp.persons_with_plan_b,
        "Wie I01, mit mindestens einem Ziel in Teil B.",
    ),
    Kennzahl(
        "I03",
        "Integrationspläne neu erstellt",
        "plaene",
        qp.plans_created,
        "Pläne, deren erste Fassung im Jahr vereinbart wurde.",
    ),
    Kennzahl(
        "I04",
        "Fortschreibungen",
        "plaene",
        qp.plans_continued,
        "Fassungen 2, 3, … von Plänen, vereinbart im Jahr.",
    ),
    Kennzahl(
        "I05",
        "Ziele nach Teil, Handlungsfeld und Stand",
        "plaene",
        qp.goals_by_part_field_status,
        "Ziele der im Jahr geltenden Fassungen (vereinbart bis 31.12., nicht vor dem 01.01. "
        "fortgeschrieben) von Personen wie Z02; ein fortgeschriebenes Ziel zählt einmal; Stand "
        "am 31.12. (eine spätere Auswertung oder Änderung zählt nicht).",
        rows=Product((Fixed(PARTS), Objects("plans.GoalField"), choices(GoalStatus))),
        total_label="Ziele insgesamt",
    ),
    Kennzahl(
        "I06",
        "Ziele erreicht je Handlungsfeld",
        "plaene",
        qp.goals_reached_by_field,
        "Ziele mit einer Auswertung „erreicht“ im Jahr.",
        rows=Objects("plans.GoalField"),
        total_label="insgesamt",
    ),
    Kennzahl(
        "I07",
        "Personen mit gestiegener Selbständigkeit je Handlungsfeld",
        "plaene",
        qp.independence_progress_by_field,
        "Personen, deren letzte Einschätzung im Handlungsfeld bis 31.12. im Jahr lag und höher "
        "ist als ihre erste Einschätzung in diesem Feld.",
        rows=Objects("plans.GoalField"),
    ),
    Kennzahl(
        "I08",
        "Personen mit gestiegener Selbständigkeit",
        "plaene",
        qp.persons_with_independence_progress,
        "Personen wie I07 in mindestens einem Handlungsfeld.",
    ),
    # --- Kontakte und Vermittlungen --------------------------------------------------------
    Kennzahl("K01", "Beratungskontakte", "kontakte", qc.contacts_total, CONTACT + "."),
    Kennzahl(
        "K02",
        "Personenkontakte",
        "kontakte",
        qc.participations,
        "Geförderte Teilnahmen von Personen an Beratungskontakten im Jahr (ein Kontakt mit "
        "drei Haushaltsmitgliedern zählt dreimal).",
    ),
    Kennzahl(
        "K03",
        "Beratungskontakte nach Art",
        "kontakte",
        qc.contacts_by_kind,
        CONTACT + ".",
        rows=choices(Consultation.Kind),
        total_label="insgesamt",
    ),
    Kennzahl(
        "K04",
        "Beratungskontakte nach Setting",
        "kontakte",
        qc.contacts_by_setting,
        CONTACT + ".",
        rows=choices(Consultation.Setting),
        total_label="insgesamt",
    ),
    Kennzahl(
        "K05",
        "Beratungskontakte nach Thema",
        "kontakte",
        qc.contacts_by_topic,
        CONTACT + "; ein Kontakt mit mehreren Themen zählt bei jedem.",
        rows=Objects("clients.Topic"),
    ),
    Kennzahl(
        "K06",
        "Vermittlungen je Regeldienst",
        "kontakte",
        qc.referrals_by_service,
        "Vermittlungen (Verweisberatung) in den gezählten Beratungskontakten.",
        rows=Objects("clients.RegularService"),
        total_label="insgesamt",
    ),
    Kennzahl(
        "K07",
        "davon wahrgenommen",
        "kontakte",
        qc.referrals_attended_by_service,
        f"Vermittlungen wie K06 mit dem Stand „{Referral.Status.ATTENDED.label}“ am 31.12.",
        rows=Objects("clients.RegularService"),
        total_label="insgesamt",
    ),
    # --- Verlängerung und Ausleitung -------------------------------------------------------
    Kennzahl(
        "V01",
        "Verlängerungen beantragt",
        "verlauf",
        qc.extensions_requested,
        "Anträge auf Verlängerung des Beratungszeitraums, gestellt im Jahr.",
    ),
    Kennzahl(
        "V02",
        "Verlängerungen genehmigt",
        "verlauf",
        qc.extensions_granted,
        "Genehmigungen (Vier-Augen-Prinzip), entschieden im Jahr.",
    ),
    Kennzahl(
        "V03",
        "Verlängerungen abgelehnt",
        "verlauf",
        qc.extensions_refused,
        "Ablehnungen, entschieden im Jahr.",
    ),
    Kennzahl(
        "V04",
        "Ausleitungen nach Grund",
        "verlauf",
        qc.closings_by_reason,
        "Fälle mit Ausleitung im Jahr, die am 31.12. abgeschlossen sind, nach dem Grund dieser "
        "Ausleitung (eine Wiedereröffnung nach dem 31.12. ändert nichts).",
        rows=choices(Client.ClosedReason),
        total_label="insgesamt",
    ),
)

DEFINITION = register(
    Definition(
        version="2023.1",
        first_year=2023,
        title="Kennzahlentabelle Integrationsmanagement (VwV IntM 2023)",
        groups=GROUPS,
        figures=FIGURES,
    )
)
