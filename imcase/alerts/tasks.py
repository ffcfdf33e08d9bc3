"""Celery tasks of the nightly jobs: thin wrappers that take plain values and call a service.

Database errors (a restarted PostgreSQL, a lost connection) are retried with exponential
back-off; each job is safe to run twice (see the services), so a retry or a redelivered message
after a worker crash changes nothing that is already done.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from imcase.alerts import retention, services

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 30,
    "retry_backoff_max": 900,
    "retry_jitter": True,
    "max_retries": 6,
}


def _day(today: str | None) -> dt.date:
    return dt.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(**RETRY)
def run_nightly(today: str | None = None) -> dict:
    """The deadline checks of the night (``today`` as YYYY-MM-DD, default: today in Berlin),
    then the clean-up of old alerts and the e-mail digest."""
    return services.run_nightly(_day(today)).as_dict()


@shared_task(**RETRY)
def apply_retention(today: str | None = None) -> dict:
    result = retention.apply_retention(_day(today))
    return {"cutoff": result.cutoff.isoformat(), "clients": result.clients, **result.changed}
