"""Aggregate queries for the outcome figures (Wirkung, group "Wirkung" from the 2026 table).

An outcome (``clients.OutcomeEvent``) counts for the provider that recorded it, like a contact
for the provider who held it; the Kreis is the recording provider's Kreis. Withdrawn entries
never count (``counted()``). Every figure counts **distinct persons**: a person whose outcomes
two providers recorded counts once in each provider's column and once in the Kreis column, so
the figures are not additive (the Kreis column runs its own query, see ``registry.Kennzahl``).

- **Certificate in the year**: a language certificate (level A1–C2) dated in the year
  (``certificate_on``). A person counts once, in the line of the highest level he reached in
  the year anywhere in the Kreis; a provider's column counts him there if that provider
  recorded a certificate of that level. GER levels sort as text (A1 < A2 < B1 < … < C2).
- **Start of work or training / own tenancy / benefit independence in the year**: an outcome
  of a kind with the flag (or category) whose start (``started_on``) lies in the year. The
  figures ask the flags of ``OutcomeKind``, never a kind's name, so a kind added in the admin
  counts without a code change.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from clients.models import OutcomeEvent
from clients.models.outcome import OutcomeCategory
from reporting.kennzahlen.queries import PROVIDER, Measure, Period, count_distinct


def outcomes(period: Period) -> QuerySet:
    """Counted outcomes recorded by the Kreis's providers, with the recording provider."""
    return (
        OutcomeEvent.objects.counted()
        .filter(provider__landkreis_id=period.landkreis_id)
        .annotate(**{PROVIDER: F("provider_id")})
    )


def _persons(rows: QuerySet, *keys) -> Measure:
    return count_distinct(rows, "client_id", *keys)


def _certificates_q(period: Period) -> Q:
    return Q(
        certificate_on__range=(period.start, period.end),
        certificate_level__gt="",
    )


def certificates_by_level(period: Period) -> Measure:
    """Persons by the highest certificate level reached in the year (in the Kreis)."""
    higher = (
        OutcomeEvent.objects.counted()
        .filter(_certificates_q(period))
        .filter(
            provider__landkreis_id=period.landkreis_id,
            client_id=OuterRef("client_id"),
            certificate_level__gt=OuterRef("certificate_level"),
        )
    )
    rows = outcomes(period).filter(_certificates_q(period)).filter(~Exists(higher))
    return _persons(rows, "certificate_level")


def _started_in_year(period: Period, condition: Q) -> QuerySet:
    return outcomes(period).filter(condition, started_on__range=(period.start, period.end))


WORK_OR_TRAINING = Q(kind__counts_as_work_or_training=True)
OWN_TENANCY = Q(kind__counts_as_own_tenancy=True)
BENEFITS = Q(kind__category=OutcomeCategory.BENEFITS)


def work_or_training_started(period: Period) -> Measure:
    return _persons(_started_in_year(period, WORK_OR_TRAINING))


def work_or_training_started_by_kind(period: Period) -> Measure:
    return _persons(_started_in_year(period, WORK_OR_TRAINING), "kind_id")


def own_tenancy(period: Period) -> Measure:
    return _persons(_started_in_year(period, OWN_TENANCY))


def benefit_independence(period: Period) -> Measure:
    return _persons(_started_in_year(period, BENEFITS))
