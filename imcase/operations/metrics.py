"""Prometheus metrics at /metrics (``METRICS_ENABLED=1``), for the scraper's address only.

django-prometheus counts requests, responses and latencies per view in its middleware; this
view writes them in Prometheus' text format. Other addresses (and every address while the
setting is off) get a plain 404, as if there were no such page: the metrics name views and
users' activity, which is nobody else's business.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_ENABLED or request.META.get("REMOTE_ADDR") not in (
        settings.METRICS_ALLOWED_IPS
    ):
        # A plain 404 like the health endpoints: no template, no session, no database.
        return HttpResponseNotFound("Not Found", content_type="text/plain")
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
