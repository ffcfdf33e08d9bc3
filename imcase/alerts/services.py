"""The nightly deadline run and the writes on alerts.

``run_deadline_checks`` runs every registered check for one day inside one transaction, under
a lock so that two workers starting it at once cannot both run: the second returns at once
with ``skipped``. Running it again for the same day creates nothing new: an alert exists once
per recipient, subject, kind and due date (a unique constraint), and the run only inserts the
findings it does not find stored yet.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from imcase.alerts.context import CheckContext
from imcase.alerts.models import Alert, NightlyRun
from imcase.alerts.registry import Check, Finding, all_checks

logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock held while a run is in progress ("imcase" + 1).
NIGHTLY_LOCK_KEY = 0x696D_6361_7365_0001
BATCH_SIZE = 1000

Key = tuple[int, int, int, dt.date]  # recipient, subject type, subject id, due date


@dataclass
class RunResult:
    today: dt.date
    skipped: bool = False
    created: dict[str, int] = field(default_factory=dict)
    reopened: dict[str, int] = field(default_factory=dict)
    obsolete: dict[str, int] = field(default_factory=dict)
    unrouted: dict[str, int] = field(default_factory=dict)
    emails_sent: int = 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    def as_dict(self) -> dict:
        """JSON-friendly, for the task result."""
        return {
            "today": self.today.isoformat(),
            "skipped": self.skipped,
            "created": self.created,
            "reopened": self.reopened,
            "obsolete": self.obsolete,
            "unrouted": self.unrouted,
            "emails_sent": self.emails_sent,
        }


def _try_lock() -> bool:
    """Take the run lock for the current transaction; False if another run holds it."""
    if connection.vendor != "postgresql":
        return True  # the SQLite demo has one process, and SQLite serialises writes anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [NIGHTLY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def run_deadline_checks(today: dt.date, checks: list[Check] | None = None) -> RunResult:
    """Run ``checks`` (default: all registered) for ``today`` and store what they find."""
    checks = all_checks() if checks is None else checks
    result = RunResult(today=today)
    with transaction.atomic():
        if not _try_lock():
            logger.info("Fristenprüfung %s übersprungen: ein anderer Lauf ist aktiv.", today)
            result.skipped = True
            return result
        started = timezone.now()
        ctx = CheckContext(today)
        for registered in checks:
            _apply_check(registered, ctx, result)
        NightlyRun.objects.update_or_create(
            day=today,
            defaults={
                "started_at": started,
                "finished_at": timezone.now(),
                "created": result.created,
                "obsolete": sum(result.obsolete.values()),
                "unrouted": result.unrouted,
            },
        )
    return result


def _apply_check(registered: Check, ctx: CheckContext, result: RunResult) -> None:
    kind = registered.kind
    found: dict[Key, Finding] = {}
    unrouted = 0
    for finding in registered.run(ctx):
        if finding.recipient_id is None:
            unrouted += 1
            continue
        subject_type = ContentType.objects.get_for_model(finding.subject)
        key = (finding.recipient_id, subject_type.pk, finding.subject.pk, finding.due_date)
        found.setdefault(key, finding)

    stored: dict[Key, tuple[int, str]] = {
        (recipient, subject_type, subject, due): (pk, status)
        for pk, recipient, subject_type, subject, due, status in Alert.objects.filter(
            kind=kind
        ).values_list("pk", "recipient_id", "subject_type_id", "subject_id", "due_date", "status")
    }
    new = [
        Alert(
            recipient_id=key[0],
            kind=kind,
            subject_type_id=key[1],
            subject_id=key[2],
            due_date=key[3],
            message=finding.message[:300],
            link=finding.link[:200],
            created_on=ctx.today,
        )
        for key, finding in found.items()
        if key not in stored
    ]
    # Only this run writes alerts, and on PostgreSQL it holds the lock: a conflict can only
    # come from a run that did not take it (SQLite, the demo's one process).
    Alert.objects.bulk_create(
        new, batch_size=BATCH_SIZE, ignore_conflicts=connection.vendor != "postgresql"
    )

    # A finding that came back (a case handed back, a reassignment undone) reopens its alert.
    reopen = [
        pk
        for key, (pk, status) in stored.items()
        if status == Alert.Status.OBSOLETE and key in found
    ]
    gone = [
        pk
        for key, (pk, status) in stored.items()
        if status == Alert.Status.OPEN and key not in found
    ]
    now = timezone.now()
    for start in range(0, len(reopen), BATCH_SIZE):
        Alert.objects.filter(pk__in=reopen[start : start + BATCH_SIZE]).update(
            status=Alert.Status.OPEN, done_at=None
        )
    for start in range(0, len(gone), BATCH_SIZE):
        Alert.objects.filter(pk__in=gone[start : start + BATCH_SIZE]).update(
            status=Alert.Status.OBSOLETE, done_at=now
        )
    result.created[kind] = len(new)
    result.reopened[kind] = len(reopen)
    result.obsolete[kind] = len(gone)
    result.unrouted[kind] = unrouted


def delete_old_alerts(today: dt.date) -> int:
    """Alerts done or obsolete for longer than ``ALERT_KEEP_DAYS`` are deleted."""
    limit = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=settings.ALERT_KEEP_DAYS), dt.time.min)
    )
    deleted, _ = Alert.objects.exclude(status=Alert.Status.OPEN).filter(done_at__lt=limit).delete()
    return deleted


def run_nightly(today: dt.date | None = None) -> RunResult:
    """What runs every night (and by hand with ``run_deadline_checks``): the checks, then the
    clean-up of old alerts and the e-mail digest of the new ones."""
    from imcase.alerts.digest import send_digests

    today = today or timezone.localdate()
    result = run_deadline_checks(today)
    if result.skipped:
        return result
    delete_old_alerts(today)
    result.emails_sent = send_digests()
    return result


def raise_alert(
    recipient_ids: Iterable[int],
    kind: str,
    subject: models.Model,
    due_date: dt.date,
    message: str,
    link: str = "",
) -> int:
    """Store an alert raised by an event (a kind registered with ``alert_kind``), one per
    recipient; returns how many were created or reopened.

    The same event again on the same day (same recipient, subject, kind and due date) creates
    no second alert: an open one takes the newer message, a done one is opened again.
    """
    subject_type = ContentType.objects.get_for_model(subject)
    changed = 0
    with transaction.atomic():
        for recipient_id in dict.fromkeys(recipient_ids):
            alert, created = Alert.objects.select_for_update().get_or_create(
                recipient_id=recipient_id,
                kind=kind,
                subject_type=subject_type,
                subject_id=subject.pk,
                due_date=due_date,
                defaults={
                    "message": message[:300],
                    "link": link[:200],
                    "created_on": timezone.localdate(),
                },
            )
            if created:
                changed += 1
                continue
            fields = ["message", "link"]
            alert.message, alert.link = message[:300], link[:200]
            if alert.status != Alert.Status.OPEN:
                alert.status, alert.done_at, alert.emailed_at = Alert.Status.OPEN, None, None
                fields += ["status", "done_at", "emailed_at"]
                changed += 1
            alert.save(update_fields=fields)
    return changed


def notify_office(
    landkreis_id: int, kind: str, subject: models.Model, message: str, link: str = ""
) -> int:
    """Tell the coordinating office of the Kreis (all its working users), due today."""
    today = timezone.localdate()
    office = CheckContext(today).office_by_landkreis.get(landkreis_id, [])
    if not office:
        logger.warning("Keine Koordinierungsstelle im Kreis %s für %s.", landkreis_id, kind)
        return 0
    return raise_alert(office, kind, subject, today, message, link)


def mark_done(user, alert: Alert) -> Alert:
    """The recipient marks his alert as done; doing it twice changes nothing."""
    with transaction.atomic():
        locked = Alert.objects.visible_to(user).select_for_update().get(pk=alert.pk)
        if locked.status == Alert.Status.DONE:
            return locked
        locked.status = Alert.Status.DONE
        locked.done_at = timezone.now()
        locked.save(update_fields=["status", "done_at"])
    return locked
