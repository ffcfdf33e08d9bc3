"""The demo's funding procedure, Kennzahlen submission and nightly alerts (``seed_demo``, as of
its demo day), and the demo run itself on SQLite (``make run``: DEBUG, no broker)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from devtools.demo import DEMO_TODAY
from devtools.demo.clock import moment
from funding.models import (
    Allocation,
    AllocationRevision,
    CooperationInvoice,
    Decision,
    FundingYear,
    ListEntry,
    PersonList,
    PopulationProgramme,
    UsageReport,
)
from imcase.alerts.models import Alert, NightlyRun
from imcase.audit.models import AuditEntry
from imcase.organisation.models import Landkreis, Provider, ProviderArea
from reporting.models import Submission
from reporting.services import read_verified

pytestmark = pytest.mark.today(DEMO_TODAY)

N = 300
ROOT = Path(__file__).resolve().parent.parent
END_OF_DEMO_DAY = moment(DEMO_TODAY, 23, 59)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--clients", str(N), stdout=out)
    return out.getvalue()


def user(username: str):
    return get_user_model().objects.get(username=username)


def natural_state() -> list:
    """What the funding part, the submission and the alerts wrote, by natural keys, codes and
    values (ids and the submission's file left out): equal for two builds."""
    return [
        sorted(
            FundingYear.objects.values_list(
                "year", "land_total", "quota_percent", "period_start", "list_deadline", "version"
            )
        ),
        sorted(
            PersonList.objects.values_list(
                "code",
                "funding_year__year",
                "municipality__ags",
                "status",
                "generated_at",
                "sent_at",
                "submitted_at",
                "submitted_by__username",
                "version",
            )
        ),
        sorted(
            ListEntry.objects.values_list(
                "person_list__municipality__ags",
                "kind",
                "last_name",
                "first_name",
                "birth_date",
                "aktenzeichen",
                "struck",
                "strike_reason",
                "strike_note",
                "struck_at",
            )
        ),
        sorted(
            Allocation.objects.values_list(
                "revision__funding_year__year", "revision__published_at", "ags", "persons", "amount"
            )
        ),
        sorted(
            Decision.objects.values_list(
                "code",
                "funding_year__year",
                "municipality__ags",
                "mode",
                "status",
                "recorded_at",
                "confirmed_at",
                "provider__name",
            )
        ),
        sorted(
            CooperationInvoice.objects.values_list(
                "code", "number", "issued_at", "net", "vat", "gross"
            )
        ),
        sorted(
            UsageReport.objects.values_list(
                "code",
                "funding_year__year",
                "provider__name",
                "status",
                "staff_costs",
                "other_costs",
                "submitted_at",
                "reviewed_at",
                "reopened_at",
                "created_at",
                "updated_at",
            )
        ),
        sorted(
            PopulationProgramme.objects.values_list("code", "name", "year", "amount", "created_at")
        ),
        sorted(
            Submission.objects.values_list(
                "code", "year", "number", "submitted_at", "submitted_by_name"
            )
        ),
        sorted(
            Alert.objects.values_list(
                "recipient__username", "kind", "due_date", "message", "status", "created_at"
            )
        ),
        sorted(NightlyRun.objects.values_list("day", "started_at", "finished_at")),
        sorted(
            AuditEntry.objects.values_list(
                "at", "actor_name", "action", "object_type", "object_label"
            )
        ),
    ]


def checksum() -> str:
    return hashlib.sha256(repr(natural_state()).encode()).hexdigest()


@pytest.mark.django_db
def test_demo_builds_a_funding_year_in_progress():
    output = seed()
    kreis = Landkreis.objects.get(name="Landkreis Musterkreis")
    assert "Förderverfahren: 3 Förderjahre" in output
    year = FundingYear.objects.get(landkreis=kreis, year=2027)
    lists = list(year.lists.select_related("municipality"))
    assert len(lists) == kreis.municipalities.count()
    assert all(pl.sent_at is not None for pl in lists)
    late = [pl for pl in lists if pl.is_late(DEMO_TODAY)]
    assert [pl.municipality.name for pl in late] == ["Musterstadt"]
    returned = [pl for pl in lists if pl.status == PersonList.Status.SUBMITTED]
    assert len(returned) == len(lists) - 1
    assert sum(pl.came_back_late for pl in returned) == 1
    struck = ListEntry.objects.filter(person_list__funding_year=year, struck=True)
    assert struck.filter(person_list__status=PersonList.Status.SUBMITTED).count() >= 5
    assert not struck.filter(strike_reason="").exists()
    assert len(set(struck.values_list("strike_reason", flat=True))) >= 2
    children = ListEntry.objects.filter(person_list__funding_year=year, kind=ListEntry.Kind.CHILD)
    assert children.exists()
    for child in children.select_related("parent"):
        assert child.parent.assignment_date <= child.birth_date <= year.reference_date
        assert not child.parent.struck
    # every stamp lies before the demo day's end, whatever the real clock says
    assert max(pl.sent_at for pl in lists) < END_OF_DEMO_DAY
    assert AuditEntry.objects.latest("at").at < END_OF_DEMO_DAY


@pytest.mark.django_db
def test_demo_builds_the_previous_years_allocation_decisions_and_invoices():
    seed()
    year = FundingYear.objects.get(year=2026)
    revision = AllocationRevision.objects.get(funding_year=year)
    assert revision.number == 1 and revision.published_at < moment(dt.date(2026, 1, 1))
    assert sum(a.amount for a in revision.allocations.all()) == revision.distributable_amount
    decisions = Decision.objects.filter(funding_year=year)
    assert set(decisions.values_list("mode", flat=True)) == set(Decision.Mode.values)
    assert set(decisions.values_list("status", flat=True)) == {Decision.Status.CONFIRMED}
    assert all(d.confirmed_at < moment(dt.date(2026, 1, 1)) for d in decisions)
    verbund = decisions.get(municipality__name="Kleinbach")
    assert {m.name for m in verbund.partners.all()} == {"Hinterweiler", "Fuchsweiler"}
    cooperation = decisions.get(mode=Decision.Mode.KOOPERATION)
    assert cooperation.serving_municipality.name == "Bergstadt"
    invoices = list(cooperation.invoices.order_by("quarter"))
    assert [i.quarter for i in invoices] == [1, 2, 3]
    assert all(i.gross == i.net + i.vat and i.allocation_amount for i in invoices)
    # the decisions confirm the providers the demo has: no new provider, no area changed
    assert Provider.objects.count() == 6
    assert not ProviderArea.objects.exclude(valid_from=dt.date(2023, 1, 1)).exists()


@pytest.mark.django_db
def test_demo_builds_programme_usage_reports_and_the_submission_for_the_rp():
    seed()
    programme = PopulationProgramme.objects.get()
    lines = programme.split()
    assert len(lines) == 6 and sum(line.amount for line in lines) == programme.amount
    assert {line.reaches_minimum for line in lines} == {True, False}

    reports = UsageReport.objects.filter(funding_year__year=2025)
    states = Counter(reports.values_list("status", flat=True))
    assert set(states) == {
        UsageReport.Status.DRAFT,
        UsageReport.Status.SUBMITTED,
        UsageReport.Status.REVIEWED,
    }
    assert reports.filter(status=UsageReport.Status.DRAFT).exclude(reopen_reason="").count() == 1

    rp = user("rp")
    submission = Submission.objects.visible_to(rp).get()
    assert (submission.year, submission.number) == (2025, 1)
    assert submission.submitted_at == moment(dt.date(2026, 1, 27), 11, 20)
    assert len(read_verified(submission)) == submission.size  # SHA-256 checked


@pytest.mark.django_db
def test_demo_runs_the_nightly_checks_of_the_demo_day():
    output = seed()
    assert NightlyRun.objects.get().day == DEMO_TODAY
    open_alerts = Alert.objects.open()
    assert f"{open_alerts.count()} offen" in output
    for username in ("manager", "koordination", "gemeinde"):
        assert Alert.objects.visible_to(user(username)).open().exists(), username
    kinds = set(open_alerts.values_list("kind", flat=True))
    assert {"funding_list_late", "funding_lists_late_overview", "plan_review_overdue"} <= kinds
    assert open_alerts.filter(recipient__username="gemeinde", kind="funding_list_late").exists()
    assert "kennzahlen_not_submitted" not in kinds  # 2025 was submitted


@pytest.mark.django_db
def test_second_run_changes_nothing_in_funding_submission_and_alerts():
    seed()
    before = natural_state()
    ids = sorted(AuditEntry.objects.values_list("pk", flat=True))
    output = seed()
    assert natural_state() == before
    assert sorted(AuditEntry.objects.values_list("pk", flat=True)) == ids
    assert "Förderverfahren: 0 Förderjahre, 0 Personenlisten, 0 Entscheidungen" in output
    assert "0 Hinweise neu" in output


class _Rollback(Exception):
    pass


def _checksum_of_a_build() -> str:
    result = ""
    with contextlib.suppress(_Rollback), transaction.atomic():
        seed()
        result = checksum()
        raise _Rollback
    return result


@pytest.mark.django_db
def test_two_builds_give_the_same_funding_submission_and_alerts():
    first = _checksum_of_a_build()
    assert not FundingYear.objects.exists()
    assert _checksum_of_a_build() == first


# --- the demo run: SQLite, DEBUG, no broker ---------------------------------------------------

SQLITE_CHECKS = """
import json
import re
from django.contrib.auth import get_user_model
from django.test import Client as TestClient
from django.urls import reverse
from django.db import connection
from clients.models import Client
from clients.search import search_clients
from funding.models import FundingYear, PersonList
from imcase.alerts.models import Alert
from reporting.models import Submission

users = {u.username: u for u in get_user_model().objects.all()}
clients = Client.objects.all()
def found(text):
    return sorted(set(search_clients(clients, text).values_list("first_name", "last_name")))
variants = {text: found(text) for text in
            ("Jussuf", "Youssef", "Yusuf", "Mohammed", "Muhammad", "Mohamad")}
someone = clients.filter(last_name__contains="-").order_by("pk").first()
def page(username, url):
    browser = TestClient(HTTP_HOST="127.0.0.1")
    browser.force_login(users[username])
    response = browser.get(url)
    html = response.content.decode()
    bell = re.search(r'Hinweise <span class="badge[^>]*>(\\d+\\+?)<', html)
    return [response.status_code, bell.group(1) if bell else "", html]
year_page = page("koordination", reverse("funding:year", args=[2027]))
rp_page = page("rp", reverse("reporting:submissions"))
print(json.dumps({
    "pages": {
        "manager": page("manager", "/")[:2],
        "koordination": year_page[:2],
        "gemeinde": page("gemeinde", reverse("funding:index"))[:2],
        "rp": rp_page[:2],
    },
    "musterstadt_on_year_page": "Musterstadt" in year_page[2],
    "rp_sees_2025": "2025" in rp_page[2],
    "vendor": connection.vendor,
    "variants": variants,
    "listed_name": (someone.first_name, someone.last_name) in found(
        f"{someone.last_name}, {someone.first_name}"),
    "bell": {u: Alert.objects.visible_to(users[u]).open().count()
             for u in ("manager", "koordination", "gemeinde")},
    "lists": sorted(set(PersonList.objects.filter(funding_year__year=2027)
                        .values_list("status", flat=True))),
    "years": sorted(FundingYear.objects.visible_to(users["koordination"])
                    .values_list("year", flat=True)),
    "unassigned": Client.objects.filter(manager=None, status="open").count(),
    "team_lead_home": 'Nicht zugeordnete offene Fälle: <strong class="kpi">6</strong>'
    in page("teamleitung", "/")[2],
    "rp_submissions": list(Submission.objects.visible_to(users["rp"])
                           .values_list("year", flat=True)),
}, default=str))
"""


def test_the_demo_runs_on_sqlite_and_its_search_finds_the_variants(tmp_path):
    """``make run`` on a fresh clone: migrate and seed a new SQLite database, DEBUG on, no
    broker; the bell, the funding year and the RP's submission are there, and the search
    (SQLite: stored skeletons, no trigram) finds the spelling variants."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )

    def manage(*args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--noinput", "-v", "0")
    output = manage("seed_demo", "--clients", "400")
    assert "Förderverfahren: 3 Förderjahre" in output
    result = json.loads(manage("shell", "-c", SQLITE_CHECKS).strip().splitlines()[-1])

    # the 400 clients of seed 2026 include Yousef and Youssef, Mohammad and Muhammad
    jussuf = result["variants"]["Jussuf"]
    assert {"Yousef", "Youssef"} <= {first for first, _ in jussuf}
    assert result["variants"]["Youssef"] == jussuf == result["variants"]["Yusuf"]
    mohammed = result["variants"]["Mohammed"]
    assert {"Mohammad", "Muhammad"} <= {first for first, _ in mohammed}
    assert result["variants"]["Muhammad"] == mohammed == result["variants"]["Mohamad"]
    assert result["vendor"] == "sqlite"
    assert result["listed_name"]
    assert all(count > 0 for count in result["bell"].values()), result["bell"]
    assert result["lists"] == ["sent", "submitted"]
    assert result["years"] == [2025, 2026, 2027]
    assert result["rp_submissions"] == [2025]

    # The main pages of each login, and the cohorts' month arithmetic, on SQLite.
    script = (ROOT / "tests" / "demo_sqlite_pages.py").read_text()
    checks = [
        line
        for line in manage("shell", "-c", script).splitlines()
        if line.startswith(("months", "page"))
    ]
    assert len(checks) >= 17, checks
    assert all(line.endswith(" ok") for line in checks), checks
    # the latest assignment list, imported and not yet assigned, on the team lead's home
    assert result["unassigned"] == 6 and result["team_lead_home"]
    # the pages as the demo logins see them: the bell's badge counts open alerts
    pages = result["pages"]
    assert {status for status, _ in pages.values()} == {200}
    for username in ("manager", "koordination", "gemeinde"):
        assert int(pages[username][1]) > 0, username
    assert result["musterstadt_on_year_page"] and result["rp_sees_2025"]
