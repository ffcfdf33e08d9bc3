"""Benchmark cases of the funding split (registered with ``devtools.bench.runner``).

The split is measured at the size of the whole Land: 1,101 municipalities and 150,000 persons,
once as the pure function and once from the database (a synthetic "Benchkreis Förderung" with
that many list entries, built once in the bench database). The demo Kreis adds the pages of
the office and of a municipality for funding year 2027 (period 2022–2024).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from devtools.bench.runner import BenchError, benchmark, get_page

MUNICIPALITIES = 1_101
PERSONS = 150_000
AMOUNT = Decimal("40000000.00")
BENCH_KREIS = "Benchkreis Förderung"
BENCH_RP = "Regierungspräsidium Benchmark Förderung"
BENCH_OFFICE = "bench_foerderung"
DEMO_YEAR = 2027


def synthetic_weights(
    municipalities: int = MUNICIPALITIES, persons: int = PERSONS
) -> list[tuple[str, int]]:
    """A skewed, deterministic distribution of ``persons`` over ``municipalities`` (a few
    cities with many persons, many villages with few or none), summing exactly."""
    from funding.split import split_cents

    rng = random.Random(1101)
    raw = [
        (f"99{index:06d}", int(rng.paretovariate(1.2) * 100))
        for index in range(1, municipalities + 1)
    ]
    counts = split_cents(persons, raw)
    return [(ags, counts[ags]) for ags, _ in raw]


class _Rollback(Exception):
    pass


@benchmark("Förderung: Verteilung 1.101 Gemeinden / 150.000 Personen (Funktion)")
def _split_pure():
    from funding.split import split_amount

    weights = synthetic_weights()

    def timed():
        lines = split_amount(AMOUNT, weights, Decimal("70000.00"), Decimal("0.50"))
        if sum(line.amount for line in lines) != AMOUNT:
            raise BenchError("Die Verteilung geht nicht auf den Cent auf.")
        return lines

    return timed


def ensure_bench_kreis(municipalities: int = MUNICIPALITIES, persons: int = PERSONS):
    """The synthetic Kreis with funding year 2025, one sent list per municipality and
    ``persons`` list entries; built once (idempotent). Returns the funding year."""
    from funding.models import FundingYear, ListEntry, PersonList
    from imcase.organisation.models import (
        Landkreis,
        Municipality,
        Regierungspraesidium,
        Role,
        StaffMember,
    )

    rp, _ = Regierungspraesidium.objects.get_or_create(name=BENCH_RP)
    kreis, _ = Landkreis.objects.get_or_create(
        name=BENCH_KREIS, defaults={"regierungspraesidium": rp}
    )
    year = FundingYear.objects.filter(landkreis=kreis, year=2025).first()
    complete = (
        year is not None
        and year.lists.count() == municipalities
        and ListEntry.objects.filter(person_list__funding_year=year).count() == persons
    )
    if complete:
        return year
    with transaction.atomic():
        if year is not None:
            ListEntry.objects.filter(person_list__funding_year=year).delete()
            year.lists.all().delete()
            year.delete()
        weights = synthetic_weights(municipalities, persons)
        existing = set(Municipality.objects.filter(landkreis=kreis).values_list("ags", flat=True))
        Municipality.objects.bulk_create(
            [
                Municipality(landkreis=kreis, ags=ags, name=f"Benchgemeinde {ags[2:]}")
                for ags, _ in weights
                if ags not in existing
            ]
        )
        year = FundingYear.objects.create(
            landkreis=kreis,
            year=2025,
            amount_entered=AMOUNT,
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(2022, 12, 31),
            reference_date=dt.date(2022, 12, 31),
            list_deadline=dt.date(2024, 1, 15),
        )
        now = timezone.now()
        by_ags = dict(Municipality.objects.filter(landkreis=kreis).values_list("ags", "pk"))
        lists = PersonList.objects.bulk_create(
            [
                PersonList(
                    funding_year=year,
                    municipality_id=by_ags[ags],
                    status=PersonList.Status.SENT,
                    generated_at=now,
                    sent_at=now,
                )
                for ags, _ in weights
            ]
        )
        batch: list[ListEntry] = []
        for person_list, (_, count) in zip(lists, weights, strict=True):
            for number in range(count):
                batch.append(
                    ListEntry(
                        person_list=person_list,
                        last_name=f"Person {number}",
                        first_name="Bench",
                        birth_date=dt.date(1990, 1, 1),
                        assignment_date=dt.date(2021, 1, 1),
                        arrival_kind="zuweisung",
                        struck=number % 25 == 0,
                        strike_reason="weggezogen" if number % 25 == 0 else "",
                    )
                )
            if len(batch) >= 10_000:
                ListEntry.objects.bulk_create(batch)
                batch = []
        ListEntry.objects.bulk_create(batch)
        user, _ = get_user_model().objects.get_or_create(username=BENCH_OFFICE)
        StaffMember.objects.get_or_create(
            user=user, defaults={"role": Role.OFFICE, "landkreis": kreis}
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return year


@benchmark("Förderung: Verteilung aus den Listen (1.101 Gemeinden, 150.000 Einträge)")
def _split_from_database():
    from funding.computation import plan_for_year

    year = ensure_bench_kreis()
    return lambda: plan_for_year(year)


@benchmark("Förderung: Übersicht XLSX schreiben (1.101 Gemeinden)")
def _overview_xlsx():
    from funding.computation import plan_for_year
    from funding.exports.allocation import parameters_from_plan, rows_from_plan, write_overview_xlsx

    year = ensure_bench_kreis()
    plan = plan_for_year(year)

    def timed():
        buffer = io.BytesIO()
        write_overview_xlsx(
            rows_from_plan(plan), parameters_from_plan(plan, 2025, BENCH_KREIS), buffer
        )
        return buffer

    return timed


@benchmark("Förderung: Veröffentlichen (1.101 Zuteilungen, zurückgerollt)")
def _publish():
    from funding.computation import plan_for_year
    from funding.services import publish

    year = ensure_bench_kreis()
    office = get_user_model().objects.get(username=BENCH_OFFICE)

    def timed():
        try:
            with transaction.atomic():
                fingerprint = plan_for_year(year).fingerprint
                publish(office, year, fingerprint, "Benchmark", "https://bench.invalid/")
                raise _Rollback
        except _Rollback:
            pass

    return timed


def _demo_year():
    """Funding year 2027 for the demo Kreis with its lists drawn and sent (built once)."""
    from funding.models import FundingYear, PersonList
    from funding.services import generate_lists
    from imcase.organisation.access import scope_for

    office = get_user_model().objects.get(username="koordination")
    landkreis_id = scope_for(office).landkreis_id
    year, _ = FundingYear.objects.get_or_create(
        landkreis_id=landkreis_id,
        year=DEMO_YEAR,
        defaults={
            "land_total": AMOUNT,
            "quota_percent": Decimal("3.7700"),
            "period_start": dt.date(2022, 1, 1),
            "period_end": dt.date(2024, 12, 31),
            "reference_date": dt.date(2024, 12, 31),
            "list_deadline": dt.date(2026, 1, 15),
        },
    )
    if not year.lists.exists():
        generate_lists(office, year)
        year.lists.update(status=PersonList.Status.SENT, sent_at=timezone.now())
    return year


@benchmark("Förderung: Vorschau der Verteilung (koordination)")
def _preview_page():
    _demo_year()
    return get_page("koordination", reverse("funding:preview", args=[DEMO_YEAR]))


@benchmark("Förderung: Personenliste der Gemeinde (gemeinde)")
def _list_page():
    from funding.models import PersonList

    year = _demo_year()
    user = get_user_model().objects.get(username="gemeinde")
    person_list = PersonList.objects.visible_to(user).filter(funding_year=year).first()
    if person_list is None:
        raise BenchError("Die Gemeinde „gemeinde“ hat keine Personenliste 2027.")
    return get_page("gemeinde", reverse("funding:list", args=[person_list.code]))
