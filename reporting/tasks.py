"""Celery tasks of reporting: thin wrappers that take ids (see ``stored``)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from reporting import stored


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=3)
def recompute_table(stored_id: int) -> None:
    stored.recompute(stored_id)


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=60, max_retries=3)
def precompute_tables() -> int:
    """After the nightly checks: the tables of the running and the previous year."""
    return stored.precompute_all()
