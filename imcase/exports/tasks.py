"""Celery tasks of the exports: they take ids, never objects (see ``services``)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from imcase.exports import services


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def generate_file(file_id: int) -> str:
    return services.generate(file_id)


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=60, max_retries=5)
def delete_expired_files() -> int:
    return services.delete_expired_files()
