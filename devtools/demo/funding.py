"""The funding procedure of the demo Kreis as of ``DEMO_TODAY`` (01.11.2026), built through the
real services of ``funding`` and ``reporting`` (audit entries, versions, frozen figures), each
call on its own day of the demo clock (``devtools.demo.clock.at``):

- **2025**: funding year published from the client data (no lists yet); the
  Verwendungsnachweise of the self-running providers in every state (in progress, submitted,
  reviewed, and one reopened by the office for a correction);
- **2026** (the previous year): allocation published from the client data; every municipality
  recorded its decision and the office confirmed it (Landkreis, Eigenregie, the Verbund
  Kleinbach–Hinterweiler–Fuchsweiler, Untertal by cooperation with Bergstadt); Bergstadt
  invoiced Untertal the first three quarters;
- **2027** (in progress): lists drawn on 14.09.2026 and sent the next day, deadline
  23.10.2026; the municipalities returned them with strikes (moved away, not registered, …)
  and children born in AU, one came back late, Musterstadt's (the demo login ``gemeinde``) is
  still out and overdue;
- a programme by Einwohnerzahl (Soforthilfe Ukraine 2026) with its applicants;
- the Kennzahlentabelle 2025, submitted to the RP on 27.01.2026 (``reporting.services``).

Every part is built once: a part whose root (funding year, programme, submission) exists is
skipped, so a second run writes nothing. The opaque codes of the rows come from the seed
(``clock.stable_codes``), so two builds give the same data and URLs. The e-mails the services
send after the commit are not sent (``build_demo`` runs with the dummy e-mail backend).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from clients.models import Client
from devtools.demo.clock import at, stable_codes
from devtools.demo.data import (
    NATIONALITIES,
    municipal_username,
    team_lead_of,
    variants,
)
from funding.computation import plan_for_year
from funding.models import (
    CooperationInvoice,
    Decision,
    FundingYear,
    ListEntry,
    PersonList,
    PopulationProgramme,
    UsageReport,
)
from funding.services import (
    add_child,
    add_deduction,
    create_year,
    generate_lists,
    publish,
    send_lists,
    strike_entry,
    submit_list,
)
from funding.services.decisions import confirm_decision, issue_invoice, record_decision
from funding.services.population import add_applicant, create_programme
from funding.services.usage import (
    reopen_report,
    review_report,
    save_report,
    start_report,
    submit_report,
)
from imcase.organisation.models import Landkreis, Municipality, Provider
from reporting.kennzahlen.registry import first_year
from reporting.models import Submission
from reporting.services import finalise

BASE_URL = "http://127.0.0.1:8000"
LAND_TOTAL = Decimal("40000000.00")
QUOTA = {2025: Decimal("3.7100"), 2026: Decimal("3.7400"), 2027: Decimal("3.7700")}
COORDINATION = "Koordinierungsstelle im Landratsamt (1,0 VZÄ)"
COORDINATION_AMOUNT = Decimal("70000.00")
IN_PROGRESS = 2027
PREVIOUS = 2026
REPORTED = 2025  # the Verwendungsnachweise and the Kennzahlentabelle
LIST_DEADLINE = dt.date(2026, 10, 23)
LISTS_DRAWN = dt.date(2026, 9, 14)
LISTS_SENT = dt.date(2026, 9, 15)
OVERDUE = "Musterstadt"  # the demo login "gemeinde" has its list still to return
CAME_BACK_LATE = "Sonnhalden"
SUBMITTED_ON = dt.date(2026, 1, 27)
S = ListEntry.StrikeReason
STRIKE_REASONS = {S.MOVED_AWAY: 60, S.NOT_REGISTERED: 25, S.OTHER: 10, S.DECEASED: 5}
STRIKE_NOTES = [
    "Rückkehr ins Herkunftsland laut Meldebehörde",
    "nach Auskunft der Ausländerbehörde weitergewandert",
    "Doppelerfassung mit anderer Schreibweise",
]
PROGRAMME = "Soforthilfe Integrationsmanagement Ukraine"
PROGRAMME_APPLICANTS = [
    "Neuenmuster",
    "Obertal",
    "Weidenau",
    "Bergstadt",
    "Kleinbach",
    "Tannweiler",
]
M = Decision.Mode
# Rows with an opaque code (in URLs) the demo creates: same codes in every build.
CODED = (PersonList, Decision, CooperationInvoice, PopulationProgramme, UsageReport, Submission)


@dataclass
class FundingSummary:
    years: int = 0
    lists: int = 0
    decisions: int = 0
    invoices: int = 0
    programmes: int = 0
    usage_reports: int = 0
    submissions: int = 0


def build_demo_funding(kreis: Landkreis, users: dict, seed: int) -> FundingSummary:
    """Create what is missing of the demo's funding procedure and Kennzahlen submission."""
    summary = FundingSummary()
    if not Client.objects.filter(landkreis=kreis).exists():
        return summary  # nothing to split (seed_demo --clients 0)
    with stable_codes(f"{seed}:funding-codes", CODED):
        _build(summary, kreis, users, seed)
    return summary


