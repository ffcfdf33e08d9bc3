"""Celery tasks of the clients app: they take ids, never objects (see ``clients.import_jobs``)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from clients import import_jobs


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def run_import_job(job_id: int) -> str:
    return import_jobs.run_import(job_id)
