"""The small Kreis whose Kennzahlen were counted by hand (used by ``test_kennzahlen``).

``build_scenario`` builds reporting year 2025 of the ``world`` Kreis: two providers (Landratsamt:
Altstadt and Kleindorf; Stadt Neustadt: Neustadt), a municipality nobody served on 31.12.
(Waldheim), a provider whose area ended in 2023, and a second Kreis whose data must not
appear. Each client below is commented with where he counts (P1 = Landratsamt, P2 = Stadt
Neustadt; S = in the target group on 31.12., D = in the target group during the year);
``EXPECTED`` in ``test_kennzahlen`` holds every non-zero cell of the workbook, written down
from those comments.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from clients.models import (
    Client,
    ConsultationParticipant,
    Move,
    Referral,
    RegularService,
    Topic,
    WindowExtension,
)
from clients.models.client import ResidenceStatus
from clients.services import refresh_window
from imcase.organisation.models import Role
from plans.models import Evaluation, IndependenceRating
from tests.factories import (
    ClientFactory,
    ConsultationFactory,
    GoalFactory,
    HouseholdFactory,
    LandkreisFactory,
    MunicipalityFactory,
    PlanFactory,
    PlanVersionFactory,
    ProviderAreaFactory,
    ProviderFactory,
    StaffMemberFactory,
    goal_field,
)

YEAR = 2025
D = dt.date


def _berlin(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _client(world, municipality, **kwargs) -> Client:
    kwargs.setdefault("manager", world.owner)
    return ClientFactory(municipality=municipality, **kwargs)


def _contact(world, provider, day, kind, setting, participants, topics=(), referrals=()):
    """A consultation; ``participants`` are (client, funded) pairs."""
    contact = ConsultationFactory(
        provider=provider, date=day, kind=kind, setting=setting, recorded_by=world.owner
    )
    for client, funded in participants:
        ConsultationParticipant.objects.create(consultation=contact, client=client, funded=funded)
    contact.topics.set([Topic.objects.get_or_create(name=name)[0] for name in topics])
    for service, status in referrals:
        Referral.objects.create(
            consultation=contact,
            service=RegularService.objects.get_or_create(name=service)[0],
            status=status,
        )
    return contact


def _version(plan, number, agreed_on, current=False):
    """Version ``number`` of ``plan`` (version 1 comes with the plan)."""
    if number == 1:
        version = plan.versions.get()
        version.agreed_on = agreed_on
        version.next_review_on = agreed_on + dt.timedelta(days=180)
        version.is_current = current
        version.save()
        return version
    return PlanVersionFactory(
        plan=plan,
        number=number,
        agreed_on=agreed_on,
        next_review_on=agreed_on + dt.timedelta(days=180),
        is_current=current,
    )


def _goal(version, part, field, status, carried_from=None):
    return GoalFactory(
        version=version,
        part=part,
        field=goal_field(field),
        status=status,
        carried_from=carried_from,
    )


def _evaluate(world, goal, day, result):
    Evaluation.objects.create(goal=goal, evaluated_on=day, result=result, recorded_by=world.owner)


def _rate(world, version, field, rating, day):
    IndependenceRating.objects.create(
        version=version,
        field=goal_field(field),
        rating=rating,
        rated_on=day,
        kind=IndependenceRating.Kind.START,
        recorded_by=world.owner,
    )


def _extension(world, client, requested_at, decision="pending", decided_at=None):
    extension = WindowExtension.objects.create(
        client=client,
        reason="Begründeter Einzelfall: die Ausbildung endet erst im Sommer.",
        requested_by=world.owner,
        decision=decision,
        decided_by=world.colleague if decided_at else None,
        decided_at=decided_at,
    )
    WindowExtension.objects.filter(pk=extension.pk).update(requested_at=requested_at)
    refresh_window(client)
    client.save()


def build_scenario(world) -> SimpleNamespace:
    p1, p2 = world.provider, world.other_provider
    altstadt, neustadt = world.town, world.other_town
    kleindorf = MunicipalityFactory(landkreis=world.landkreis, name="Kleindorf", ags="08999003")
    waldheim = MunicipalityFactory(landkreis=world.landkreis, name="Waldheim", ags="08999004")
    ProviderAreaFactory(provider=p1, municipality=kleindorf, valid_from=D(2020, 1, 1))
    gone = ProviderFactory(landkreis=world.landkreis, name="Diakonie Waldheim", kind="wohlfahrt")
    ProviderAreaFactory(
        provider=gone, municipality=waldheim, valid_from=D(2020, 1, 1), valid_until=D(2023, 12, 31)
    )

    # --- staff (world: owner and colleague at P1, outsider at P2, each 1.00 VZÄ Sozialwesen) --
    other = "andere"
    StaffMemberFactory(
        provider=p1,
        vza=Decimal("0.50"),
        qualification=other,
        requalification_started=D(2025, 2, 1),
        start_date=D(2025, 1, 15),
    )
    StaffMemberFactory(
        provider=p2, vza=Decimal("0.75"), qualification=other, start_date=D(2025, 6, 1)
    )
    StaffMemberFactory(
        provider=p1,
        vza=Decimal("0.80"),
        qualification=other,
        requalification_started=D(2024, 3, 1),
        requalification_finished=D(2025, 1, 20),
    )
    StaffMemberFactory(provider=p1, end_date=D(2024, 12, 31))  # left before the year
    StaffMemberFactory(provider=p2, start_date=D(2026, 1, 1))  # starts after the year
    StaffMemberFactory(
        provider=p1, role=Role.TEAM_LEAD, team=world.team, vza=Decimal("0.25"), qualification=""
    )

    # --- clients ---------------------------------------------------------------------------
    c0, c0b = world.client, world.other_client  # Altstadt/P1, Neustadt/P2: S, D, 35, w, SYR
    h1 = HouseholdFactory(landkreis=world.landkreis)
    h2 = HouseholdFactory(landkreis=world.landkreis)
    h3 = HouseholdFactory(landkreis=world.landkreis)
    # P1 S D, m, 18 on 31.12. exactly, AFG, Duldung, household H1
    c1 = _client(
        world,
        altstadt,
        sex="m",
        birth_date=D(2007, 12, 31),
        nationality="AFG",
        residence_status=ResidenceStatus.DULDUNG,
        household=h1,
        assignment_date=D(2023, 5, 10),
    )
    # P1 S D, w, 17 (18 on 01.01.2026), AFG, Duldung, Familiennachzug, household H1
    c2 = _client(
        world,
        altstadt,
        sex="w",
        birth_date=D(2008, 1, 1),
        nationality="AFG",
        residence_status=ResidenceStatus.DULDUNG,
        household=h1,
        arrival_kind="familiennachzug",
        assignment_date=D(2024, 1, 15),
    )
    # P1 S D, m, 65 on 31.12. exactly, UKR, § 24 without assignment (window from opening),
    # alone in household H2 (a single person)
    _client(
        world,
        kleindorf,
        sex="m",
        birth_date=D(1960, 12, 31),
        nationality="UKR",
        residence_status=ResidenceStatus.UKRAINE,
        household=h2,
        assignment_date=None,
        opened_on=D(2025, 4, 1),
    )
    # P1 S D, d, 26 (27 on 01.01.2026), no nationality, Gestattung, window ends on 31.12.
    c4 = _client(
        world,
        kleindorf,
        sex="d",
        birth_date=D(1999, 1, 1),
        nationality="",
        residence_status=ResidenceStatus.GESTATTUNG,
        assignment_date=D(2022, 12, 31),
    )
    # P1 D only: window ended 30.06., closed 15.07. (window ended)
    _client(
        world,
        kleindorf,
        sex="m",
        birth_date=D(1985, 3, 3),
        nationality="IRQ",
        residence_status=ResidenceStatus.OTHER,
        assignment_date=D(2022, 6, 30),
        status="closed",
        closed_on=D(2025, 7, 15),
        closed_reason="window_ended",
    )
    # P1 D only: extended window ends 01.01.2025
    c6 = _client(world, altstadt, birth_date=D(1980, 1, 1), assignment_date=D(2021, 1, 1))
    # P2 S D (Neustadt on 31.12.; moved to Altstadt in 2026), m, TUR, household H3
    c7 = _client(
        world,
        altstadt,
        sex="m",
        birth_date=D(1995, 4, 4),
        nationality="TUR",
        household=h3,
        assignment_date=D(2025, 3, 1),
        manager=world.outsider,
    )
    Move.objects.create(
        client=c7,
        moved_on=D(2026, 1, 10),
        from_municipality=neustadt,
        to_municipality=altstadt,
        from_provider=p2,
        to_provider=p1,
        recorded_by=world.outsider,
    )
    # P2 S D, w, TUR, household H3
    c8 = _client(
        world,
        neustadt,
        sex="w",
        birth_date=D(1996, 5, 5),
        nationality="TUR",
        household=h3,
        assignment_date=D(2025, 3, 1),
        manager=world.outsider,
    )
    # no provider on 31.12. (Waldheim): S D, m, ERI
    _client(
        world,
        waldheim,
        sex="m",
        birth_date=D(1970, 1, 1),
        nationality="ERI",
        assignment_date=D(2024, 8, 1),
        manager=None,
    )
    # P1 D only: closed 30.12. (moved away)
    _client(
        world,
        altstadt,
        birth_date=D(1992, 1, 1),
        assignment_date=D(2025, 2, 1),
        status="closed",
        closed_on=D(2025, 12, 30),
        closed_reason="moved_away",
    )
    # P1 S D: closed on 31.12. itself (independent), w, SYR
    c11 = _client(
        world,
        altstadt,
        birth_date=D(1993, 1, 1),
        assignment_date=D(2025, 2, 1),
        status="closed",
        closed_on=D(2025, 12, 31),
        closed_reason="independent",
    )
    # nowhere: not target group / window starts 2026 / closed in 2024
    _client(world, altstadt, assignment_date=None, residence_status=ResidenceStatus.PROTECTION)
    _client(world, altstadt, assignment_date=D(2026, 2, 1))
    c14 = _client(
        world,
        altstadt,
        assignment_date=D(2023, 1, 1),
        status="closed",
        closed_on=D(2024, 11, 30),
        closed_reason="declined",
    )
    # P2 D only: closed 03.03. (declined)
    _client(
        world,
        neustadt,
        assignment_date=D(2024, 1, 1),
        status="closed",
        closed_on=D(2025, 3, 3),
        closed_reason="declined",
        manager=world.outsider,
    )

    # --- contacts ------------------------------------------------------------------------
    jc, jmd, mbe = (
        "Jobcenter",
        "Jugendmigrationsdienst (JMD)",
        "Migrationsberatung für Erwachsene (MBE)",
    )
    _contact(
        world,
        p1,
        D(2025, 1, 10),
        "sondierung",
        "sprechstunde",
        [(c0, True)],
        ["Sprache"],
        [(jc, "vermittelt")],
    )
    _contact(
        world,
        p1,
        D(2025, 2, 15),
        "beratung",
        "aufsuchend",
        [(c1, True), (c2, True)],
        ["Wohnen", "Kinder und Familie"],
        [(jmd, "wahrgenommen")],
    )
    _contact(world, p1, D(2025, 3, 20), "beratung", "telefonisch", [(c0, True)])
    _contact(
        world,
        p2,
        D(2025, 4, 1),
        "sondierung",
        "buero",
        [(c7, True)],
        ["Sprache", "Arbeit und Beschäftigung"],
        [(jc, "wahrgenommen"), (mbe, "nicht_wahrgenommen")],
    )
    _contact(world, p2, D(2025, 5, 5), "beratung", "sprechstunde", [(c8, True)])
    _contact(world, p1, D(2025, 6, 6), "krise", "online", [(c8, True)], ["Wohnen"])
    # not funded (beyond the window at the provider's own cost): not counted at all
    _contact(
        world,
        p2,
        D(2025, 7, 7),
        "begleitung",
        "aufsuchend",
        [(c0b, False)],
        ["Sprache"],
        [(jc, "vermittelt")],
    )
    _contact(world, p1, D(2024, 12, 31), "beratung", "buero", [(c0, True)])  # last year
    _contact(
        world, p1, D(2025, 12, 31), "beratung", "buero", [(c11, True), (c1, False)], ["Sprache"]
    )
    _contact(world, p1, D(2026, 1, 1), "beratung", "buero", [(c0, True)])  # next year

    # --- plans -----------------------------------------------------------------------------
    plan = PlanFactory(client=c0)  # v1 2024 (in force until v2 on 01.03.2025), v2 2025
    v1 = _version(plan, 1, D(2024, 6, 1))
    a1 = _goal(v1, "A", "Sprache", "erreicht")
    _evaluate(world, a1, D(2024, 10, 1), "erreicht")
    b1 = _goal(v1, "B", "Arbeitsmarkt", "in_umsetzung")
    v2 = _version(plan, 2, D(2025, 3, 1), current=True)
    b1_copy = _goal(v2, "B", "Arbeitsmarkt", "erreicht", carried_from=b1)
    _evaluate(world, b1_copy, D(2025, 9, 1), "erreicht")
    _goal(v2, "A", "Wohnen", "vereinbart")
    _rate(world, v1, "Sprache", 1, D(2024, 6, 1))
    _rate(world, v1, "Sprache", 2, D(2025, 2, 1))
    _rate(world, v2, "Sprache", 3, D(2025, 9, 1))  # progress in Sprache
    _rate(world, v1, "Arbeitsmarkt", 2, D(2024, 6, 1))
    _rate(world, v2, "Arbeitsmarkt", 2, D(2025, 9, 1))  # no change
    _rate(world, v1, "Wohnen", 3, D(2024, 6, 1))
    _rate(world, v2, "Wohnen", 2, D(2025, 5, 5))  # worse

    plan = PlanFactory(client=c1)
    v1 = _version(plan, 1, D(2025, 5, 1), current=True)
    _goal(v1, "A", "Sprache", "neu")
    _goal(v1, "A", "Sprache", "in_umsetzung")
    _goal(v1, "A", "Schulbildung", "verfehlt")
    _rate(world, v1, "Sprache", 1, D(2025, 5, 1))
    _rate(world, v1, "Sprache", 1, D(2025, 6, 1))
    _rate(world, v1, "Sprache", 4, D(2026, 1, 10))  # after the year
    _rate(world, v1, "Schulbildung", 2, D(2025, 5, 1))
    _rate(world, v1, "Schulbildung", 3, D(2025, 11, 30))  # progress

    plan = PlanFactory(client=c7)
    v1 = _version(plan, 1, D(2025, 4, 10), current=True)
    _goal(v1, "B", "Sprache", "vereinbart")
    housing = _goal(v1, "B", "Wohnen", "erreicht")
    _evaluate(world, housing, D(2025, 11, 11), "erreicht")
    _rate(world, v1, "Wohnen", 1, D(2025, 4, 10))
    _rate(world, v1, "Wohnen", 4, D(2025, 11, 11))  # progress

    plan = PlanFactory(client=c0b)  # v1 replaced in 2024, v2 in force, v3 from 2026
    v1 = _version(plan, 1, D(2023, 1, 10))
    _goal(v1, "A", "Sprache", "erreicht")
    w1 = _goal(v1, "B", "Wohnen", "in_umsetzung")
    v2 = _version(plan, 2, D(2024, 2, 2))
    w2 = _goal(v2, "B", "Wohnen", "in_umsetzung", carried_from=w1)
    v3 = _version(plan, 3, D(2026, 1, 15), current=True)
    _goal(v3, "B", "Wohnen", "in_umsetzung", carried_from=w2)
    _rate(world, v1, "Sprache", 1, D(2023, 1, 10))
    _rate(world, v2, "Sprache", 3, D(2024, 6, 1))  # progress, but in 2024

    plan = PlanFactory(client=c14)  # closed in 2024: not counted
    _goal(_version(plan, 1, D(2023, 5, 1), current=True), "A", "Sprache", "vereinbart")

    # --- extensions (requested and decided in Berlin time) ----------------------------------
    _extension(world, c6, _berlin(2024, 11, 10, 10), "approved", _berlin(2025, 1, 5, 9))
    _extension(world, c4, _berlin(2025, 10, 1, 9))
    _extension(world, c1, _berlin(2025, 3, 3, 9), "refused", _berlin(2025, 3, 20, 9))
    _extension(world, c1, _berlin(2025, 12, 31, 23, 30))
    _extension(world, c8, _berlin(2026, 1, 1, 0, 30))  # already 2026 in Berlin

    # --- another Kreis: nothing of it may appear ------------------------------------------
    elsewhere = LandkreisFactory(name="Landkreis Anderswo")
    far_provider = ProviderFactory(landkreis=elsewhere, name="Landratsamt Anderswo")
    far_town = MunicipalityFactory(landkreis=elsewhere, name="Fernstadt")
    ProviderAreaFactory(provider=far_provider, municipality=far_town, valid_from=D(2020, 1, 1))
    StaffMemberFactory(provider=far_provider)
    far_client = ClientFactory(municipality=far_town, assignment_date=D(2024, 2, 2))
    _contact(
        world,
        far_provider,
        D(2025, 5, 5),
        "sondierung",
        "buero",
        [(far_client, True)],
        ["Sprache"],
        [(jc, "vermittelt")],
    )
    return SimpleNamespace(p1=p1, p2=p2, kleindorf=kleindorf, waldheim=waldheim)