def _build(summary: FundingSummary, kreis: Landkreis, users: dict, seed: int) -> None:
    office = users["koordination"]
    munis = {m.name: m for m in Municipality.objects.filter(landkreis=kreis)}
    if _year(kreis, REPORTED) is None:
        _published_year(office, kreis, REPORTED, dt.date(2024, 2, 5), dt.date(2024, 3, 18))
        summary.years += 1
        summary.usage_reports += _usage_reports(office, kreis, users, munis)
    if _year(kreis, PREVIOUS) is None:
        year = _published_year(office, kreis, PREVIOUS, dt.date(2025, 2, 3), dt.date(2025, 3, 17))
        summary.years += 1
        summary.decisions, summary.invoices = _decisions(office, year, users, munis)
    if not PopulationProgramme.objects.filter(landkreis=kreis, name=PROGRAMME).exists():
        _programme(office, kreis, munis)
        summary.programmes += 1
    if _year(kreis, IN_PROGRESS) is None:
        summary.lists = _year_in_progress(office, kreis, users, munis, seed)
        summary.years += 1
    if (
        first_year() <= REPORTED
        and not Submission.objects.filter(landkreis=kreis, year=REPORTED).exists()
    ):
        with at(SUBMITTED_ON, 11, 20):
            finalise(office, REPORTED, "", BASE_URL, today=SUBMITTED_ON)
        summary.submissions += 1


def _year(kreis: Landkreis, year: int) -> FundingYear | None:
    return FundingYear.objects.filter(landkreis=kreis, year=year).first()


def _new_year(office, kreis: Landkreis, year: int, created: dt.date, **dates) -> FundingYear:
    with at(created, 9, 30):
        funding_year = create_year(
            office, kreis, year, {"land_total": LAND_TOTAL, "quota_percent": QUOTA[year], **dates}
        )
        add_deduction(office, funding_year, COORDINATION, COORDINATION_AMOUNT, None)
    return FundingYear.objects.get(pk=funding_year.pk)


def _published_year(office, kreis, year: int, created: dt.date, published: dt.date):
    """A year whose split was published from the client data (no lists drawn)."""
    funding_year = _new_year(office, kreis, year, created)
    with at(published, 14):
        publish(office, funding_year, plan_for_year(funding_year).fingerprint, "", BASE_URL)
    return funding_year


# --- 2026: decisions and the cooperation's invoices ------------------------------------------


