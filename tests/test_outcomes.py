"""Outcomes (Wirkungen, issue 15 item 1): recording, correcting and withdrawing a person's
outcome, the rules per kind, the section on the client page, the pages and who may use them,
and the outcome recorded with a goal evaluation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import OutcomeEvent, OutcomeKind
from clients.outcomes import (
    OutcomeInput,
    correct_outcome,
    kinds_offered,
    record_outcome,
    withdraw_outcome,
)
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError, StaleVersionError
from plans import services as plan_services
from tests.factories import (
    GoalFactory,
    OutcomeEventFactory,
    PlanFactory,
    outcome_kind,
)

pytestmark = pytest.mark.today  # 16.11.2026

B1_ON = dt.date(2026, 6, 30)


def b1(**changes) -> OutcomeInput:
    data = OutcomeInput(
        kind=outcome_kind("integrationskurs"),
        started_on=dt.date(2025, 9, 1),
        ended_on=dt.date(2026, 6, 20),
        certificate_level="B1",
        certificate_on=B1_ON,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def job(**changes) -> OutcomeInput:
    data = OutcomeInput(
        kind=outcome_kind("svb"), started_on=dt.date(2026, 10, 1), hours_band="ab30"
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def refusal(error: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return {name: [str(m) for m in e] for name, e in error.value.message_dict.items()}


# --- services ----------------------------------------------------------------------------


def test_manager_records_a_b1_certificate_for_his_provider_with_an_audit_entry(world):
    outcome = record_outcome(world.owner, world.client, b1())

    assert outcome.provider == world.provider
    assert outcome.recorded_by == world.owner
    assert outcome.reached_on == B1_ON
    assert outcome.source == "nachweis"  # the default: Nachweis gesehen
    assert outcome.history.count() == 1
    entry = AuditEntry.objects.get(detail__event="outcome_recorded")
    assert entry.object_id == str(world.client.code)
    assert entry.detail["kind"] == "integrationskurs"


def test_an_employment_with_hours_band_counts_from_its_start(world):
    outcome = record_outcome(world.owner, world.client, job())
    assert outcome.reached_on == dt.date(2026, 10, 1)
    assert outcome.get_hours_band_display() == "30 Stunden/Woche und mehr"
    assert list(OutcomeEvent.objects.counted()) == [outcome]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (lambda: job(started_on=dt.date(2026, 11, 17)), "started_on", "Zukunft"),
        (lambda: job(ended_on=dt.date(2026, 9, 30)), "ended_on", "nicht vor dem Beginn"),
        (lambda: job(ended_on=dt.date(2026, 11, 20)), "ended_on", "Zukunft"),
        (lambda: job(certificate_level="B1", certificate_on=B1_ON), "certificate_level", "kein"),
        (lambda: b1(certificate_on=None), "certificate_on", "beides oder keins"),
        (lambda: b1(certificate_level=""), "certificate_level", "beides oder keins"),
        (lambda: b1(certificate_on=dt.date(2025, 8, 1)), "certificate_on", "vor dem Beginn"),
        (lambda: b1(hours_band="ab30"), "hours_band", "kein Stundenumfang"),
        (lambda: job(kind=outcome_kind("ausbildung")), "hours_band", "kein Stundenumfang"),
        (
            lambda: job(kind=outcome_kind("eigene-wohnung"), hours_band="", ended_on=B1_ON),
            "ended_on",
            "kein Ende",
        ),
    ],
)
def test_details_that_do_not_fit_the_kind_are_refused_in_german(world, data, field, words):
    with pytest.raises(ServiceError) as error:
        record_outcome(world.owner, world.client, data())
    messages = refusal(error)
    assert field in messages, messages
    assert words in " ".join(messages[field])
    assert not OutcomeEvent.objects.exists()


def test_a_level_kind_without_certificate_and_a_flat_without_end_are_fine(world):
    record_outcome(world.owner, world.client, b1(certificate_level="", certificate_on=None))
    record_outcome(world.owner, world.client, OutcomeInput(outcome_kind("eigene-wohnung"), B1_ON))
    assert OutcomeEvent.objects.count() == 2


def test_a_kind_is_offered_and_accepted_only_in_the_years_it_is_valid(world):
    retired = outcome_kind("arbeitsgelegenheit")
    retired.last_year = 2024
    retired.save()
    future = OutcomeKind.objects.create(
        code="neu-2027", name="Neu ab 2027", category="arbeit", first_year=2027
    )

    offered = kinds_offered(dt.date(2026, 11, 16))
    assert retired in offered  # an outcome of 2024 may still be recorded late
    assert future not in offered
    with pytest.raises(ServiceError) as error:
        record_outcome(world.owner, world.client, job(kind=retired, hours_band=""))
    assert "für das Jahr 2026 nicht erfasst" in refusal(error)["kind"][0]
    record_outcome(
        world.owner, world.client, job(kind=retired, hours_band="", started_on=dt.date(2024, 5, 2))
    )


def test_correction_keeps_the_history_and_a_stale_page_is_refused(world):
    outcome = record_outcome(world.owner, world.client, job(hours_band="15bis29"))

    corrected = correct_outcome(
        world.colleague, outcome, job(hours_band="ab30"), expected_version=1
    )

    assert corrected.version == 2
    assert corrected.hours_band == "ab30"
    assert [h.hours_band for h in corrected.history.order_by("history_id")] == ["15bis29", "ab30"]
    assert AuditEntry.objects.filter(detail__event="outcome_corrected").count() == 1
    with pytest.raises(StaleVersionError):
        correct_outcome(world.owner, outcome, job(hours_band="unter15"), expected_version=1)
    assert OutcomeEvent.objects.get().hours_band == "ab30"


def test_a_retired_kind_may_be_kept_when_an_outcome_is_corrected(world):
    outcome = record_outcome(world.owner, world.client, job(kind=outcome_kind("minijob")))
    OutcomeKind.objects.filter(code="minijob").update(last_year=2025)
    kind = OutcomeKind.objects.get(code="minijob")
    correct_outcome(world.owner, outcome, job(kind=kind, hours_band="unter15"), expected_version=1)
    assert OutcomeEvent.objects.get().hours_band == "unter15"


def test_withdrawn_outcome_is_kept_marked_and_not_counted(world):
    outcome = record_outcome(world.owner, world.client, b1())

    with pytest.raises(ServiceError) as error:
        withdraw_outcome(world.owner, outcome, "  ", expected_version=1)
    assert "Grund" in refusal(error)["reason"][0]

    withdrawn = withdraw_outcome(world.owner, outcome, "doppelt erfasst", expected_version=1)

    assert OutcomeEvent.objects.filter(pk=outcome.pk).exists()
    assert withdrawn.withdrawn_by == world.owner
    assert withdrawn.withdrawn_reason == "doppelt erfasst"
    assert not OutcomeEvent.objects.counted().exists()
    assert withdrawn.history.count() == 2
    with pytest.raises(ServiceError, match="zurückgenommen"):
        correct_outcome(world.owner, withdrawn, b1(), expected_version=2)
    with pytest.raises(ServiceError, match="zurückgenommen"):
        withdraw_outcome(world.owner, withdrawn, "nochmal", expected_version=2)


def test_outsider_and_office_can_neither_record_nor_change_an_outcome(world):
    outcome = record_outcome(world.owner, world.client, b1())
    with pytest.raises(ServiceError, match="nicht in Ihrem Zuständigkeitsbereich"):
        record_outcome(world.outsider, world.client, b1())
    with pytest.raises(ServiceError, match="nicht in Ihrem Zuständigkeitsbereich"):
        correct_outcome(world.outsider, outcome, job(), expected_version=1)
    with pytest.raises(ServiceError, match="nicht in Ihrem Zuständigkeitsbereich"):
        withdraw_outcome(world.outsider, outcome, "falsch", expected_version=1)
    with pytest.raises(ServiceError, match="Nur Integrationsmanager"):
        record_outcome(world.office, world.client, b1())
    assert OutcomeEvent.objects.get().version == 1


def test_outcomes_are_seen_only_by_case_workers_of_the_recording_provider(world):
    mine = record_outcome(world.owner, world.client, b1())
    OutcomeEventFactory(client=world.client, provider=world.other_provider)  # before a move
    assert list(OutcomeEvent.objects.visible_to(world.owner)) == [mine]
    assert list(OutcomeEvent.objects.visible_to(world.colleague)) == [mine]
    for user in (world.outsider, world.office, world.municipality_user, world.rp_user):
        assert not OutcomeEvent.objects.visible_to(user).exists()


# --- pages -------------------------------------------------------------------------------


def test_the_client_page_shows_the_section_with_withdrawn_outcomes_struck(client, world):
    record_outcome(world.owner, world.client, b1())
    wrong = record_outcome(world.owner, world.client, job())
    withdraw_outcome(world.owner, wrong, "falsche Person", expected_version=1)
    client.force_login(world.owner)

    content = client.get(reverse("clients:detail", args=[world.client.code])).content.decode()

    section = content[content.index('id="wirkungen"') :]
    assert 'Wirkungen <span class="badge text-bg-secondary">1</span>' in section
    assert "Zertifikat <strong>B1</strong> vom 30.06.2026" in section
    struck = r"<del>\s*<strong>sozialversicherungspflichtige Beschäftigung</strong>"
    assert re.search(struck, section)
    assert "zurückgenommen" in section and "falsche Person" in section
    assert reverse("clients:outcome_create", args=[world.client.code]) in content
    assert content.index('id="plan-titel"') < content.index('id="wirkungen-titel"')


def test_client_page_queries_do_not_grow_with_the_outcomes(client, world):
    client.force_login(world.owner)
    url = reverse("clients:detail", args=[world.client.code])
    record_outcome(world.owner, world.client, b1())
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(10):
        record_outcome(world.owner, world.client, job())
    withdraw_outcome(world.owner, OutcomeEvent.objects.last(), "doppelt", expected_version=1)
    with CaptureQueriesContext(connection) as eleven:
        client.get(url)
    assert len(eleven.captured_queries) == len(one.captured_queries)


def test_manager_records_an_outcome_through_the_form(client, world):
    client.force_login(world.owner)
    url = reverse("clients:outcome_create", args=[world.client.code])
    page = client.get(url).content.decode()
    assert '<optgroup label="Deutschkurs und Sprachzertifikat">' in page
    assert 'value="2026-11-16"' in page  # the date defaults to today
    assert 'value="nachweis"' in page and "checked" in page

    kind = outcome_kind("integrationskurs")
    response = client.post(
        url,
        {
            "kind": kind.pk,
            "started_on": "2025-09-01",
            "certificate_level": "B1",
            "certificate_on": "2026-06-30",
            "source": "nachweis",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#wirkungen")
    assert OutcomeEvent.objects.get().certificate_level == "B1"


def test_a_refused_form_keeps_the_input_and_names_the_field(client, world):
    client.force_login(world.owner)
    url = reverse("clients:outcome_create", args=[world.client.code])
    response = client.post(
        url,
        {
            "kind": outcome_kind("svb").pk,
            "started_on": "2026-10-01",
            "certificate_level": "B1",
            "source": "jobcenter",
            "note": "Vertrag gesehen",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "hat kein Zertifikat" in content
    assert "Vertrag gesehen" in content
    assert not OutcomeEvent.objects.exists()


def test_team_lead_corrects_and_withdraws_on_the_outcome_page(client, world):
    outcome = record_outcome(world.owner, world.client, job(hours_band="15bis29"))
    client.force_login(world.colleague)
    url = reverse("clients:outcome_edit", args=[outcome.code])
    assert "Korrektur speichern" in client.get(url).content.decode()

    data = {
        "kind": outcome.kind_id,
        "started_on": "2026-10-01",
        "hours_band": "ab30",
        "source": "jobcenter",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert "Stundenumfang: 15 bis 29 Stunden/Woche → 30 Stunden/Woche und mehr" in page
    assert "Quelle: Nachweis gesehen → Mitteilung Jobcenter" in page

    # A second tab with the old version: refused, nothing overwritten.
    stale = client.post(url, {**data, "hours_band": "unter15"})
    assert "inzwischen von jemand anderem geändert" in stale.content.decode()

    withdraw = reverse("clients:outcome_withdraw", args=[outcome.code])
    assert (
        "Grund der Rücknahme"
        in client.post(withdraw, {"reason": "", "version": 2}).content.decode()
    )
    assert client.post(withdraw, {"reason": "doppelt erfasst", "version": 2}).status_code == 302
    page = client.get(url).content.decode()
    assert "zurückgenommen" in page and "Korrektur speichern" not in page


def test_outsider_gets_404_on_every_outcome_page(client, world):
    outcome = record_outcome(world.owner, world.client, b1())
    pages = [
        ("get", reverse("clients:outcome_create", args=[world.client.code])),
        ("get", reverse("clients:outcome_edit", args=[outcome.code])),
        ("post", reverse("clients:outcome_edit", args=[outcome.code])),
        ("post", reverse("clients:outcome_withdraw", args=[outcome.code])),
    ]
    for user in (world.outsider, world.office, world.municipality_user):
        client.force_login(user)
        for method, url in pages:
            assert getattr(client, method)(url, {"reason": "x", "version": 1}).status_code == 404
    assert OutcomeEvent.objects.get().withdrawn_at is None


def test_a_team_lead_of_another_team_does_not_see_the_outcome(client, world):
    from imcase.organisation.models import Role
    from tests.factories import StaffMemberFactory, TeamFactory, UserFactory

    other_team = TeamFactory(provider=world.provider, name="Team Süd")
    lead = UserFactory(username="sued")
    StaffMemberFactory(user=lead, role=Role.TEAM_LEAD, provider=world.provider, team=other_team)
    outcome = record_outcome(world.owner, world.client, b1())
    client.force_login(lead)
    assert client.get(reverse("clients:outcome_edit", args=[outcome.code])).status_code == 404


def test_outcome_page_read_is_audited_with_the_outcome(client, world):
    outcome = record_outcome(world.owner, world.client, b1())
    client.force_login(world.owner)
    client.get(reverse("clients:outcome_edit", args=[outcome.code]))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert entry.object_id == str(world.client.code)
    assert entry.detail["outcome"] == str(outcome.code)


# --- from a goal evaluation --------------------------------------------------------------


@pytest.fixture
def language_goal(world):
    plan = PlanFactory(client=world.client, created_by=world.owner)
    return GoalFactory(version=plan.versions.get(is_current=True))


def test_an_evaluation_records_the_outcome_in_the_same_step(world, language_goal):
    plan = language_goal.version.plan
    outcome = OutcomeInput(
        kind=outcome_kind("integrationskurs"),
        started_on=B1_ON,
        certificate_level="B1",
        certificate_on=B1_ON,
    )
    evaluation = plan_services.evaluate_goal(
        world.owner,
        language_goal,
        dt.date(2026, 7, 1),
        "erreicht",
        plan.lock_version,
        outcome=outcome,
    )
    assert evaluation.outcome.client == world.client
    assert evaluation.outcome.certificate_level == "B1"
    assert OutcomeEvent.objects.counted().count() == 1


def test_a_refused_outcome_saves_no_evaluation(world, language_goal):
    plan = language_goal.version.plan
    outcome = OutcomeInput(
        kind=outcome_kind("svb"), started_on=B1_ON, certificate_level="B1", certificate_on=B1_ON
    )
    with pytest.raises(ServiceError) as error:
        plan_services.evaluate_goal(
            world.owner,
            language_goal,
            dt.date(2026, 7, 1),
            "erreicht",
            plan.lock_version,
            outcome=outcome,
        )
    assert "outcome_certificate_level" in error.value.message_dict
    assert not language_goal.evaluations.exists()
    assert not OutcomeEvent.objects.exists()


def test_the_evaluation_form_records_the_outcome_and_the_plan_shows_it(
    client, world, language_goal
):
    plan = language_goal.version.plan
    client.force_login(world.owner)
    prefix = f"auswertung-{language_goal.pk}"
    page = client.get(reverse("plans:detail", args=[plan.code])).content.decode()
    assert f'name="{prefix}-outcome_kind"' in page

    response = client.post(
        reverse("plans:evaluate", args=[language_goal.code]),
        {
            f"{prefix}-lock": plan.lock_version,
            f"{prefix}-evaluated_on": "2026-07-01",
            f"{prefix}-result": "erreicht",
            f"{prefix}-outcome_kind": outcome_kind("integrationskurs").pk,
            f"{prefix}-outcome_started_on": "2026-06-30",
            f"{prefix}-outcome_certificate_level": "B1",
            f"{prefix}-outcome_source": "nachweis",
        },
    )

    assert response.status_code == 302
    evaluation = language_goal.evaluations.get()
    assert evaluation.outcome.certificate_on == B1_ON
    page = client.get(reverse("plans:detail", args=[plan.code])).content.decode()
    assert "Wirkung: Integrationskurs ab 30.06.2026, Zertifikat B1 am 30.06.2026" in page
    detail = client.get(reverse("clients:detail", args=[world.client.code])).content.decode()
    assert "Zertifikat <strong>B1</strong>" in detail


def test_an_evaluation_without_outcome_records_none(client, world, language_goal):
    plan = language_goal.version.plan
    client.force_login(world.owner)
    prefix = f"auswertung-{language_goal.pk}"
    response = client.post(
        reverse("plans:evaluate", args=[language_goal.code]),
        {
            f"{prefix}-lock": plan.lock_version,
            f"{prefix}-evaluated_on": "2026-07-01",
            f"{prefix}-result": "in_umsetzung",
            f"{prefix}-outcome_source": "nachweis",
        },
    )
    assert response.status_code == 302
    assert language_goal.evaluations.get().outcome is None
    assert not OutcomeEvent.objects.exists()


def test_outcome_kinds_are_editable_in_the_admin(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("admin:clients_outcomekind_changelist"))
    assert response.status_code == 200
    assert "Integrationskurs" in response.content.decode()
    kind = outcome_kind("studium")
    page = client.get(reverse("admin:clients_outcomekind_history", args=[kind.pk]))
    assert page.status_code == 200


def test_anonymisation_clears_the_outcomes_free_text_and_keeps_them_counted(world):
    from clients.retention import anonymise_clients

    kept = record_outcome(world.owner, world.client, b1(note="Kurs bei der VHS, Frau X."))
    wrong = record_outcome(world.owner, world.client, job())
    withdraw_outcome(world.owner, wrong, "bei Herrn Y. erfasst", expected_version=1)

    assert anonymise_clients([world.client.pk])["outcome_notes"] == 2

    assert OutcomeEvent.objects.counted().get() == kept
    assert set(OutcomeEvent.objects.values_list("note", "withdrawn_reason")) == {("", "")}
    assert set(OutcomeEvent.history.values_list("note", "withdrawn_reason")) == {("", "")}


def test_the_default_kinds_of_the_code_match_the_migration(world):
    from clients.outcome_kinds import ensure_default_kinds

    migrated = {
        k.code: (k.name, k.category, k.has_period, k.has_level, k.has_hours)
        + (k.counts_as_work_or_training, k.counts_as_own_tenancy, k.position)
        for k in OutcomeKind.objects.all()
    }
    OutcomeKind.objects.all().delete()
    ensured = {
        code: (k.name, k.category, k.has_period, k.has_level, k.has_hours)
        + (k.counts_as_work_or_training, k.counts_as_own_tenancy, k.position)
        for code, k in ensure_default_kinds().items()
    }
    assert ensured == migrated
