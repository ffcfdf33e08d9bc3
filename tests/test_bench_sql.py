"""The hand-written SQL of the bench (``devtools.bench.kennzahlen_sql``) gives the same rows as
the ORM for every figure of the definition in force, on a small bench Kreis with the cases the
as-of-31.12. rules are about (moves after 31.12., closings and reopenings, late extensions,
§ 24 persons, histories dated after the year, a municipality without a provider), so the
comparison of the benchmark cannot silently rot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from devtools.bench import kennzahlen_sql
from devtools.bench import reporting as bench_reporting
from devtools.demo.data import DEMO_TODAY, KREIS_NAME

pytestmark = pytest.mark.today(DEMO_TODAY)

YEAR = DEMO_TODAY.year
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
NEXT_YEAR = dt.date(YEAR + 1, 2, 1)
CLIENTS = 150


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _add_edge_cases(period) -> None:
    """Rows the bench builder does not write: every as-of rule gets a case on each side."""
    from django.contrib.auth import get_user_model

    from clients.models import (
        CaseStatusChange,
        Client,
        Household,
        Move,
        OutcomeEvent,
        Referral,
        WindowExtension,
    )
    from imcase.organisation.models import Municipality, ProviderArea, StaffChange, StaffMember
    from plans.models import Goal, GoalStatusChange
    from reporting.kennzahlen.queries import on_31_december_q

    user = get_user_model().objects.order_by("pk").first()
    clients = list(Client.objects.filter(on_31_december_q(period)).order_by("pk"))
    assert len(clients) >= 40
    places = list(Municipality.objects.filter(landkreis_id=period.landkreis_id).order_by("pk"))

    # moves: after 31.12. (counts where he left), on 31.12. and during the year (count where
    # he went)
    for i, (client, day) in enumerate(
        zip(clients[:6], [END + dt.timedelta(days=1), END, dt.date(YEAR, 6, 1)] * 2, strict=True)
    ):
        Move.objects.create(
            client=client,
            moved_on=day,
            from_municipality=places[(i + 1) % len(places)],
            to_municipality_id=client.municipality_id,
            recorded_by=user,
        )
    # closings and reopenings, from the history and (without one) from today's closing date
    closed, opened = Client.Status.CLOSED, Client.Status.OPEN
    changes = [
        (clients[6], dt.date(YEAR, 6, 30), closed, "moved_away"),
        (clients[7], END, closed, "independent"),
        (clients[8], END - dt.timedelta(days=1), closed, "declined"),
        (clients[9], dt.date(YEAR - 1, 10, 1), closed, "other"),
        (clients[9], dt.date(YEAR, 3, 1), opened, ""),
        (clients[10], dt.date(YEAR - 1, 10, 1), closed, "other"),
        (clients[12], NEXT_YEAR, closed, "deceased"),
    ]
    for client, day, status, reason in changes:
        CaseStatusChange.objects.create(client=client, valid_from=day, status=status, reason=reason)
    Client.objects.filter(pk=clients[11].pk).update(
        status=closed, closed_on=dt.date(YEAR, 5, 5), closed_reason="window_ended"
    )
    # extensions: a window of four years, approved in the year or only after it
    long_ago = list(
        Client.objects.filter(
            landkreis_id=period.landkreis_id,
            assignment_date__isnull=False,
            window_start__range=(dt.date(YEAR - 4, 2, 1), dt.date(YEAR - 3, 11, 30)),
        )
        .exclude(extensions__decision=WindowExtension.Decision.APPROVED)
        .order_by("pk")[:4]
    )
    assert len(long_ago) == 4
    for client, decided in zip(long_ago, [dt.date(YEAR, 5, 1), NEXT_YEAR] * 2, strict=True):
        Client.objects.filter(pk=client.pk).update(
            window_end=client.window_start.replace(year=client.window_start.year + 4),
            window_extended=True,
        )
        WindowExtension.objects.filter(client=client).delete()
        extension = WindowExtension.objects.create(
            client=client,
            reason="Begründung",
            requested_by=user,
            decision=WindowExtension.Decision.APPROVED,
            decided_by=user,
            decided_at=_aware(decided),
        )
        WindowExtension.objects.filter(pk=extension.pk).update(requested_at=_aware(decided))
    # § 24 without an assignment, as recorded on 31.12.: opened four years ago with an
    # extension, two years ago, and one whose status changed only after the year
    ukraine = clients[13:16]
    for client, opened_on in zip(
        ukraine,
        [dt.date(YEAR - 3, 6, 1), dt.date(YEAR - 2, 6, 1), dt.date(YEAR - 1, 6, 1)],
        strict=True,
    ):
        Client.objects.filter(pk=client.pk).update(
            assignment_date=None, residence_status="paragraph24", opened_on=opened_on
        )
        Client.history.filter(id=client.pk).update(residence_status="paragraph24")
    WindowExtension.objects.filter(client=ukraine[0]).delete()
    WindowExtension.objects.create(
        client=ukraine[0],
        reason="Begründung",
        requested_by=user,
        decision=WindowExtension.Decision.APPROVED,
        decided_by=user,
        decided_at=_aware(dt.date(YEAR, 4, 1)),
    )
    changed = Client.objects.get(pk=ukraine[2].pk)
    changed.residence_status = _statuses()[0]
    changed.save()
    latest = Client.history.filter(id=changed.pk).order_by("-history_id").first()
    Client.history.filter(history_id=latest.history_id).update(history_date=_aware(NEXT_YEAR))
    # a household of two recorded only today (the history has none)
    household = Household.objects.create(landkreis_id=period.landkreis_id, key="HH-TEST")
    Client.objects.filter(pk__in=[c.pk for c in clients[16:18]]).update(household=household)
    # goals: a status change in the year and one after it
    goals = list(Goal.objects.order_by("pk")[:40])
    for i, goal in enumerate(goals):
        GoalStatusChange.objects.create(
            goal=goal,
            valid_from=dt.date(YEAR, 3, 1) if i % 2 else NEXT_YEAR,
            status="erreicht" if i % 2 else "entfallen",
        )
    # referrals: attended in the year, and attended only after it (then: as before)
    referrals = list(Referral.objects.order_by("pk")[:20])
    for i, referral in enumerate(referrals):
        referral.status = Referral.Status.ATTENDED
        referral.status_changed_on = dt.date(YEAR, 4, 1) if i % 2 else NEXT_YEAR
        referral.save()
    # …and without any history (written before it was kept): today's state, read as of 31.12.
    Referral.history.filter(id__in=[r.pk for r in referrals[:4]]).delete()
    # a withdrawn outcome
    OutcomeEvent.objects.filter(pk__in=OutcomeEvent.objects.order_by("pk").values("pk")[:5]).update(
        withdrawn_at=_aware(dt.date(YEAR, 6, 1))
    )
    # a municipality without a provider on 31.12.
    ProviderArea.objects.filter(municipality=places[-1]).update(valid_until=dt.date(YEAR, 6, 30))
    # a staff member whose role changes only after the year
    member = StaffMember.objects.filter(role="manager").order_by("pk").first()
    StaffChange.objects.create(
        staff=member,
        valid_from=NEXT_YEAR,
        role="office",
        provider_id=member.provider_id,
        vza=member.vza,
        qualification=member.qualification,
    )


def _statuses() -> list[str]:
    from clients.models.client import ResidenceStatus

    return [s for s in ResidenceStatus.values if s != "paragraph24"]


def _one_query_per_figure(period, provider_id: int | None = None) -> dict:
    from reporting.kennzahlen.queries import run
    from reporting.kennzahlen.registry import definition_for

    found = {}
    for figure in definition_for(YEAR).figures:
        measure = figure.measure(period)
        raw = run(measure, by_provider=True, provider_id=provider_id)
        rows = [(*key, value) for key, value in raw.items()]
        if not figure.additive and provider_id is None:
            rows.extend((*key, value) for key, value in run(measure, by_provider=False).items())
        found[figure.id] = rows
    return bench_reporting.normalised(found)


def _table_rows(period, provider_id: int) -> dict:
    from dataclasses import replace

    from reporting.kennzahlen.registry import definition_for
    from reporting.kennzahlen.table import compute_results

    one = replace(period, provider_id=provider_id)
    found = {
        figure_id: [
            (provider, *keys, value)
            for provider, values in result.by_provider.items()
            for keys, value in values.items()
        ]
        for figure_id, result in compute_results(definition_for(YEAR), one).items()
    }
    return bench_reporting.normalised(found)


@pytest.fixture
def period(db):
    from devtools.bench.dataset import build_bench_kreis
    from imcase.organisation.models import Landkreis
    from reporting.kennzahlen.queries import Period

    build_bench_kreis(CLIENTS)
    found = Period(Landkreis.objects.get(name=KREIS_NAME).pk, YEAR)
    _add_edge_cases(found)
    return found


def test_the_sql_covers_every_figure_of_the_definition():
    from reporting.kennzahlen.registry import definition_for

    assert set(kennzahlen_sql.KEYS) == set(definition_for(YEAR).by_id)


def test_orm_and_sql_give_the_same_rows_for_every_figure(period, monkeypatch):
    orm = bench_reporting.normalised(bench_reporting.orm_results(period))
    sql = bench_reporting.normalised(
        kennzahlen_sql.sql_results(kennzahlen_sql.parameters(period.landkreis_id, YEAR))
    )
    assert orm.keys() == sql.keys()
    different = {f: (orm[f], sql[f]) for f in orm if orm[f] != sql[f]}
    assert different == {}
    # not an agreement of empty tables: nearly every figure has rows on this Kreis
    empty = sorted(f for f, rows in orm.items() if not rows)
    assert empty in ([], ["V03"])
    # the provider "ohne Zuständigkeit" (None) appears, as the ORM counts it
    assert any(row[0] is None for row in orm["Z01"])

    # the table's shared queries (``run_counts``) give what one query per figure gives
    assert _one_query_per_figure(period) == orm

    # …and for one provider's table
    provider_id = next(row[0] for row in orm["Z01"] if row[0] is not None)
    assert _one_query_per_figure(period, provider_id) == _table_rows(period, provider_id)

    # a figure missing from the SQL is noticed
    statements = {k: v for k, v in kennzahlen_sql.STATEMENTS.items() if k != "Wirkung"}
    monkeypatch.setattr(kennzahlen_sql, "STATEMENTS", statements)
    assert bench_reporting.differences(period) == ["W01", "W02", "W03", "W04", "W05"]
