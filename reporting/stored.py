"""Stored Kennzahlentabellen: the figures without waiting.

The Kennzahlen page and its XLSX show a table computed before — after the nightly run, on
demand ("neu berechnen"), or on the first visit — marked with its time ("Stand: …"). A stored
table is shown as current only while nothing it was computed from has changed: the same
definition version, the same data fingerprint (``input_version``) and, for the running year,
the same day. A stale table is shown marked as such while a new computation runs in the
background (on the worker; without a broker inline); the download and the submission always
use current figures (the submission recomputes and compares, as before).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from imcase.organisation.models import Landkreis, Provider
from reporting import input_version
from reporting.kennzahlen.registry import definition_for
from reporting.kennzahlen.table import Column, Section, Table, TableLine, compute_table
from reporting.models import StoredTable

logger = logging.getLogger(__name__)


# --- (De)serialising ---------------------------------------------------------------------------


def _value(value):
    return {"d": str(value)} if isinstance(value, Decimal) else value


def _unvalue(value):
    return Decimal(value["d"]) if isinstance(value, dict) else value


def to_payload(table: Table) -> dict:
    return {
        "columns": [[c.key, c.title, c.provider_id] for c in table.columns],
        "sections": [
            {
                "group": section.group.key,
                "lines": [
                    [
                        line.figure.id,
                        list(line.key),
                        line.label,
                        [_value(v) for v in line.values],
                        line.is_total,
                    ]  # fmt: skip
                    for line in section.lines
                ],
            }
            for section in table.sections
        ],
    }


def from_payload(stored: StoredTable) -> Table:
    definition = definition_for(stored.year)
    figures = {figure.id: figure for figure in definition.figures}
    groups = {group.key: group for group in definition.groups}
    sections = []
    for raw in stored.payload["sections"]:
        section = Section(groups[raw["group"]])
        for figure_id, key, label, values, is_total in raw["lines"]:
            section.lines.append(
                TableLine(
                    figures[figure_id],
                    tuple(key),
                    label,
                    tuple(_unvalue(v) for v in values),
                    is_total,
                )  # fmt: skip
            )
        sections.append(section)
    columns = [
        Column(key, title, provider_id) for key, title, provider_id in stored.payload["columns"]
    ]
    return Table(definition, stored.landkreis, stored.year, stored.provider, columns, sections)


# --- Current or not ------------------------------------------------------------------------------


def is_current(stored: StoredTable | None, today: dt.date) -> bool:
    if stored is None or stored.payload is None or stored.computed_at is None:
        return False
    if stored.definition_version != definition_for(stored.year).version:
        return False
    if stored.year >= today.year and stored.as_of != today:
        return False
    return stored.input_version == input_version.current()


def _stored(landkreis: Landkreis, year: int, provider: Provider | None) -> StoredTable | None:
    return (
        StoredTable.objects.select_related("landkreis", "provider")
        .filter(landkreis=landkreis, year=year, provider=provider)
        .first()
    )


def _row(landkreis: Landkreis, year: int, provider: Provider | None) -> StoredTable:
    stored, _ = StoredTable.objects.get_or_create(landkreis=landkreis, year=year, provider=provider)
    return stored


# --- Computing -----------------------------------------------------------------------------------


def compute_and_store(
    landkreis: Landkreis, year: int, provider: Provider | None = None, today: dt.date | None = None
) -> tuple[Table, StoredTable]:
    """Compute the table now and keep it; returns both. The fingerprint is read before the
    figures, so a change while computing leaves the result stale, never wrongly current."""
    today = today or timezone.localdate()
    stored = _row(landkreis, year, provider)
    version = input_version.current()
    started = time.monotonic()
    last_step = [0]

    def progress(done: int, total: int) -> None:
        percent = int(done * 100 / total)
        if percent - last_step[0] >= 10:  # a write per tenth, not per figure
            last_step[0] = percent
            StoredTable.objects.filter(pk=stored.pk).update(progress=min(percent, 99))

    try:
        table = compute_table(landkreis, year, provider, progress=progress)
    except Exception as error:
        StoredTable.objects.filter(pk=stored.pk).update(
            status=StoredTable.Status.FAILED, error=str(error)[:300]
        )
        raise
    stored.status = StoredTable.Status.DONE
    stored.progress = 100
    stored.definition_version = table.definition.version
    stored.input_version = version
    stored.as_of = today
    stored.computed_at = timezone.now()
    stored.duration_ms = int((time.monotonic() - started) * 1000)
    stored.payload = to_payload(table)
    stored.error = ""
    stored.save()
    return table, stored


def recompute(stored_id: int) -> None:
    """The background task's body: compute the row's table again."""
    stored = StoredTable.objects.select_related("landkreis", "provider").get(pk=stored_id)
    compute_and_store(stored.landkreis, stored.year, stored.provider)


def request_recompute(
    landkreis: Landkreis, year: int, provider: Provider | None = None
) -> StoredTable:
    """Mark the table as being computed and queue the computation (once: a second request
    while one runs does not queue another)."""
    from imcase.exports.services import enqueue_or_fail
    from reporting.tasks import recompute_table

    with transaction.atomic():
        stored = _row(landkreis, year, provider)
        stored = StoredTable.objects.select_for_update().get(pk=stored.pk)
        running = (
            stored.status == StoredTable.Status.RUNNING
            and stored.requested_at
            and (timezone.now() - stored.requested_at < dt.timedelta(minutes=15))
        )
        if running:
            return stored
        stored.status = StoredTable.Status.RUNNING
        stored.progress = 0
        stored.requested_at = timezone.now()
        stored.error = ""
        stored.save(update_fields=["status", "progress", "requested_at", "error"])
    transaction.on_commit(
        lambda: enqueue_or_fail(
            recompute_table,
            stored.pk,
            "Kennzahlentabelle",
            lambda: StoredTable.objects.filter(pk=stored.pk).update(
                status=StoredTable.Status.FAILED,
                error="Die Hintergrundberechnung ist gerade nicht erreichbar.",
            ),
        )
    )
    return stored


# --- Serving -------------------------------------------------------------------------------------


def shown_table(
    landkreis: Landkreis, year: int, provider: Provider | None = None, today: dt.date | None = None
) -> tuple[Table, StoredTable, bool]:
    """The table to show: ``(table, stored, current)``. A current stored table as it is; a
    stale one as it is, with a recomputation queued; none (or one of another definition)
    computed right away."""
    today = today or timezone.localdate()
    stored = _stored(landkreis, year, provider)
    if is_current(stored, today):
        return from_payload(stored), stored, True
    usable = (
        stored is not None
        and stored.payload is not None
        and stored.definition_version == definition_for(year).version
    )
    if not usable:
        table, stored = compute_and_store(landkreis, year, provider, today)
        return table, stored, True
    stored = request_recompute(landkreis, year, provider)
    stored.refresh_from_db()
    if is_current(stored, today):  # computed inline (no broker)
        return from_payload(stored), stored, True
    return from_payload(stored), stored, False


def current_table(
    landkreis: Landkreis, year: int, provider: Provider | None = None, today: dt.date | None = None
) -> Table:
    """The table with current figures: the stored one if current, else computed now (the
    download must never hand out stale figures)."""
    today = today or timezone.localdate()
    stored = _stored(landkreis, year, provider)
    if is_current(stored, today):
        return from_payload(stored)
    table, _computed = compute_and_store(landkreis, year, provider, today)
    return table


def precompute_all(today: dt.date | None = None) -> int:
    """After the nightly run: every Kreis's table (and each of its providers') for the running
    and the previous year, so the first visitor of the morning does not wait."""
    today = today or timezone.localdate()
    count = 0
    for landkreis in Landkreis.objects.all():
        providers = [None, *Provider.objects.filter(landkreis=landkreis)]
        for year in (today.year, today.year - 1):
            try:
                definition_for(year)
            except LookupError:
                continue
            for provider in providers:
                if not is_current(_stored(landkreis, year, provider), today):
                    compute_and_store(landkreis, year, provider, today)
                    count += 1
        _warm_office_dashboard(landkreis, today)
    return count


def _warm_office_dashboard(landkreis: Landkreis, today: dt.date) -> None:
    """The office's dashboard as it opens (the Kreis, the running year)."""
    from reporting.dashboard import Dashboard, Filters
    from reporting.scoping import FiguresScope

    dashboard_charts(
        Dashboard(FiguresScope(landkreis, None, True), Filters(year=today.year), today), today
    )


