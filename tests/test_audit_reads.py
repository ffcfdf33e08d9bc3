"""Every read of a person's data is audited (issue 13, item 1).

The walk below visits every URL pattern of ``clients/`` and ``plans/`` with real objects: each
pattern that shows a person's data writes a ``view`` entry naming the person (or, for a list,
the Kreis with the filters), a write action shows no page, and an outsider's 404 writes nothing.
A pattern added without a declaration fails here (and ``audited_path`` needs ``reads=``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, reverse
from django.utils import timezone

import clients.urls
import plans.urls
from clients.models import (
    Consent,
    HandoverNote,
    ImportJob,
    NetworkActivityKind,
    RegularService,
    WindowExtension,
)
from clients.network_services import NetworkActivityInput, record_network_activity
from clients.outcomes import OutcomeInput, record_outcome
from clients.services import ConsultationInput, ReferralInput, log_consultation
from imcase.audit.models import AuditEntry
from imcase.audit.reads import (
    WRITES_ONLY,
    AuditedByView,
    NoPersonData,
    Reads,
    Shown,
    audited_path,
)
from plans import services as plan_services
from tests.factories import (
    ClientFactory,
    GoalFactory,
    PlanFactory,
    StepFactory,
    UserFactory,
    outcome_kind,
)

URLCONFS = {"clients": clients.urls, "plans": plans.urls}


@dataclass(frozen=True)
class Visit:
    """How the walk opens one pattern: URL arguments, method and data, and who asks."""

    kwargs: dict
    method: str = "get"
    data: dict | None = None
    persona: str = "owner"


@dataclass
class Objects:
    kreis: str
    client: str
    without_plan: str
    contact: str
    referral: int
    consent: int
    extension: int
    plan: str
    goal: str
    step: int
    import_job: str
    arriving: str
    arriving_pair: dict
    network: str
    outcome: str


@pytest.fixture
def objects(world) -> Objects:
    """One of everything the URLs name, all of the owner's client Haddad (and a second
    client of the owner without a plan, whose plan can be started)."""
    service = RegularService.objects.get_or_create(name="Jobcenter")[0]
    contact = log_consultation(
        world.owner,
        ConsultationInput(
            clients=[world.client],
            date=dt.date(2025, 5, 6),
            duration_minutes=45,
            referrals=[ReferralInput(service=service)],
        ),
    )
    consent = Consent.objects.create(
        client=world.client,
        kind=Consent.Kind.DATA_PROCESSING,
        given_on=dt.date(2025, 5, 6),
        recorded_by=world.owner,
    )
    # A valid Jobcenter consent, so the Übermittlungsbogen is made (a 200 with the PDF).
    Consent.objects.create(
        client=world.client,
        kind=Consent.Kind.JOBCENTER,
        given_on=dt.date(2025, 5, 6),
        categories=["arbeit"],
        recorded_by=world.owner,
    )
    extension = WindowExtension.objects.create(
        client=world.client, reason="Sprachkurs läuft noch", requested_by=world.owner
    )
    plan = PlanFactory(client=world.client, created_by=world.owner)
    plan_services.continue_plan(world.owner, plan, dt.date(2025, 9, 1), plan.lock_version)
    goal = GoalFactory(version=plan.versions.get(is_current=True))
    step = StepFactory(goal=goal)
    arrived = timezone.localdate() - dt.timedelta(days=10)
    arriving = ClientFactory(municipality=world.town, assignment_date=arrived, opened_on=arrived)
    HandoverNote.objects.create(client=world.client, written_by=world.vu_user, languages=[])
    return Objects(
        kreis=str(world.landkreis.pk),
        client=str(world.client.code),
        without_plan=str(ClientFactory(municipality=world.town, manager=world.owner).code),
        contact=str(contact.code),
        referral=contact.referrals.get().pk,
        consent=consent.pk,
        extension=extension.pk,
        plan=str(plan.code),
        goal=str(goal.code),
        step=step.pk,
        import_job=str(
            ImportJob.objects.create(
                owner=world.office,
                landkreis=world.landkreis,
                filename="zuweisungen.csv",
                expires_at=timezone.now() + dt.timedelta(hours=1),
            ).code
        ),
        arriving=str(arriving.code),
        arriving_pair={
            "aktenzeichen": arriving.aktenzeichen,
            "birth_date": arriving.birth_date.isoformat(),
        },
        network=str(
            record_network_activity(
                world.owner,
                NetworkActivityInput(
                    kind=NetworkActivityKind.ROUND_TABLE,
                    date=dt.date(2025, 5, 7),
                    duration_minutes=120,
                    topic="Runder Tisch Asyl",
                    participants=12,
                ),
            ).code
        ),
        outcome=str(
            record_outcome(
                world.owner,
                world.client,
                OutcomeInput(kind=outcome_kind("eigene-wohnung"), started_on=dt.date(2025, 5, 6)),
            ).code
        ),
    )


def visits(o: Objects, world) -> dict[str, Visit]:
    """Every pattern of both apps; a new pattern needs a row here (the walk checks)."""
    client = {"code": o.client}
    plan = {"code": o.plan}
    goal = {"code": o.goal}
    duplicate = {
        "last_name": world.client.last_name,
        "first_name": world.client.first_name,
        "birth_date": world.client.birth_date.isoformat() if world.client.birth_date else "",
    }
    return {
        "clients:list": Visit({}),
        "clients:caseload": Visit({}),
        "clients:create": Visit({}, "post", duplicate),
        "clients:import": Visit({}, persona="office"),
        "clients:import_job": Visit({"code": o.import_job}, persona="office"),
        "clients:import_job_status": Visit({"code": o.import_job}, persona="office"),
        "clients:import_template": Visit({"fmt": "csv"}, persona="office"),
        "clients:import_problems": Visit({"code": o.import_job}, persona="office"),
        "clients:export": Visit({}),
        "clients:handover": Visit({}, "post", o.arriving_pair, "vu_user"),
        "clients:handover_mine": Visit({}, persona="vu_user"),
        "clients:detail": Visit(client),
        "clients:edit": Visit(client),
        "clients:household": Visit(client),
        "clients:assign": Visit(
            {}, "post", {"faelle": f"{o.client}:1", "manager": world.owner.pk}, "colleague"
        ),
        "clients:take_over": Visit(client, "post"),
        "clients:consent_add": Visit(client, "post"),
        "clients:consent_revoke": Visit({**client, "pk": o.consent}, "post"),
        "clients:jobcenter_sheet": Visit(client, "post"),
        "clients:consultation_create": Visit(client, "post"),
        "clients:consultation_edit": Visit({"code": o.contact}),
        # Without a reason: the contact page again, with the error (a read of the contact).
        "clients:consultation_withdraw": Visit({"code": o.contact}, "post", {"reason": ""}),
        "clients:referral_status": Visit({"pk": o.referral}, "post"),
        "clients:extension_request": Visit(client, "post"),
        "clients:extension_decide": Visit({"pk": o.extension}, "post"),
        "clients:move": Visit(client, "post"),
        "clients:close": Visit(client, "post"),
        "clients:reopen": Visit(client, "post"),
        "clients:network": Visit({}),
        "clients:network_edit": Visit({"code": o.network}),
        "clients:network_withdraw": Visit({"code": o.network}, "post", {"reason": ""}),
        "clients:outcome_create": Visit(client),
        "clients:outcome_edit": Visit({"code": o.outcome}),
        # Without a reason: the outcome page again, with the error (a read of the outcome).
        "clients:outcome_withdraw": Visit({"code": o.outcome}, "post", {"reason": ""}),
        "plans:create": Visit({"client_code": o.without_plan}),
        "plans:detail": Visit(plan),
        "plans:version": Visit({**plan, "number": 1}),
        "plans:pdf": Visit(plan),
        "plans:version_pdf": Visit({**plan, "number": 1}),
        "plans:dates": Visit(plan, "post"),
        "plans:continue": Visit(plan, "post"),
        "plans:ratings": Visit(plan, "post"),
        "plans:goal_add": Visit({**plan, "part": "A"}, "post"),
        "plans:goal": Visit(goal),
        "plans:step_add": Visit(goal, "post"),
        "plans:step_done": Visit({**goal, "pk": o.step}, "post"),
        "plans:evaluate": Visit(goal, "post"),
    }


def all_patterns() -> list[tuple[str, URLPattern]]:
    return [
        (f"{namespace}:{pattern.name}", pattern)
        for namespace, urlconf in URLCONFS.items()
        for pattern in urlconf.urlpatterns
    ]


def _new_entries(since: int):
    return AuditEntry.objects.filter(pk__gt=since).order_by("pk")


def _last_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _request(http, visit: Visit, url: str):
    if visit.method == "post":
        return http.post(url, visit.data or {})
    return http.get(url)


# --- the declarations -----------------------------------------------------------------------


def test_every_client_and_plan_pattern_declares_what_it_reads(objects, world):
    table = visits(objects, world)
    for name, pattern in all_patterns():
        declaration = getattr(pattern, "audit", None)
        assert isinstance(declaration, Reads | NoPersonData | AuditedByView | type(WRITES_ONLY)), (
            f"{name} is not declared with audited_path(..., reads=...)"
        )
        assert name in table, f"{name} has no row in the audit walk: add one to visits()"
    assert set(table) == {name for name, _ in all_patterns()}


def test_only_the_upload_form_shows_no_person_data_and_only_the_export_audits_itself():
    # The walk cannot tell a page without person data from a wrongly declared one: each such
    # exception is a decision, listed here.
    declared = {name: pattern.audit for name, pattern in all_patterns()}
    assert {n for n, d in declared.items() if isinstance(d, NoPersonData)} == {
        "clients:import",
        "clients:import_job",
        "clients:import_job_status",
        "clients:import_template",
        "clients:import_problems",
        # Netzwerkarbeit names no person (round tables, volunteers, information events).
        "clients:network",
        "clients:network_edit",
    }
    assert {n for n, d in declared.items() if isinstance(d, AuditedByView)} == {"clients:export"}


def test_a_pattern_without_reads_declaration_does_not_import():
    with pytest.raises(TypeError):
        audited_path("x/", lambda request: HttpResponse(), name="x")
    with pytest.raises(ImproperlyConfigured):
        audited_path("x/", lambda request: HttpResponse(), name="x", reads=None)


def test_a_write_only_view_that_shows_a_page_fails_loudly(world):
    pattern = audited_path(
        "x/", lambda request: HttpResponse("Haddad"), name="x", reads=WRITES_ONLY
    )
    request = RequestFactory().post("/x/")
    request.user = world.owner
    with pytest.raises(ImproperlyConfigured, match="WRITES_ONLY"):
        pattern.callback(request)


# --- the walk as the owner ------------------------------------------------------------------


def test_walk_every_pattern_as_the_owner_and_find_an_entry_per_read(client, world, objects):
    table = visits(objects, world)
    for name, pattern in all_patterns():
        visit = table[name]
        declaration = pattern.audit
        url = reverse(name, kwargs=visit.kwargs)
        client.force_login(getattr(world, visit.persona))
        since = _last_pk()
        if visit.method == "post":
            # POST-only, or a page that shows persons only after a POST (the new-person form).
            status = client.get(url).status_code
            # The new-person form and the handover lookup show an empty form to a GET.
            assert status in (302, 405) or name in ("clients:create", "clients:handover"), name
            assert not _new_entries(since).exists(), f"GET {name} wrote an entry"
        response = _request(client, visit, url)
        entries = list(_new_entries(since))
        views = [e for e in entries if e.action == AuditEntry.Action.VIEW]

        if isinstance(declaration, Reads):
            assert response.status_code == 200, name
            assert views, f"{name} showed a page and wrote no view entry"
            for entry in views:
                assert entry.actor == getattr(world, visit.persona)
                assert entry.detail["event"] == declaration.event
                assert entry.detail["read"]
            expected = {
                "clients:list": objects.kreis,
                "clients:caseload": objects.kreis,
                "clients:create": objects.kreis,
                "plans:create": objects.without_plan,
                "clients:handover": objects.arriving,
            }.get(name, objects.client)
            assert {e.object_id for e in views} == {expected}, name
        elif isinstance(declaration, AuditedByView):
            assert response.status_code == 200, name
            assert [e.action for e in entries] == [AuditEntry.Action.EXPORT], name
        else:
            assert response.status_code != 200 or isinstance(declaration, NoPersonData), name
            assert not views, f"{name} wrote a view entry"


def test_the_edit_page_names_master_data_and_history(client, world, objects):
    client.force_login(world.owner)
    assert client.get(reverse("clients:edit", args=[world.client.code])).status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert (entry.object_id, entry.object_label) == (objects.client, world.client.aktenzeichen)
    assert entry.detail["read"] == "Stammdaten und Änderungsverlauf"


def test_the_contact_page_names_each_participant_and_the_contact(client, world, objects):
    client.force_login(world.owner)
    url = reverse("clients:consultation_edit", args=[objects.contact])
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert entry.object_id == objects.client
    assert entry.detail["contact"] == objects.contact
    assert entry.detail["read"].startswith("Kontakt vom 06.05.2025")


def test_the_list_writes_one_entry_with_its_search_not_one_per_row(client, world, objects):
    client.force_login(world.owner)
    client.get(reverse("clients:list"), {"suche": "Haddad", "seite": "1"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert entry.object_type == "organisation.landkreis"
    assert entry.detail["filters"] == {"suche": "Haddad", "seite": "1"}


def test_the_empty_new_person_form_shows_nobody_and_writes_nothing(client, world):
    client.force_login(world.owner)
    assert client.get(reverse("clients:create")).status_code == 200
    assert not AuditEntry.objects.exists()


def test_a_redirect_writes_no_view_entry(client, world, objects):
    # The current version's own URL sends the browser to the plan page.
    client.force_login(world.owner)
    response = client.get(reverse("plans:version", kwargs={"code": objects.plan, "number": 2}))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).exists()


# --- the outsider ---------------------------------------------------------------------------


def test_outsider_probing_every_pattern_leaves_no_entry_about_the_person(client, world, objects):
    table = visits(objects, world)
    client.force_login(world.outsider)
    since = _last_pk()
    for name, _pattern in all_patterns():
        visit = table[name]
        if not visit.kwargs:
            continue  # the lists show the outsider's own cases, not Haddad
        response = _request(client, visit, reverse(name, kwargs=visit.kwargs))
        assert response.status_code == 404, name
    assert not _new_entries(since).exists()


def test_a_user_without_a_login_is_sent_to_the_login_and_nothing_is_written(client, objects, world):
    for name, _pattern in all_patterns():
        visit = visits(objects, world)[name]
        response = _request(client, visit, reverse(name, kwargs=visit.kwargs))
        assert response.status_code == 302, name
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).exists()


def test_subjects_are_written_with_the_declared_event(world, rf):
    seen = Reads("Test", lambda request, kwargs: [Shown(world.client, "AZ", {"x": 1})], "test")
    pattern = audited_path("x/", lambda request: HttpResponse("ok"), name="x", reads=seen)
    request = rf.get("/x/")
    request.user = UserFactory()
    pattern.callback(request)
    entry = AuditEntry.objects.get()
    assert entry.detail == {"event": "test", "read": "Test", "x": 1}
