"""The allocation files as background exports (``imcase.exports``): the office's overview of a
published revision and one municipality's allocation sheet, the same workbooks as the direct
downloads (``funding.exports.allocation``).

Registered by the import in ``funding/exports/__init__.py`` (discovery imports
``<app>.exports``). Both exports take the year, the revision number and, for the sheet, the AGS
as plain values. The start view answers 404 for a revision or sheet outside the user's scope,
like the direct downloads; the task loads it again through ``visible_to`` with the user as he
is then, so a moved or withdrawn right fails the file instead of writing it (``write`` raises
``PermissionDenied``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from funding.exports.allocation import (
    parameters_from_revision,
    rows_from_revision,
    write_overview_xlsx,
    write_sheet_xlsx,
)
from funding.models import Allocation, AllocationRevision
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.exports.registry import Export, Progress, register_export
from imcase.organisation.access import scope_for
from imcase.organisation.models import Role


def _number(data: Mapping[str, str], key: str) -> int:
    try:
        return int(data.get(key, ""))
    except ValueError:
        raise Http404 from None


def _revision(user, year: int, number: int) -> AllocationRevision | None:
    return (
        AllocationRevision.objects.visible_to(user)
        .filter(funding_year__year=year, number=number)
        .select_related("funding_year__landkreis")
        .first()
    )


def _allocation(user, year: int, ags: str, number: int) -> Allocation | None:
    return (
        Allocation.objects.visible_to(user)
        .filter(revision__funding_year__year=year, revision__number=number, ags=ags)
        .select_related("revision__funding_year__landkreis")
        .first()
    )


@register_export
class AllocationOverviewExport(Export):
    """The office's overview of one published revision (sheets ``Verteilung``, ``Berechnung``)."""

    identifier = "funding_overview"
    verbose_name = "Verteilung der Fördermittel – Übersicht (XLSX)"

    def allowed(self, user) -> bool:
        return scope_for(user).role == Role.OFFICE

    def clean_params(self, user, data: Mapping[str, str]) -> dict[str, Any]:
        year, number = _number(data, "jahr"), _number(data, "revision")
        if _revision(user, year, number) is None:
            raise Http404
        return {"year": year, "number": number}

    def filename(self, params: dict[str, Any]) -> str:
        return f"verteilung-{params['year']}-revision-{params['number']}.xlsx"

    def back_url(self, params: dict[str, Any]) -> str:
        if not params:
            return reverse("funding:index")
        return reverse("funding:revision", args=[params["year"], params["number"]])

    def write(self, user, params: dict[str, Any], out: IO[bytes], progress: Progress) -> int:
        revision = _revision(user, params["year"], params["number"])
        if revision is None:
            raise PermissionDenied(f"Revision {params['number']} des Jahres {params['year']}")
        count = write_overview_xlsx(
            rows_from_revision(revision), parameters_from_revision(revision), out
        )
        record(
            user,
            AuditEntry.Action.EXPORT,
            revision,
            label=str(revision),
            municipalities=count,
            background=True,
        )
        return count


@register_export
class AllocationSheetExport(Export):
    """One municipality's allocation sheet of one revision: the municipality its own, the
    office any of its Kreis."""

    identifier = "funding_sheet"
    verbose_name = "Zuteilungsblatt (XLSX)"

    def allowed(self, user) -> bool:
        return scope_for(user).role in (Role.OFFICE, Role.MUNICIPALITY)

    def clean_params(self, user, data: Mapping[str, str]) -> dict[str, Any]:
        year, number = _number(data, "jahr"), _number(data, "revision")
        ags = data.get("ags", "")
        if _allocation(user, year, ags, number) is None:
            raise Http404
        return {"year": year, "ags": ags, "number": number}

    def filename(self, params: dict[str, Any]) -> str:
        return f"zuteilung-{params['year']}-{params['ags']}-revision-{params['number']}.xlsx"

    def back_url(self, params: dict[str, Any]) -> str:
        if not params:
            return reverse("funding:index")
        return reverse("funding:sheet", args=[params["year"], params["ags"]])

    def write(self, user, params: dict[str, Any], out: IO[bytes], progress: Progress) -> int:
        allocation = _allocation(user, params["year"], params["ags"], params["number"])
        if allocation is None:
            raise PermissionDenied(f"Zuteilung {params['ags']} {params['year']}")
        write_sheet_xlsx(allocation, out)
        record(
            user,
            AuditEntry.Action.EXPORT,
            allocation,
            label=str(allocation),
            kind="xlsx",
            background=True,
        )
        return 1