# --- The dashboard -------------------------------------------------------------------------------

CHARTS_FORMAT = 2  # count up when the charts' structure changes, so old entries are not read


def _dashboard_key(board, today: dt.date, version: int) -> str:
    scope, filters = board.scope, board.filters
    parts = [
        "dashboard",
        CHARTS_FORMAT,
        definition_for(filters.year).version if _has_definition(filters.year) else "-",
        scope.landkreis.pk,
        int(scope.is_office),
        board.provider.pk if board.provider else "-",
        filters.team.pk if filters.team else "-",
        filters.municipality.pk if filters.municipality else "-",
        filters.year,
        today.isoformat(),
        version,
    ]
    return ":".join(str(part) for part in parts)


def _has_definition(year: int) -> bool:
    try:
        definition_for(year)
    except LookupError:
        return False
    return True


def dashboard_charts(board, today: dt.date | None = None):
    """The dashboard's charts for ``board`` (scope, filters, day): stored under a key that
    holds the data fingerprint, so a stored result is always current — any write to an input
    table changes the key. Returns ``(charts, computed_at)``."""
    today = today or timezone.localdate()
    cache = caches["computed"]
    key = _dashboard_key(board, today, input_version.current())
    found = cache.get(key)
    if found is None:
        found = (board.charts(), timezone.now())
        cache.set(key, found)
    return found
