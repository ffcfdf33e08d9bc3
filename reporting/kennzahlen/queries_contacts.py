"""Aggregate queries for contacts, referrals, extensions and closings (rules in ``queries``).

Contacts count for the provider whose manager held them (``Consultation.provider``); only
counted contacts (dated in the year, at least one funded participant) and their topics and
referrals enter the table. Extensions and closings count for the provider of their client.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from clients.asof import case_status_on, closed_on_as_of, closed_reason_as_of
from clients.models import (
    Client,
    Consultation,
    ConsultationParticipant,
    Referral,
    WindowExtension,
)
from reporting.kennzahlen.queries import (
    PROVIDER,
    Measure,
    Period,
    attribute,
    count_rows,
    count_where,
)


def counted_contact_q(period: Period, prefix: str = "") -> Q:
    """For Consultation rows at ``prefix`` (``"consultation__"`` from a referral).

    A withdrawn contact is left out here, on the contact itself; the EXISTS then reads the
    participants with ``all_objects``: their default manager would join the contact a second
    time inside the subquery, which made the planner read every participation of the Kreis
    once per topic row (7.8 s instead of well under a second on the bench data set)."""
    funded = ConsultationParticipant.all_objects.filter(
        consultation_id=OuterRef(f"{prefix}pk" if prefix else "pk"), funded=True
    )
    return Q(
        **{
            f"{prefix}provider__landkreis_id": period.landkreis_id,
            f"{prefix}date__range": (period.start, period.end),
            f"{prefix}withdrawn_at__isnull": True,
        }
    ) & Q(Exists(funded))


def contacts(period: Period) -> QuerySet:
    return Consultation.objects.filter(counted_contact_q(period)).annotate(
        **{PROVIDER: F("provider_id")}
    )


def _of_contacts(model, period: Period) -> QuerySet:
    """Rows hanging off counted contacts (topics, referrals), with the contact's provider."""
    return model.objects.filter(counted_contact_q(period, "consultation__")).annotate(
        **{PROVIDER: F("consultation__provider_id")}
    )


def contacts_total(period: Period) -> Measure:
    return count_rows(contacts(period))


def exploratory_talks(period: Period) -> Measure:
    return count_where(contacts(period), Q(kind=Consultation.Kind.EXPLORATORY))


def participations(period: Period) -> Measure:
    """Person contacts: funded participations in the year's contacts."""
    rows = ConsultationParticipant.objects.filter(
        funded=True,
        consultation__date__range=(period.start, period.end),
        consultation__provider__landkreis_id=period.landkreis_id,
    ).annotate(**{PROVIDER: F("consultation__provider_id")})
    return count_rows(rows)


def contacts_by_kind(period: Period) -> Measure:
    return count_rows(contacts(period), "kind")


def contacts_by_setting(period: Period) -> Measure:
    return count_rows(contacts(period), "setting")


def contacts_by_topic(period: Period) -> Measure:
    """A contact with several topics counts once under each of them."""
    return count_rows(_of_contacts(Consultation.topics.through, period), "topic_id")


def referrals_by_service(period: Period) -> Measure:
    return count_rows(_of_contacts(Referral, period), "service_id")


def referral_status_on(day) -> Coalesce:
    """A referral's follow-up (vermittelt / wahrgenommen / nicht wahrgenommen) as it stood at
    the end of ``day``: its latest recorded state dated (``status_changed_on``) up to that day,
    from the referral's history; a state recorded for a later day does not count yet."""
    then = (
        Referral.history.filter(id=OuterRef("pk"))
        .filter(Q(status_changed_on__isnull=True) | Q(status_changed_on__lte=day))
        .order_by(F("status_changed_on").desc(nulls_last=True), "-history_date", "-history_id")
        .values("status")[:1]
    )
    today = Case(
        When(Q(status_changed_on__isnull=True) | Q(status_changed_on__lte=day), then=F("status")),
        default=Value(Referral.Status.REFERRED),
    )
    return Coalesce(Subquery(then), today, output_field=CharField())


def referrals_attended_by_service(period: Period) -> Measure:
    attended = Q(Exact(referral_status_on(period.end), Referral.Status.ATTENDED))
    return count_where(_of_contacts(Referral, period), attended, "service_id")


# --- extensions and closings ----------------------------------------------------------------


def _extensions(period: Period) -> QuerySet:
    rows = WindowExtension.objects.filter(client__landkreis_id=period.landkreis_id)
    return attribute(rows, period, "client")


def extensions_requested(period: Period) -> Measure:
    requested = Q(requested_at__gte=period.start_at, requested_at__lt=period.end_at)
    return count_where(_extensions(period), requested, via=period)


def _decided(period: Period, decision: str) -> Measure:
    decided = Q(decision=decision, decided_at__gte=period.start_at, decided_at__lt=period.end_at)
    return count_where(_extensions(period), decided, via=period)


def extensions_granted(period: Period) -> Measure:
    return _decided(period, WindowExtension.Decision.APPROVED)


def extensions_refused(period: Period) -> Measure:
    return _decided(period, WindowExtension.Decision.REFUSED)


def closings_by_reason(period: Period) -> Measure:
    """Cases closed (Ausleitung) in the year and still closed on 31.12., by the reason of that
    closing — read from the case status history, so a reopening after 31.12. changes nothing."""
    rows = (
        Client.objects.filter(landkreis_id=period.landkreis_id)
        .annotate(
            status_on=case_status_on(period.end),
            closed_on_then=closed_on_as_of(period.end),
            reason_then=closed_reason_as_of(period.end),
        )
        .filter(
            status_on=Client.Status.CLOSED,
            closed_on_then__range=(period.start, period.end),
        )
    )
    return count_rows(attribute(rows, period), "reason_then", via=period)
