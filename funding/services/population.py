"""Programmes split by Einwohnerzahl (as the Soforthilfe Ukraine): the coordinating office
creates a programme, edits it and enters its applicants."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from funding.models import PopulationApplicant, PopulationProgramme
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.locking import lock_visible
from imcase.organisation.access import scope_for
from imcase.organisation.models import Landkreis, Municipality, Role

PROGRAMME_FIELDS = ("name", "year", "amount", "min_vza", "cost_per_vza")


def _require_office(actor) -> None:
    if scope_for(actor).role != Role.OFFICE:
        raise ServiceError("Programme nach Einwohnerzahl verwaltet die Koordinierungsstelle.")


def _validated(programme: PopulationProgramme) -> None:
    try:
        programme.full_clean()
    except ValidationError as error:
        messages = error.message_dict
        if "__all__" in messages:
            messages = {
                **messages,
                "name": ["Ein Programm mit diesem Namen gibt es für dieses Jahr schon."],
            }
            messages.pop("__all__")
        raise ServiceError(messages) from None


def create_programme(actor, landkreis: Landkreis, data: dict) -> PopulationProgramme:
    _require_office(actor)
    if scope_for(actor).landkreis_id != landkreis.pk:
        raise ServiceError("Sie können nur Programme Ihres Kreises anlegen.")
    with transaction.atomic():
        programme = PopulationProgramme(
            landkreis=landkreis,
            created_by=actor,
            **{name: data.get(name) for name in PROGRAMME_FIELDS},
        )
        if isinstance(programme.name, str):
            programme.name = programme.name.strip()
        _validated(programme)
        programme.save()
        record(actor, AuditEntry.Action.CREATE, programme, label=str(programme))
    return programme


def _locked(actor, programme: PopulationProgramme, expected_version) -> PopulationProgramme:
    _require_office(actor)
    return lock_visible(
        actor,
        PopulationProgramme.objects,
        programme.pk,
        expected_version,
        refusal="Dieses Programm gehört nicht zu Ihrem Kreis.",
    )


def update_programme(
    actor, programme: PopulationProgramme, data: dict, expected_version: int | None
) -> PopulationProgramme:
    with transaction.atomic():
        locked = _locked(actor, programme, expected_version)
        changed = [name for name in PROGRAMME_FIELDS if data.get(name) != getattr(locked, name)]
        if not changed:
            return locked
        for name in PROGRAMME_FIELDS:
            setattr(locked, name, data.get(name))
        locked.name = locked.name.strip()
        _validated(locked)
        locked.save_new_version(*PROGRAMME_FIELDS)
        record(actor, AuditEntry.Action.CHANGE, locked, label=str(locked), fields=changed)
    return locked


def add_applicant(
    actor, programme: PopulationProgramme, municipality: Municipality, expected_version
) -> PopulationApplicant:
    with transaction.atomic():
        locked = _locked(actor, programme, expected_version)
        if municipality.landkreis_id != locked.landkreis_id:
            raise ServiceError("Antragsteller sind Gemeinden Ihres Kreises.")
        if locked.applicants.filter(municipality=municipality).exists():
            raise ServiceError(f"{municipality.name} ist bereits als Antragsteller eingetragen.")
        applicant = PopulationApplicant.objects.create(programme=locked, municipality=municipality)
        locked.save_new_version()
        record(
            actor,
            AuditEntry.Action.CHANGE,
            locked,
            label=str(locked),
            event="applicant_added",
            ags=municipality.ags,
        )
    return applicant


def remove_applicant(
    actor, programme: PopulationProgramme, applicant_id: int, expected_version
) -> None:
    with transaction.atomic():
        locked = _locked(actor, programme, expected_version)
        applicant = locked.applicants.select_related("municipality").filter(pk=applicant_id)
        applicant = applicant.first()
        if applicant is None:
            raise ServiceError("Dieser Antragsteller ist nicht (mehr) eingetragen.")
        applicant.delete()
        locked.save_new_version()
        record(
            actor,
            AuditEntry.Action.CHANGE,
            locked,
            label=str(locked),
            event="applicant_removed",
            ags=applicant.municipality.ags,
        )
