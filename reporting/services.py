"""Writes of the reporting app: the office finalises the Kreis's table into a submission.

``finalise``: one transaction, lock the Kreis (so two offices' clicks get numbers 1 and 2,
never 1 twice), check the guards, compute and store the workbook, create the submission,
write the audit entry; the RP users are told by e-mail after the commit.
"""

from __future__ import annotations

import hashlib
import logging
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.locking import check_version
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Role
from reporting import notifications, stored
from reporting.annual_report import (
    TEXT_FIELDS,
    AnnualReport,
    build_report,
    report_scope_or_404,
)
from reporting.kennzahlen.registry import NoDefinitionError, definition_for
from reporting.kennzahlen.table import Table, compute_table, fingerprint, reporting_years
from reporting.models import AnnualReportText, Submission, submission_path
from reporting.scoping import figures_scope_or_404, providers_visible_to
from reporting.xlsx import Origin, workbook_bytes, write_workbook

logger = logging.getLogger(__name__)


class IntegrityError(Exception):
    """A stored submission file no longer matches its SHA-256."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def display_name(user) -> str:
    return user.get_full_name() or user.username


def finalise(
    actor,
    year: int,
    note: str,
    base_url: str,
    expected_fingerprint: str | None = None,
    today=None,
) -> Submission:
    """Freeze the Kreis's Kennzahlentabelle for ``year`` as the next numbered submission.

    Only the coordinating office of the Kreis; only a finished year (before the current one);
    a correction (number 2 and later) needs a reason. With ``expected_fingerprint`` (the table
    the office looked at) any change of a figure since then stops the submission.
    """
    scope = scope_for(actor)
    if scope.role != Role.OFFICE or not scope.landkreis_id:
        raise ServiceError("Nur die Koordinierungsstelle gibt die Kennzahlentabelle ab.")
    today = today or timezone.localdate()
    if year >= today.year:
        raise ServiceError(
            f"Das Berichtsjahr {year} ist noch nicht abgeschlossen; abgegeben werden kann es "
            f"ab dem 01.01.{year + 1}."
        )
    note = note.strip()
    with transaction.atomic():
        landkreis = (
            Landkreis.objects.select_for_update(of=("self",))
            .select_related("regierungspraesidium")
            .get(pk=scope.landkreis_id)
        )
        last = Submission.objects.filter(landkreis=landkreis, year=year).aggregate(
            last=Max("number")
        )["last"]
        number = (last or 0) + 1
        if number > 1 and not note:
            raise ServiceError(
                "Eine Korrektur ist eine neue Abgabe: bitte geben Sie den Grund der Korrektur an."
            )
        try:
            table = compute_table(landkreis, year)
        except NoDefinitionError as error:
            raise ServiceError(str(error)) from None
        if expected_fingerprint is not None and fingerprint(table) != expected_fingerprint:
            raise ServiceError(
                "Die Zahlen haben sich seit der Anzeige geändert. Bitte prüfen Sie die "
                "aktualisierte Tabelle und geben Sie sie dann erneut ab."
            )
        now = timezone.now()
        name = display_name(actor)
        data = workbook_bytes(table, Origin(now, name, submission_number=number))
        submission = Submission(
            landkreis=landkreis,
            year=year,
            number=number,
            definition_version=table.definition.version,
            sha256=sha256_of(data),
            size=len(data),
            note=note,
            submitted_by=actor,
            submitted_by_name=name,
            submitted_at=now,
        )
        stored = default_storage.save(
            submission_path(submission, f"kennzahlentabelle-{year}-abgabe-{number}.xlsx"),
            ContentFile(data),
        )
        try:  # a refused row must not leave its file behind
            submission.file.name = stored
            submission.save()
            record(
                actor,
                AuditEntry.Action.CREATE,
                submission,
                label=str(submission)[:120],
                year=year,
                number=number,
                sha256=submission.sha256,
            )
        except Exception:
            default_storage.delete(stored)
            raise
        pk = submission.pk
        transaction.on_commit(lambda: notifications.submission_arrived(pk, base_url))
    return submission


def table_scope(user, provider_id: int | None):
    scope = figures_scope_or_404(user)
    provider = scope.provider
    if provider is None and provider_id is not None:
        provider = get_object_or_404(providers_visible_to(user), pk=provider_id)
    return scope.landkreis, provider


def table_for(user, year: int, provider_id: int | None = None) -> Table:
    """The table of ``year`` in the user's scope, with current figures (the stored one while it
    is current, else computed now): the office's Kreis (or one of its providers), a manager's
    or team lead's own provider. Http404 outside the scope or without definition."""
    landkreis, provider = table_scope(user, provider_id)
    try:
        return stored.current_table(landkreis, year, provider)
    except NoDefinitionError:
        raise Http404 from None