def _decisions(office, year: FundingYear, users: dict, munis: dict) -> tuple[int, int]:
    """Every municipality decides for 2026 (Seefelden passes the task to the Diakonie as a
    freier Träger); the office confirms in July 2025. Returns (decisions, invoices)."""
    verbund = ["Kleinbach", "Hinterweiler", "Fuchsweiler"]
    terms: dict[str, dict] = {
        name: {"mode": M.LANDKREIS}
        for name in (
            "Musterstadt", "Lindenfeld", "Birkenweiler", "Eichenrode", "Weidenau", "Rosenbach",
            "Sonnhalden", "Mühlried", "Steinhöfen", "Tannweiler", "Ahornbach", "Hasenfeld",
        )
    }  # fmt: skip
    for name in ("Neuenmuster", "Obertal", "Bergstadt"):
        terms[name] = {
            "mode": M.EIGENREGIE,
            "resolution_date": dt.date(2025, 4, 8),
            "note": "Das Integrationsmanagement bleibt bei der Stadt (Beschluss des Gemeinderats).",
        }
    for name in verbund:
        terms[name] = {
            "mode": M.VERBUND,
            "partners": [munis[p] for p in verbund if p != name],
            "seat": munis["Kleinbach"],
            "resolution_date": dt.date(2025, 5, 6),
        }
    terms["Untertal"] = {
        "mode": M.KOOPERATION,
        "serving_municipality": munis["Bergstadt"],
        "weekly_hours": Decimal("9.75"),
        "billing": Decision.Billing.HOURLY,
        "hourly_rate": Decimal("54.80"),
        "resolution_date": dt.date(2025, 5, 13),
        "note": "Öffentlich-rechtliche Vereinbarung mit der Stadt Bergstadt vom 20.05.2025.",
    }
    # Seefelden keeps passing the task to the Diakonie, which has served it since 2023
    terms["Seefelden"] = {
        "mode": M.WOHLFAHRT,
        "organisation": "Diakonisches Werk im Musterkreis",
        "passed_by": Decision.PassedBy.MUNICIPALITY,
        "resolution_date": dt.date(2025, 3, 25),
        "note": "Vertrag mit dem Diakonischen Werk verlängert (Nr. 3.2 VwV IntM).",
    }
    decisions = []
    for index, (name, data) in enumerate(sorted(terms.items())):
        # recorded in April and May 2025; Hasenfeld after the deadline (31 May)
        day = (
            dt.date(2025, 6, 16)
            if name == "Hasenfeld"
            else dt.date(2025, 4, 14) + dt.timedelta(days=2 * index)
        )
        with at(day, 11):
            decisions.append(record_decision(users[municipal_username(name)], year, data))
    confirmed = dt.date(2025, 7, 1)
    with at(confirmed, 15):
        for decision in decisions:
            confirm_decision(office, decision, None, today=confirmed)
    cooperation = next(d for d in decisions if d.mode == M.KOOPERATION)
    bergstadt = users[municipal_username("Bergstadt")]
    invoices = 0
    for quarter, day in (
        (1, dt.date(2026, 4, 7)),
        (2, dt.date(2026, 7, 6)),
        (3, dt.date(2026, 10, 5)),
    ):
        with at(day, 10):
            _, created = issue_invoice(bergstadt, cooperation, quarter, today=day)
        invoices += created
    return len(decisions), invoices


# --- 2027: the lists are out ----------------------------------------------------------------


def _year_in_progress(office, kreis, users: dict, munis: dict, seed: int) -> int:
    year = _new_year(
        office,
        kreis,
        IN_PROGRESS,
        dt.date(2026, 9, 1),
        list_deadline=LIST_DEADLINE,
    )
    with at(LISTS_DRAWN, 9):
        generate_lists(office, year)
    with at(LISTS_SENT, 8, 30):
        send_lists(office, year, BASE_URL)
    lists = PersonList.objects.filter(funding_year=year).select_related("municipality")
    for person_list in sorted(lists, key=lambda pl: pl.municipality.ags):
        _return_list(person_list, users, seed)
    return len(lists)


