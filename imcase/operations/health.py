"""Liveness and readiness for a load balancer or an orchestrator.

``/healthz`` says only that the process answers (no database, nothing else): a failing
database must not make the orchestrator restart every web process. ``/readyz`` checks what a
request needs — the database, Redis (when configured) and the file storage — and answers 503
with the failing part named, so the balancer sends no traffic to a node that cannot serve it.
Neither shows anything about persons, users or the configuration beyond "ok"/"Fehler".
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis() -> None:
    if not settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def _storage() -> None:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise OSError("Datei nicht lesbar")
    finally:
        default_storage.delete(name)


CHECKS = {"database": _database, "redis": _redis, "storage": _storage}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure means "not ready"; details go nowhere public
            results[name] = "Fehler"
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "Fehler", "checks": results}, status=200 if ready else 503
    )
