"""The fictional demo Kreis "Landkreis Musterkreis", composed from one builder per area:
organisation, staff and demo logins (``organisation``), clients (``clients``), a year of their
consultations (``consultations``), their Integrationspläne (``plans``) and their outcomes
(``outcomes``), the managers' Netzwerkarbeit of that year (``network``), Jobcenter consents and
one Übermittlungsbogen (``jobcenter``), the funding procedure and the Kennzahlen submission
(``funding``), the latest assignment list (``imports``) with handover notes from the VU for its
persons (``handover``), then the nightly deadline checks as of ``DEMO_TODAY``, so the bell shows
open alerts; the fixed data and name material are in ``data``, the goal and step texts in
``plan_texts``, the demo's clock in ``clock``.

Everything is deterministic. The organisation and the staff are fixed; ``seed`` only varies
the clients, which are generated with one ``random.Random(seed)`` in a stream whose first N
persons do not depend on N, so a larger ``clients`` adds exactly the missing ones. Each builder
writes only what is missing or differs, so running ``build_demo`` again changes nothing. Used by
``manage.py seed_demo`` and the benchmark's data set. The demo sends no e-mail: the services'
notifications go to Django's dummy e-mail backend.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.test.utils import override_settings

from clients.models import Client, Consultation
from devtools.demo.annual_report import build_annual_report_texts
from devtools.demo.clients import ClientSpec, add_clients, client_specs, complete_name_skeletons
from devtools.demo.clock import at
from devtools.demo.consultations import CONTACTS_PER_YEAR, add_consultations, withdraw_some
from devtools.demo.data import DEMO_TODAY, staff_specs
from devtools.demo.funding import FundingSummary, build_demo_funding
from devtools.demo.handover import build_handover_notes
from devtools.demo.imports import import_latest_list
from devtools.demo.jobcenter import add_jobcenter_consents
from devtools.demo.network import add_network_activities
from devtools.demo.organisation import DEMO_PASSWORD, build_organisation, demo_logins
from devtools.demo.outcomes import build_demo_outcomes
from devtools.demo.plans import build_demo_plans
from imcase.alerts.models import Alert
from imcase.alerts.services import run_deadline_checks
from imcase.organisation.models import Municipality, Provider, Role, StaffMember, Team

__all__ = [
    "ClientSpec",
    "DEMO_PASSWORD",
    "DEMO_TODAY",
    "build_demo",
    "client_specs",
    "demo_logins",
    "staff_specs",
]


@dataclass
class DemoSummary:
    municipalities: int = 0
    providers: int = 0
    teams: int = 0
    managers: int = 0
    clients_total: int = 0
    clients_created: int = 0
    consultations_total: int = 0
    consultations_withdrawn: int = 0
    consultations_created: int = 0
    plans_created: int = 0
    outcomes_created: int = 0
    funding: FundingSummary = field(default_factory=FundingSummary)
    alerts_created: int = 0
    alerts_open: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)


def restore_seeded_vocabulary() -> None:
    """The topics and Regeldienste that migration clients 0002 seeds, again where a database was
    emptied after its migrations (a test with committed data ends with a flush of every table);
    changes nothing where they are there. The migration's own function: one list, not two."""
    seeded = importlib.import_module("clients.migrations.0002_topics_services_trigram")
    seeded.add_defaults(django_apps, None)


def build_demo(
    clients: int = 2000,
    seed: int = 2026,
    stdout=None,
    contacts_per_year: float = CONTACTS_PER_YEAR,
) -> DemoSummary:
    """Create or complete the demo Kreis; running it again changes nothing."""
    summary = DemoSummary()
    email = "django.core.mail.backends.dummy.EmailBackend"
    with override_settings(EMAIL_BACKEND=email), transaction.atomic():
        restore_seeded_vocabulary()
        org = build_organisation(summary)
        kreis = org.kreis
        summary.created["client"] = add_clients(
            kreis, org.municipalities, org.users, clients, seed, stdout
        )
        summary.consultations_created = add_consultations(
            kreis,
            seed,
            per_year=contacts_per_year,
            progress=stdout.write if stdout is not None else None,
        )
        withdraw_some(kreis)
        summary.created["network_activity"] = add_network_activities(kreis)
        summary.plans_created = build_demo_plans(seed, stdout=stdout)
        summary.outcomes_created = build_demo_outcomes(seed)
        summary.created.update(add_jobcenter_consents(seed))
        summary.created["annual_report_text"] = build_annual_report_texts(kreis)
        analyze_tables()
        complete_name_skeletons(kreis)
        summary.funding = build_demo_funding(kreis, org.users, seed)
        summary.created["imported"] = import_latest_list(kreis, org.users["koordination"], seed)
        summary.created["handover_note"] = build_handover_notes(kreis, org.users, seed)
        with at(DEMO_TODAY, 2):  # the nightly run of the demo day
            summary.alerts_created = run_deadline_checks(DEMO_TODAY).total_created
    summary.municipalities = Municipality.objects.filter(landkreis=kreis).count()
    summary.providers = Provider.objects.filter(landkreis=kreis).count()
    summary.teams = Team.objects.filter(provider__landkreis=kreis).count()
    summary.managers = StaffMember.objects.filter(landkreis=kreis, role=Role.MANAGER).count()
    summary.clients_total = Client.objects.filter(landkreis=kreis).count()
    summary.clients_created = summary.created["client"]
    # all_objects: the withdrawn contacts were created too (they count in no figure)
    summary.consultations_total = Consultation.all_objects.filter(provider__landkreis=kreis).count()
    summary.consultations_withdrawn = summary.consultations_total - (
        Consultation.objects.filter(provider__landkreis=kreis).count()
    )
    summary.alerts_open = Alert.objects.open().count()
    return summary


def analyze_tables() -> None:
    """Fresh planner statistics on PostgreSQL after the bulk inserts, before the Kennzahlen and
    the nightly checks query them: with the statistics of the empty tables (a new database, a
    test) the planner picks nested loops that take minutes. ANALYZE counts the rows this
    transaction inserted. Only this database's tables: a bare ANALYZE also analyzes the catalogs
    shared by all databases of the server (``pg_authid``, …) and, inside the build's long
    transaction, would keep them locked until the commit, so every other ANALYZE on the server
    (a test run, a bench) would wait for the whole build."""
    if connection.vendor == "postgresql":
        tables = connection.introspection.table_names()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