def _return_list(person_list: PersonList, users: dict, seed: int) -> None:
    """The municipality strikes a few persons, adds the children born in AU and returns its
    list; Musterstadt's is still being checked."""
    name = person_list.municipality.name
    actor = users[municipal_username(name)]
    rng = random.Random(f"{seed}:liste:{person_list.municipality.ags}")
    entries = list(person_list.entries.order_by("aktenzeichen", "pk"))
    if name == OVERDUE:
        returned = None
        worked = dt.date(2026, 10, 12)
    elif name == CAME_BACK_LATE:
        returned = worked = dt.date(2026, 10, 27)
    else:
        returned = worked = LIST_DEADLINE - dt.timedelta(days=rng.randrange(0, 30))
    strikes = max(1 if len(entries) >= 8 else 0, round(len(entries) * rng.uniform(0.02, 0.07)))
    with at(worked, 9, 15):
        for entry in rng.sample(entries, min(strikes, len(entries))):
            reason = rng.choices(list(STRIKE_REASONS), list(STRIKE_REASONS.values()))[0]
            note = rng.choice(STRIKE_NOTES) if reason == S.OTHER else ""
            strike_entry(actor, person_list, entry.pk, reason, note, None)
        if returned is not None:
            remaining = list(person_list.entries.filter(struck=False).order_by("pk"))
            children = _children_born_here(person_list, remaining)
            if not children and len(remaining) >= 12:
                children = _newborn(person_list, remaining, rng)
            for parent, child in children:
                add_child(
                    actor,
                    person_list,
                    parent.pk,
                    child.last_name,
                    child.first_name,
                    child.birth_date,
                    None,
                )
    if returned is not None:
        with at(returned, 11, 40):
            submit_list(actor, person_list, None)


def _children_born_here(person_list: PersonList, entries: list[ListEntry]):
    """The demo's children born in AU (arrival by birth) up to the Stichtag whose parent is on
    the list and not struck: the municipality finds them in its population register."""
    stichtag = person_list.funding_year.reference_date
    by_client = {e.client_id: e for e in entries if e.client_id and not e.struck}
    parents = Client.objects.filter(
        pk__in=list(by_client),
        household__isnull=False,
        household_role__in=(Client.HouseholdRole.HEAD, Client.HouseholdRole.PARTNER),
    ).order_by("aktenzeichen")
    parent_of: dict[int, ListEntry] = {}
    for parent in parents:
        parent_of.setdefault(parent.household_id, by_client[parent.pk])
    children = Client.objects.filter(
        household_id__in=list(parent_of),
        arrival_kind=Client.ArrivalKind.GEBURT,
        birth_date__lte=stichtag,
    ).order_by("birth_date", "aktenzeichen")
    found = []
    for child in children:
        parent = parent_of[child.household_id]
        if parent.assignment_date and child.birth_date >= parent.assignment_date:
            found.append((parent, child))
    return found


@dataclass(frozen=True)
class _Child:
    last_name: str
    first_name: str
    birth_date: dt.date


def _newborn(person_list: PersonList, entries: list[ListEntry], rng: random.Random):
    """A child born in AU that the client data lacks (the birth was never reported to the
    Landratsamt): the municipality knows it from its register. Its parent is an adult on the
    list assigned at least ten months before the Stichtag."""
    stichtag = person_list.funding_year.reference_date
    adults = [
        e
        for e in entries
        if e.client_id
        and e.assignment_date
        and e.assignment_date <= stichtag - dt.timedelta(days=300)
        and e.birth_date <= dt.date(stichtag.year - 19, 1, 1)
    ]
    if not adults:
        return []
    parent = rng.choice(adults)
    nationality = Client.objects.get(pk=parent.client_id).nationality
    _, _, males, females = NATIONALITIES[nationality]
    first = rng.choice(variants(rng.choice([males, females])))[0]
    born = parent.assignment_date + dt.timedelta(
        days=rng.randrange(280, (stichtag - parent.assignment_date).days + 1)
    )
    return [(parent, _Child(parent.last_name, first, born))]


# --- the programme by Einwohnerzahl ---------------------------------------------------------


