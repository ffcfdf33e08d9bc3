"""Jobcenter consents for the demo clients and one past Übermittlungsbogen.

About a third of the open adult clients with a protection status or under § 24 AufenthG (the
persons the Jobcenter serves) who have had a contact gave a Jobcenter consent a few weeks after
their first contact, with one of a few typical sets of data categories; about one in twelve of
those consents was revoked later. The first of them (by Aktenzeichen; one of the demo login
"manager" if he has one) with a valid consent covering work got one Übermittlungsbogen two
weeks before the demo day, made through the real service (PDF, record with SHA-256, audit
entry).

Each client draws from its own ``random.Random`` keyed by the seed and its Aktenzeichen, so the
result does not depend on the others. A client with a Jobcenter consent is skipped and the
transmission is made only if the Kreis has none, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Exists, Min, OuterRef

from clients.households import is_minor
from clients.models import Client, Consent, ConsentCategory, JobcenterTransmission
from clients.models.client import ResidenceStatus
from clients.services import hand_over_to_jobcenter
from devtools.demo.clock import at, moment, stable_codes, stamps_as_given
from devtools.demo.data import DEMO_TODAY, KREIS_NAME

CONSENT_SHARE = 0.35
REVOKED_SHARE = 1 / 12
C = ConsentCategory
CATEGORY_SETS = [
    # the usual one: what matters for placement into work
    [C.MASTER_DATA, C.LANGUAGE, C.EDUCATION, C.WORK, C.PLAN_GOALS, C.CONTACT_PERSON],
    # language and work only
    [C.LANGUAGE, C.WORK, C.CONTACT_PERSON],
    # with the household and the flat (Bedarfsgemeinschaft, Kosten der Unterkunft)
    [C.MASTER_DATA, C.RESIDENCE, C.HOUSEHOLD, C.HOUSING, C.REFERRALS, C.CONTACT_PERSON],
]
SET_WEIGHTS = [60, 25, 15]
TRANSMISSION_DAY = DEMO_TODAY - dt.timedelta(days=14)
DEMO_MANAGER = "manager"


def add_jobcenter_consents(seed: int, today: dt.date = DEMO_TODAY) -> dict[str, int]:
    """Create the missing demo consents and the one transmission; returns what was created."""
    rows = (
        Client.objects.filter(
            landkreis__name=KREIS_NAME,
            status=Client.Status.OPEN,
            manager__isnull=False,
            residence_status__in=[ResidenceStatus.PROTECTION, ResidenceStatus.UKRAINE],
        )
        .exclude(Exists(Consent.objects.filter(client=OuterRef("pk"), kind="jobcenter")))
        .annotate(first_contact=Min("participations__consultation__date"))
        .filter(first_contact__lte=today - dt.timedelta(days=30))
        .order_by("aktenzeichen")
        .values_list("pk", "aktenzeichen", "birth_date", "first_contact", "manager_id")
    )
    consents = []
    for pk, aktenzeichen, birth_date, first_contact, manager_id in rows:
        if is_minor(birth_date, today):
            continue
        rng = random.Random(f"{seed}:jobcenter:{aktenzeichen}")
        if rng.random() >= CONSENT_SHARE:
            continue
        categories = rng.choices(CATEGORY_SETS, SET_WEIGHTS)[0]
        given_on = min(first_contact + dt.timedelta(days=rng.randint(7, 90)), today)
        consent = Consent(
            client_id=pk,
            kind=Consent.Kind.JOBCENTER,
            given_on=given_on,
            categories=[str(value) for value in categories],
            recorded_by_id=manager_id,
            recorded_at=moment(given_on, 11),
        )
        if rng.random() < REVOKED_SHARE and given_on < today:
            consent.revoked_on = given_on + dt.timedelta(
                days=rng.randint(1, (today - given_on).days)
            )
        consents.append(consent)
    _write_consents(consents)
    return {"jobcenter_consent": len(consents), "jobcenter_transmission": _add_transmission()}


def _write_consents(consents: list[Consent]) -> None:
    """Write the consents and their history in bulk, with the rows that recording each one at
    11:00 of the day it was given (``Consent.objects.create``) and the revocation at 11:00 of
    its day (``save``) would write: the consent as it is now, a first history entry ("+",
    not yet revoked) and, for a revoked one, a second ("~") at the revocation. Neither save
    does anything else (no signal but the history's, no audit entry)."""
    with stamps_as_given(Consent, "recorded_at"):
        Consent.objects.bulk_create(consents, batch_size=1000)
    history = Consent.history.model
    tracked = [field.attname for field in history.tracked_fields]
    entries = []
    for consent in consents:
        values = {name: getattr(consent, name) for name in tracked}
        versions = [({**values, "revoked_on": None}, consent.recorded_at, "+")]
        if consent.revoked_on is not None:
            versions.append((values, moment(consent.revoked_on, 11), "~"))
        # simple_history's post_save: no user outside a request, no change reason (NULL)
        entries += [
            history(
                **version,
                history_date=date,
                history_type=kind,
                history_user=None,
                history_change_reason=None,
            )
            for version, date, kind in versions
        ]
    history.objects.bulk_create(entries, batch_size=1000)


def _add_transmission() -> int:
    if JobcenterTransmission.objects.filter(client__landkreis__name=KREIS_NAME).exists():
        return 0
    # Preferably a client of the demo login "manager", so that his client page shows it.
    consents = (
        Consent.objects.filter(
            client__landkreis__name=KREIS_NAME,
            client__status=Client.Status.OPEN,
            kind=Consent.Kind.JOBCENTER,
            given_on__lte=TRANSMISSION_DAY,
            revoked_on__isnull=True,
        )
        .select_related("client__manager")
        .order_by("client__aktenzeichen", "pk")
    )
    # Filtered in Python: the demo runs on SQLite, which has no JSON "contains" lookup.
    with_work = [c for c in consents if str(ConsentCategory.WORK) in c.categories]
    consent = next(
        (c for c in with_work if c.client.manager and c.client.manager.username == DEMO_MANAGER),
        with_work[0] if with_work else None,
    )
    if consent is None:
        return 0
    with at(TRANSMISSION_DAY, 11), stable_codes("demo-jobcenter", [JobcenterTransmission]):
        hand_over_to_jobcenter(consent.client.manager, consent.client, TRANSMISSION_DAY)
    return 1