def shown_table_for(user, year: int, provider_id: int | None = None):
    """For the page: ``(table, stored, current)`` — the stored table, also a stale one while
    its recomputation runs (see ``reporting.stored``)."""
    landkreis, provider = table_scope(user, provider_id)
    try:
        return stored.shown_table(landkreis, year, provider)
    except NoDefinitionError:
        raise Http404 from None


def recompute_table_for(user, year: int, provider_id: int | None = None):
    """ "Neu berechnen": queue the computation of the table in the user's scope."""
    landkreis, provider = table_scope(user, provider_id)
    try:
        definition_for(year)
    except NoDefinitionError:
        raise Http404 from None
    return stored.request_recompute(landkreis, year, provider)


def write_table_for(user, year: int, provider_id: int | None, out: IO[bytes]) -> Table:
    """Write the workbook of ``year`` in the user's scope to ``out`` and log the export (the
    download calls this; so can a background export, which re-checks the scope with it)."""
    table = table_for(user, year, provider_id)
    write_workbook(table, Origin(timezone.now(), display_name(user)), out)
    record(
        user,
        AuditEntry.Action.EXPORT,
        table.provider or table.landkreis,
        label=f"Kennzahlentabelle {year}",
        event="kennzahlen_xlsx",
        year=year,
        provider=table.provider.pk if table.provider else None,
    )
    return table


def read_verified(submission: Submission) -> bytes:
    """The stored file's content, after checking it against the SHA-256 taken on submission."""
    try:
        with default_storage.open(submission.file.name, "rb") as handle:
            data = handle.read()
    except OSError as error:
        logger.error("Abgabe %s: Datei fehlt (%s).", submission.code, error)
        raise IntegrityError("Die Datei der Abgabe ist nicht mehr vorhanden.") from None
    if sha256_of(data) != submission.sha256:
        logger.error("Abgabe %s: SHA-256 stimmt nicht mehr.", submission.code)
        raise IntegrityError(
            "Die gespeicherte Datei stimmt nicht mehr mit der Prüfsumme der Abgabe überein."
        )
    return data


def save_annual_texts(
    actor, year: int, data: dict[str, str], expected_version: int | None
) -> AnnualReportText:
    """Store the texts of the actor's Jahresbericht for ``year`` (the office: the Kreis's, a
    team lead: his provider's). ``expected_version`` is the version the form was built from (0
    for texts not saved yet); a save in between refuses with ``StaleVersionError``."""
    try:
        scope = report_scope_or_404(actor)
    except Http404:
        raise ServiceError(
            "Nur die Koordinierungsstelle oder die Teamleitung schreibt den Jahresbericht."
        ) from None
    with transaction.atomic():
        Landkreis.objects.select_for_update(of=("self",)).get(pk=scope.landkreis.pk)
        texts = AnnualReportText.objects.filter(
            landkreis=scope.landkreis, provider=scope.provider, year=year
        ).first()
        if texts is None:
            texts = AnnualReportText(
                landkreis=scope.landkreis, provider=scope.provider, year=year, version=0
            )
        check_version(texts, expected_version)
        changed = [key for key, _ in TEXT_FIELDS if getattr(texts, key) != data.get(key, "")]
        if not changed and texts.pk:
            return texts
        for key, _ in TEXT_FIELDS:
            setattr(texts, key, data.get(key, "").strip())
        texts.updated_by = actor
        if texts.pk is None:
            texts.version = 1
            texts.save()
        else:
            texts.save_new_version(*(key for key, _ in TEXT_FIELDS), "updated_by")
        record(
            actor,
            AuditEntry.Action.CHANGE,
            texts,
            label=str(texts)[:120],
            event="annual_report_texts",
            year=year,
            fields=changed,
        )
    return texts


ANNUAL_REPORT_FORMATS = ("pdf", "docx")


def write_annual_report_for(user, year: int, kind: str, out: IO[bytes]) -> AnnualReport:
    """Write the Jahresbericht of ``year`` in the user's scope (the office: the Kreis, a team
    lead: his provider) as PDF or DOCX to ``out`` and log the export. The direct download and
    the background export both call this, so the scope is checked again in the worker."""
    from reporting.annual_report_docx import write_report_docx
    from reporting.annual_report_pdf import render_report_pdf

    if kind not in ANNUAL_REPORT_FORMATS:
        raise ValueError(kind)
    scope = report_scope_or_404(user)
    if year not in reporting_years(timezone.localdate()):
        raise Http404
    report = build_report(scope, year, timezone.localdate())
    if kind == "pdf":
        out.write(render_report_pdf(report))
    else:
        write_report_docx(report, out)
    record(
        user,
        AuditEntry.Action.EXPORT,
        scope.provider or scope.landkreis,
        label=f"Jahresbericht {year}",
        event=f"annual_report_{kind}",
        year=year,
    )
    return report