def _programme(office, kreis, munis: dict) -> None:
    with at(dt.date(2026, 2, 9), 10):
        programme = create_programme(
            office,
            kreis,
            {
                "name": PROGRAMME,
                "year": 2026,
                "amount": Decimal("282709.99"),
                "min_vza": Decimal("0.50"),
                "cost_per_vza": Decimal("70000.00"),
            },
        )
    for index, name in enumerate(PROGRAMME_APPLICANTS):
        with at(dt.date(2026, 2, 16 + index), 10):
            programme = PopulationProgramme.objects.get(pk=programme.pk)
            add_applicant(office, programme, munis[name], None)


# --- 2025: the Verwendungsnachweise ---------------------------------------------------------

SACHBERICHT = (
    "Im Jahr 2025 wurden {persons} im Integrationsmanagement begleitet. Schwerpunkte waren "
    "die Wohnungssuche beim Auszug aus der Anschlussunterbringung, die Anmeldung zu "
    "Integrations- und Berufssprachkursen sowie die Begleitung bei Anträgen an Jobcenter und "
    "Familienkasse. Mit der Ausländerbehörde, dem Jobcenter und den Kitas der Gemeinde "
    "fanden regelmäßige Abstimmungen statt. Für {goals} wurden Integrationspläne "
    "vereinbart und mindestens einmal fortgeschrieben."
)


@dataclass(frozen=True)
class _Report:
    provider: str
    reporter: str  # username
    staff_costs: str
    other_costs: str
    vza: str
    persons: str
    state: str  # "draft", "submitted", "reviewed", "reopened"
    submitted: dt.date | None = None
    decided: dt.date | None = None  # reviewed or reopened


def _usage_reports(office, kreis, users: dict, munis: dict) -> int:
    year = _year(kreis, REPORTED)
    reports = [
        _Report("Stadt Neuenmuster", municipal_username("Neuenmuster"), "282140.55",
                "18322.10", "4.00", "412 Personen", "reviewed",
                dt.date(2026, 3, 19), dt.date(2026, 4, 14)),
        _Report("Stadt Obertal", municipal_username("Obertal"), "201880.00", "11920.35",
                "3.00", "268 Personen", "submitted", dt.date(2026, 4, 28)),
        _Report("Verbund Kleinbach-Hinterweiler-Fuchsweiler", municipal_username("Kleinbach"),
                "68400.00", "", "1.00", "97 Personen", "draft"),
        _Report("Stadt Bergstadt", municipal_username("Bergstadt"), "139760.40", "16480.00",
                "2.00", "183 Personen", "reopened", dt.date(2026, 3, 30), dt.date(2026, 4, 20)),
        _Report("Diakonisches Werk im Musterkreis", team_lead_of("Team Diakonie Seefelden"),
                "70415.20", "6210.75", "1.00", "88 Personen", "reviewed",
                dt.date(2026, 2, 26), dt.date(2026, 3, 10)),
    ]  # fmt: skip
    providers = {p.name: p for p in Provider.objects.filter(landkreis=kreis)}
    for spec in reports:
        actor = users[spec.reporter]
        entered = spec.submitted or dt.date(2026, 10, 20)
        with at(entered - dt.timedelta(days=6), 14):
            report, _ = start_report(actor, year, providers[spec.provider])
            text = (
                ""
                if spec.state == "draft"
                else SACHBERICHT.format(persons=spec.persons, goals="die meisten Haushalte")
            )
            data = {
                "staff_costs": Decimal(spec.staff_costs),
                "other_costs": Decimal(spec.other_costs) if spec.other_costs else None,
                "vza": Decimal(spec.vza),
                "sachbericht": text,
            }
            report = save_report(actor, report, data, None)
        if spec.submitted is None:
            continue
        with at(spec.submitted, 16):
            report = submit_report(actor, report, None)
        with at(spec.decided or spec.submitted, 10):
            if spec.state == "reviewed":
                review_report(office, report, None)
            elif spec.state == "reopened":
                reopen_report(
                    office,
                    report,
                    "Die sonstigen Kosten enthalten die Miete des Beratungsbüros für das ganze "
                    "Gebäude; bitte nur den Anteil des Integrationsmanagements ansetzen.",
                    None,
                )
    return UsageReport.objects.filter(funding_year=year).count()
