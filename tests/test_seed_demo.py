"""``manage.py seed_demo``: structure of the demo Kreis, idempotence, determinism, ownership."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from clients.households import is_minor
from clients.models import (
    Client,
    Consent,
    ConsentCategory,
    Consultation,
    ConsultationParticipant,
    HandoverNote,
    Household,
    JobcenterTransmission,
    ManagerAssignment,
    NetworkActivity,
    OutcomeEvent,
    Referral,
    WindowExtension,
    manager_on,
)
from clients.models.client import ResidenceStatus
from clients.services import refresh_window
from devtools.demo import DEMO_PASSWORD, DEMO_TODAY, client_specs, demo_logins
from devtools.demo.imports import IMPORTED
from imcase.organisation.models import (
    Landkreis,
    Municipality,
    Provider,
    ProviderArea,
    Regierungspraesidium,
    Role,
    StaffMember,
    Team,
)

# The demo Kreis is built as of its fixed demo day, so these tests state that day (and
# the later-day runs of `make test` need not build it again).
pytestmark = pytest.mark.today(DEMO_TODAY)

N = 150


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--clients", str(N), *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every value of every table the command writes, in a stable order."""
    tables = {
        model.__name__: [
            {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            for obj in model.objects.order_by("pk")
        ]
        for model in (
            Regierungspraesidium,
            Landkreis,
            Municipality,
            Provider,
            ProviderArea,
            Team,
            StaffMember,
            get_user_model(),
            Household,
            Client,
            WindowExtension,
            Consultation,
            ConsultationParticipant,
            Referral,
            Consent,
            JobcenterTransmission,
            HandoverNote,
            NetworkActivity,
            OutcomeEvent,
        )
    }
    tables["team_municipalities"] = sorted(
        Team.municipalities.through.objects.values_list("team_id", "municipality_id")
    )
    tables["consultation_topics"] = sorted(
        Consultation.topics.through.objects.values_list("consultation_id", "topic_id")
    )
    return tables


def contact_period(client: Client) -> tuple[dt.date, dt.date] | None:
    """The days of the demo year on which the client may have had a contact."""
    start = max(client.window_start, client.opened_on, DEMO_TODAY - dt.timedelta(days=365))
    end = min(client.window_end, client.closed_on or DEMO_TODAY, DEMO_TODAY)
    return (start, end) if start <= end else None


def consultation_checksum() -> str:
    """The consultations by natural keys (codes, Aktenzeichen, names), independent of ids."""
    parts = [
        sorted(
            Consultation.all_objects.values_list(
                "code",
                "provider__name",
                "date",
                "duration_minutes",
                "kind",
                "setting",
                "interpreter_language",
                "note",
                "next_appointment",
                "recorded_by__username",
                "withdrawn_at",
                "withdrawal_reason",
            )
        ),
        sorted(
            ConsultationParticipant.all_objects.values_list(
                "consultation__code", "client__aktenzeichen", "funded"
            )
        ),
        sorted(
            Consultation.topics.through.objects.values_list("consultation__code", "topic__name")
        ),
        sorted(
            Referral.all_objects.values_list(
                "consultation__code", "service__name", "status", "status_changed_on"
            )
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.mark.django_db
def test_builds_the_demo_kreis():
    output = seed()
    kreis = Landkreis.objects.get(name="Landkreis Musterkreis")
    assert kreis.regierungspraesidium.name == "Regierungspräsidium Stuttgart"
    munis = Municipality.objects.filter(landkreis=kreis)
    assert 18 <= munis.count() <= 22
    assert all(len(m.ags) == 8 and m.ags.startswith("08") for m in munis)
    assert all(1_500 <= m.population <= 60_000 for m in munis)

    kinds = sorted(Provider.objects.filter(landkreis=kreis).values_list("kind", flat=True))
    assert kinds.count(Provider.Kind.EIGENREGIE) == 2
    for kind in (Provider.Kind.LANDKREIS, Provider.Kind.VERBUND, Provider.Kind.KOOPERATION):
        assert kind in kinds
    for provider in Provider.objects.exclude(kind=Provider.Kind.LANDKREIS).exclude(
        kind=Provider.Kind.WOHLFAHRT
    ):
        provider.full_clean()  # seat set where the kind needs one
        assert provider.areas.filter(municipality=provider.seat).exists()
    cooperation = Provider.objects.get(kind=Provider.Kind.KOOPERATION)
    assert cooperation.counsels_beyond_window
    assert cooperation.areas.count() == 2
    assert Provider.objects.get(kind=Provider.Kind.VERBUND).areas.count() >= 2

    # every municipality has exactly one provider, from 1 January 2023, and one team
    for area in ProviderArea.objects.all():
        area.full_clean()
        assert (area.valid_from.month, area.valid_from.day) == (1, 1)
    assert ProviderArea.objects.values("municipality").distinct().count() == munis.count()
    assert Team.municipalities.through.objects.count() == munis.count()
    lra = Provider.objects.get(kind=Provider.Kind.LANDKREIS)
    assert lra.teams.count() == 3
    musterstadt = Municipality.objects.get(name="Musterstadt")
    assert musterstadt.provider_on(musterstadt.provider_areas.get().valid_from) == lra
    assert musterstadt.teams.get().name == "Team Nord"

    managers = StaffMember.objects.filter(landkreis=kreis, role=Role.MANAGER)
    assert managers.count() >= 20
    for staff in StaffMember.objects.select_related("team"):
        staff.full_clean()

    # the generated clients and the latest assignment list, imported but not yet assigned
    assert Client.objects.filter(landkreis=kreis).count() == N + IMPORTED
    unassigned = Client.objects.filter(landkreis=kreis, manager=None)
    assert unassigned.count() == IMPORTED
    assert set(unassigned.values_list("status", flat=True)) == {Client.Status.OPEN}
    assert not Consultation.all_objects.filter(participants__client__in=unassigned).exists()
    # handover notes from the VU for some of them: with health hints and consent, without
    notes = HandoverNote.objects.filter(client__in=unassigned)
    assert notes.count() == 3
    with_consent = notes.get(health_consent=True)
    assert with_consent.health_hints and with_consent.consent_declared_on
    assert notes.filter(health_consent=False, health_hints="").count() == 2
    assert notes.get(written_by__username="koordination").on_behalf_of == "Miriam Yilmaz"
    assert set(notes.values_list("written_by__username", flat=True)) == {"vu", "koordination"}
    request = RequestFactory().post("/login/")
    for login in demo_logins():
        assert login.password == DEMO_PASSWORD
        user = authenticate(request, username=login.username, password=login.password)
        assert user is not None, login.username
        assert login.username in output
    roles = dict(StaffMember.objects.values_list("user__username", "role"))
    assert roles["manager"] == Role.MANAGER
    assert roles["teamleitung"] == Role.TEAM_LEAD
    assert roles["koordination"] == Role.OFFICE
    assert roles["gemeinde"] == Role.MUNICIPALITY
    assert roles["rp"] == Role.RP
    assert roles["vu"] == Role.VU
    assert StaffMember.objects.get(user__username="vu").landkreis == kreis
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert StaffMember.objects.get(user__username="koordination").landkreis == kreis
    assert StaffMember.objects.get(user__username="gemeinde").municipality == musterstadt
    assert StaffMember.objects.get(user__username="teamleitung").team.name == "Team Nord"


@pytest.mark.django_db
def test_second_run_changes_nothing():
    seed()
    before, checksum = snapshot(), consultation_checksum()
    assert Consultation.objects.exists()
    output = seed()
    assert snapshot() == before
    assert consultation_checksum() == checksum
    assert "davon 0 neu angelegt" in output
    assert output.count("0 neu angelegt") >= 2  # neither clients nor consultations


@pytest.mark.django_db
def test_some_clients_gave_a_jobcenter_consent_and_one_sheet_was_sent():
    seed()
    consents = Consent.objects.filter(kind=Consent.Kind.JOBCENTER)
    assert consents.count() >= 3
    for consent in consents:
        assert consent.categories
        assert set(consent.categories) <= set(ConsentCategory.values)
        assert consent.given_on <= DEMO_TODAY
        assert consent.revoked_on is None or consent.given_on <= consent.revoked_on <= DEMO_TODAY
        assert not is_minor(consent.client.birth_date, DEMO_TODAY)
    transmission = JobcenterTransmission.objects.get()
    assert transmission.consent.is_valid_on(timezone.localdate(transmission.created_at))
    assert set(transmission.categories) == set(transmission.consent.categories)
    assert transmission.created_at.date() < DEMO_TODAY
    assert len(transmission.sha256) == 64
    assert transmission.created_by == transmission.client.manager


@pytest.mark.django_db
def test_every_case_worker_has_a_year_of_network_work_a_few_withdrawn():
    seed()
    workers = StaffMember.objects.filter(role__in=[Role.MANAGER, Role.TEAM_LEAD])
    recorded = set(NetworkActivity.objects.values_list("recorded_by__username", flat=True))
    assert recorded == set(workers.values_list("user__username", flat=True))
    year_before = DEMO_TODAY - dt.timedelta(days=365)
    for activity in NetworkActivity.objects.select_related("recorded_by__staff"):
        assert year_before <= activity.date < DEMO_TODAY
        assert activity.date.weekday() < 5
        assert activity.provider_id == activity.recorded_by.staff.provider_id
        assert activity.history.filter(history_type="+").count() == 1
    withdrawn = NetworkActivity.objects.exclude(withdrawn_at=None)
    assert 0 < withdrawn.count() < NetworkActivity.objects.count() / 10
    assert NetworkActivity.partners.through.objects.exists()


@pytest.mark.django_db
def test_a_few_wrong_contacts_are_withdrawn_and_count_nowhere():
    seed()
    withdrawn = Consultation.all_objects.filter(withdrawn_at__isnull=False)
    assert withdrawn.count() == 3
    assert all(c.withdrawal_reason and c.withdrawn_by_id == c.recorded_by_id for c in withdrawn)
    assert not Consultation.objects.filter(pk__in=withdrawn.values("pk")).exists()
    assert all(c.history.first().withdrawal_reason for c in withdrawn)


@pytest.mark.django_db
def test_consultations_are_deterministic_per_seed():
    seed()
    checksum = consultation_checksum()
    Consultation.all_objects.all().delete()  # the withdrawn ones too
    seed()
    assert consultation_checksum() == checksum


@pytest.mark.django_db
def test_more_clients_are_added_fewer_remove_nothing():
    seed()
    before = {c.aktenzeichen: c.code for c in Client.objects.all()}
    call_command("seed_demo", "--clients", str(N + 40), stdout=io.StringIO())
    after = {c.aktenzeichen: c.code for c in Client.objects.all()}
    assert len(after) == N + 40 + IMPORTED
    assert {az: after[az] for az in before} == before
    call_command("seed_demo", "--clients", "10", stdout=io.StringIO())
    assert Client.objects.count() == N + 40 + IMPORTED


@pytest.mark.django_db
def test_more_clients_get_contacts_and_the_earlier_ones_keep_theirs():
    seed()
    before = set(Consultation.objects.values_list("code", "date", "kind"))
    call_command("seed_demo", "--clients", str(N + 40), stdout=io.StringIO())
    after = set(Consultation.objects.values_list("code", "date", "kind"))
    assert before < after
    new = [c for c in Client.objects.all() if int(c.aktenzeichen.rsplit("-", 1)[-1]) > N]
    with_contacts = set(
        ConsultationParticipant.objects.filter(client__in=new).values_list("client", flat=True)
    )
    assert with_contacts
    assert all(c.pk in with_contacts for c in new if contact_period(c))


def test_clients_are_deterministic_per_seed():
    first, again = client_specs(N, seed=2026), client_specs(N, seed=2026)
    assert first == again
    other = client_specs(N, seed=7)
    assert [(c.last_name, c.first_name) for c in other] != [
        (c.last_name, c.first_name) for c in first
    ]
    assert [c.aktenzeichen for c in other] != [c.aktenzeichen for c in first]
    # a larger N extends the same stream
    assert client_specs(N + 50, seed=2026)[:N] == first
    assert len({c.aktenzeichen for c in first}) == N
    assert {c.arrival_kind for c in client_specs(2000)} == {
        "zuweisung",
        "familiennachzug",
        "geburt",
    }


def test_default_run_gives_the_demo_manager_a_realistic_caseload():
    specs = client_specs(2000)
    assert 40 <= sum(1 for c in specs if c.manager == "manager") <= 80
    assigned = [c.assignment_date for c in specs if c.assignment_date]
    assert all(dt.date(2021, 1, 1) <= day <= dt.date(2026, 10, 31) for day in assigned)
    assert 0 < sum(1 for c in specs if c.sex == "d") < 20


@pytest.mark.django_db
def test_every_clients_manager_works_for_the_provider_serving_the_municipality():
    seed()
    assigned = Client.objects.exclude(manager=None)  # the imported list waits for its team lead
    for client in assigned.select_related("municipality", "manager__staff"):
        serving = client.municipality.provider_on(dt.date(2026, 1, 1))
        staff = client.manager.staff
        assert staff.role == Role.MANAGER
        assert staff.provider_id == serving.pk
        assert client.municipality.teams.get() == staff.team


@pytest.mark.django_db
def test_every_case_has_its_dated_responsibility_and_no_child_is_bezugsperson():
    seed()
    assert ManagerAssignment.objects.count() == Client.objects.exclude(manager=None).count()
    client = Client.objects.order_by("pk").first()
    assert manager_on(client, client.opened_on) == client.manager
    assert manager_on(client, client.opened_on - dt.timedelta(days=1)) is None
    for person in Client.objects.filter(household_role=Client.HouseholdRole.HEAD):
        assert not is_minor(person.birth_date, DEMO_TODAY), person


@pytest.mark.django_db
def test_families_share_a_household_and_a_third_live_alone():
    seed()
    # the generated clients (the imported list has its own Aktenzeichen and household keys)
    clients = list(
        Client.objects.filter(aktenzeichen__startswith="MK-").select_related("household")
    )
    singles = [c for c in clients if c.household is None]
    assert all(c.household_role == Client.HouseholdRole.HEAD for c in singles)
    assert 0.2 <= len(singles) / len(clients) <= 0.45
    members: dict[str, list[Client]] = {}
    for client in clients:
        if client.household:
            assert client.household.key.startswith("MK-HH-")
            members.setdefault(client.household.key, []).append(client)
    assert len(members) >= 10
    for key, family in members.items():
        roles = Counter(c.household_role for c in family)
        assert roles[Client.HouseholdRole.HEAD] == 1, key
        assert roles[Client.HouseholdRole.PARTNER] <= 1, key
        assert len({c.municipality_id for c in family}) == 1
        assert len({c.manager_id for c in family}) == 1
        assert len({c.nationality for c in family}) == 1
        parents = [
            c.birth_date
            for c in family
            if c.household_role in (Client.HouseholdRole.HEAD, Client.HouseholdRole.PARTNER)
        ]
        for child in family:
            if child.household_role == Client.HouseholdRole.CHILD:
                assert child.birth_date > max(parents), key
    # the last family may be cut off by --clients; the next run adds its other members
    last = max(clients, key=lambda c: c.aktenzeichen.rsplit("-", 1)[-1])
    sizes = Counter(len(f) for f in members.values() if last not in f)
    assert min(sizes) >= 2 and max(sizes) <= 6


def test_children_born_here_arrive_by_birth_in_a_family():
    specs = client_specs(2000)
    born = [c for c in specs if c.arrival_kind == Client.ArrivalKind.GEBURT]
    assert born
    for child in born:
        assert child.household_key and child.household_role == Client.HouseholdRole.CHILD
        if child.assignment_date:  # assigned to AU at birth
            assert child.birth_date == child.assignment_date
        else:  # a § 24 family living outside AU
            assert child.birth_date <= child.opened_on


def test_person_data_fits_the_origin():
    specs = client_specs(2000)
    assert {c.nationality for c in specs} == {
        "SYR", "AFG", "UKR", "IRQ", "TUR", "ERI", "NGA", "GEO"
    }  # fmt: skip
    known = {
        "Arabisch", "Dari", "Paschtu", "Ukrainisch", "Russisch", "Türkisch", "Kurdisch",
        "Tigrinya", "Englisch", "Georgisch",
    }  # fmt: skip
    assert all(c.languages and set(c.languages) <= known for c in specs)
    for client in specs:
        if client.nationality == "UKR":
            assert client.residence_status == ResidenceStatus.UKRAINE
        else:
            assert client.residence_status != ResidenceStatus.UKRAINE
            assert client.assignment_date is not None
    others = Counter(c.residence_status for c in specs if c.nationality != "UKR")
    assert others.most_common(1)[0][0] == ResidenceStatus.PROTECTION
    assert others[ResidenceStatus.DULDUNG] and others[ResidenceStatus.GESTATTUNG]
    # some § 24 persons live outside AU: their window starts with the case
    assert any(c.assignment_date is None for c in specs)


@pytest.mark.django_db
def test_stored_windows_are_what_the_service_computes():
    seed()
    clients = list(Client.objects.all())
    for client in clients:
        stored = (client.window_start, client.window_end, client.window_extended)
        refresh_window(client)
        assert (client.window_start, client.window_end, client.window_extended) == stored


@pytest.mark.django_db
def test_ended_windows_are_mostly_closed_and_closings_have_reason_and_date():
    call_command("seed_demo", "--clients", "600", stdout=io.StringIO())
    clients = list(Client.objects.all())
    for client in clients:
        if client.status == Client.Status.CLOSED:
            assert client.closed_reason and client.closed_on
            assert client.opened_on < client.closed_on < DEMO_TODAY
            if client.closed_reason == Client.ClosedReason.WINDOW_ENDED:
                assert client.window_end < client.closed_on
        else:
            assert not client.closed_reason and client.closed_on is None
    ended = [c for c in clients if c.window_end < DEMO_TODAY]
    closed = [c for c in ended if c.status == Client.Status.CLOSED]
    assert 0.8 <= len(closed) / len(ended) < 1  # a few still wait for their Ausleitung
    reasons = {c.closed_reason for c in clients}
    assert Client.ClosedReason.MOVED_AWAY in reasons and Client.ClosedReason.INDEPENDENT in reasons


@pytest.mark.django_db
def test_extensions_are_requested_by_the_manager_and_approved_by_his_team_lead():
    call_command("seed_demo", "--clients", "600", stdout=io.StringIO())
    extensions = list(
        WindowExtension.objects.select_related(
            "client__manager__staff", "requested_by", "decided_by__staff"
        )
    )
    decisions = Counter(e.decision for e in extensions)
    assert decisions[WindowExtension.Decision.APPROVED] >= 3
    assert decisions[WindowExtension.Decision.PENDING] >= 3
    assert set(decisions) <= {WindowExtension.Decision.APPROVED, WindowExtension.Decision.PENDING}
    for extension in extensions:
        client = extension.client
        assert len(extension.reason) >= 20
        assert extension.requested_by == client.manager
        assert extension.requested_at.date() <= DEMO_TODAY
        assert client.status == Client.Status.OPEN
        if extension.decision == WindowExtension.Decision.APPROVED:
            lead = extension.decided_by.staff
            assert lead.role == Role.TEAM_LEAD
            assert lead.team_id == client.manager.staff.team_id
            assert extension.decided_by != extension.requested_by
            assert extension.requested_at < extension.decided_at
            assert extension.decided_at.date() <= DEMO_TODAY
            assert client.window_extended and client.window_end >= DEMO_TODAY
        else:
            assert extension.decided_by is None and not client.window_extended
            assert DEMO_TODAY <= client.window_end <= DEMO_TODAY + dt.timedelta(days=90)


@pytest.mark.django_db
def test_every_contact_lies_in_its_clients_window_and_open_case():
    seed()
    clients = {c.pk: c for c in Client.objects.select_related("municipality")}
    consultations = Consultation.objects.prefetch_related("participants", "topics", "referrals")
    seen: dict[int, list[Consultation]] = {}
    for consultation in consultations:
        assert 15 <= consultation.duration_minutes <= 120
        assert 1 <= consultation.topics.count() <= 3
        participants = [clients[p.client_id] for p in consultation.participants.all()]
        assert participants and all(p.funded for p in consultation.participants.all())
        if len(participants) > 1:
            households = {c.household_id for c in participants}
            assert len(households) == 1 and None not in households
        for client in participants:
            start, end = contact_period(client)
            assert start <= consultation.date <= end, client.aktenzeichen
            assert consultation.recorded_by_id == client.manager_id
            assert consultation.provider == client.municipality.provider_on(consultation.date)
            seen.setdefault(client.pk, []).append(consultation)
    # everyone with a contact period has contacts; a case opened in the year starts with the
    # Sondierungsgespräch
    for client in clients.values():
        if contact_period(client) is None or client.manager_id is None:
            # no period, or imported and not yet assigned: no contact yet
            assert client.pk not in seen
            continue
        contacts = sorted(seen[client.pk], key=lambda c: c.date)
        if client.opened_on >= DEMO_TODAY - dt.timedelta(days=365):
            assert contacts[0].kind == Consultation.Kind.EXPLORATORY
            assert contacts[0].date == client.opened_on
            assert all(c.kind != Consultation.Kind.EXPLORATORY for c in contacts[1:])


@pytest.mark.django_db
def test_default_run_gives_about_ten_contacts_a_client_with_realistic_mix():
    call_command("seed_demo", stdout=io.StringIO())
    clients = Client.objects.count()
    consultations = Consultation.objects.count()
    assert clients == 2000 + IMPORTED
    assert 8 <= consultations / clients <= 12
    kinds = Counter(Consultation.objects.values_list("kind", flat=True))
    assert kinds.most_common(1)[0][0] == Consultation.Kind.COUNSELLING
    assert kinds[Consultation.Kind.EXPLORATORY] and kinds[Consultation.Kind.CRISIS]
    settings = Counter(Consultation.objects.values_list("setting", flat=True))
    assert settings.most_common(1)[0][0] == Consultation.Setting.OFFICE_HOURS
    assert 0.25 <= settings[Consultation.Setting.OUTREACH] / consultations <= 0.42
    assert set(settings) == set(Consultation.Setting.values)
    referrals = Referral.objects.values("consultation").distinct().count()
    assert 0.18 <= referrals / consultations <= 0.32
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    assert set(statuses) == set(Referral.Status.values)
    shared = ConsultationParticipant.objects.count() - consultations
    assert shared > 0  # some household contacts with several members
    topics = Counter(
        Consultation.topics.through.objects.values_list("topic__name", flat=True)
    ).most_common(5)
    assert {name for name, _ in topics} >= {"Kinder und Familie", "Wohnen", "Sprache"}
