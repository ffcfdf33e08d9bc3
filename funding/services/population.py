"""Programmes split by Einwohnerzahl (as the Soforthilfe Ukraine): the coordinating office
creates a programme, edits it and enters its applicants (municipalities, the Landkreis or a
Verbund), records the position each applicant reports, and decides what becomes of money that
applicants below the minimum position could not use."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from funding.formatting import euro
from funding.models import PopulationApplicant, PopulationProgramme
from funding.models.population import RemainderUse
from funding.split import SplitError
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.locking import check_version, lock_visible
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
        if municipality.pk in _taken(locked):
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
        if applicant.has_reported:
            raise ServiceError(
                f"{applicant.label} hat bereits eine Stelle gemeldet und bleibt Antragsteller."
            )
        applicant.delete()
        locked.save_new_version()
        record(
            actor,
            AuditEntry.Action.CHANGE,
            locked,
            label=str(locked),
            event="applicant_removed",
            applicant=applicant.label,
        )


def _taken(programme: PopulationProgramme) -> set[int]:
    """Municipalities already counted: applicants themselves or members of an applicant."""
    own = programme.applicants.filter(municipality__isnull=False).values_list(
        "municipality_id", flat=True
    )
    members = PopulationApplicant.members.through.objects.filter(
        populationapplicant__programme=programme
    ).values_list("municipality_id", flat=True)
    return {*own, *members}


def add_group_applicant(
    actor,
    programme: PopulationProgramme,
    kind: str,
    name: str,
    members: list[Municipality],
    expected_version,
) -> PopulationApplicant:
    """The Landkreis or a Verbund applies for several municipalities of the Kreis; its share
    follows their Einwohnerzahl together."""
    kinds = PopulationApplicant.Kind
    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if kind not in (kinds.LANDKREIS, kinds.VERBUND):
        errors["kind"] = "Bitte wählen Sie, wer den Antrag stellt."
    if not members:
        errors["members"] = "Bitte wählen Sie die Gemeinden, für die der Antrag gestellt wird."
    elif kind == kinds.VERBUND and len(members) < 2:
        errors["members"] = "Ein Verbund besteht aus mindestens zwei Gemeinden."
    if kind == kinds.VERBUND and not name:
        errors["name"] = "Bitte geben Sie den Namen des Verbunds an."
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        locked = _locked(actor, programme, expected_version)
        if kind == kinds.LANDKREIS:
            if locked.applicants.filter(kind=kinds.LANDKREIS).exists():
                raise ServiceError(
                    {"kind": "Der Landkreis ist bereits als Antragsteller eingetragen."}
                )
            name = name or locked.landkreis.name
        if any(m.landkreis_id != locked.landkreis_id for m in members):
            raise ServiceError({"members": "Antragsteller sind Gemeinden Ihres Kreises."})
        taken = sorted(m.name for m in members if m.pk in _taken(locked))
        if taken:
            raise ServiceError(
                {"members": f"Bereits bei einem anderen Antragsteller gezählt: {', '.join(taken)}."}
            )
        applicant = PopulationApplicant.objects.create(programme=locked, kind=kind, name=name)
        applicant.members.set(members)
        locked.save_new_version()
        record(
            actor,
            AuditEntry.Action.CHANGE,
            locked,
            label=str(locked),
            event="applicant_added",
            applicant=name,
            members=[m.ags for m in members],
        )
    return applicant


def _clean_position(data: dict) -> None:
    vza = data.get("position_vza")
    errors: dict[str, str] = {}
    if vza is None:
        errors["position_vza"] = (
            "Bitte geben Sie den Umfang der geschaffenen Stelle in VZÄ an (0, wenn keine Stelle "
            "geschaffen wurde)."
        )
    elif vza < 0:
        errors["position_vza"] = "Der Wert darf nicht negativ sein."
    if vza and data.get("position_from") is None:
        errors["position_from"] = "Bitte geben Sie an, ab wann die Stelle besetzt ist."
    if errors:
        raise ServiceError(errors)


def _record_position(
    actor, locked: PopulationProgramme, applicant: PopulationApplicant, data: dict
) -> PopulationApplicant:
    if locked.remainder_use:
        raise ServiceError(
            "Über die nicht genutzten Mittel ist bereits entschieden; die Stellen stehen fest."
        )
    vza = data["position_vza"]
    applicant.position_vza = vza
    applicant.position_from = data.get("position_from") if vza else None
    applicant.own_funds = bool(data.get("own_funds")) and bool(vza)
    applicant.position_note = " ".join((data.get("position_note") or "").split())
    applicant.reported_at = timezone.now()
    applicant.save()
    locked.save_new_version()
    record(
        actor,
        AuditEntry.Action.CHANGE,
        locked,
        label=str(locked),
        event="position_reported",
        applicant=applicant.label,
        vza=str(vza),
    )
    return applicant


def report_position(
    actor, programme: PopulationProgramme, applicant_id: int, data: dict, expected_version
) -> PopulationApplicant:
    """The office records the position an applicant reports: VZÄ actually created (0 if
    none), from when, and whether it topped the grant up from own funds."""
    _clean_position(data)
    with transaction.atomic():
        locked = _locked(actor, programme, expected_version)
        applicant = locked.applicants.select_related("municipality").filter(pk=applicant_id)
        applicant = applicant.first()
        if applicant is None:
            raise ServiceError("Dieser Antragsteller ist nicht (mehr) eingetragen.")
        return _record_position(actor, locked, applicant, data)


def report_own_position(
    actor, applicant: PopulationApplicant, data: dict, expected_version
) -> PopulationApplicant:
    """An applicant municipality (or a member of an applicant Verbund) reports its position
    itself; the same rules as when the office records it."""
    _clean_position(data)
    with transaction.atomic():
        mine = PopulationApplicant.objects.reported_by(actor).filter(pk=applicant.pk)
        if not mine.exists():
            raise ServiceError("Die Stelle dieses Antragstellers melden Sie nicht.")
        locked = PopulationProgramme.objects.select_for_update().get(pk=applicant.programme_id)
        check_version(locked, expected_version)
        applicant = locked.applicants.select_related("municipality").get(pk=applicant.pk)
        return _record_position(actor, locked, applicant, data)


def decide_remainder(
    actor, programme: PopulationProgramme, use: str, note: str, expected_version
) -> PopulationProgramme:
    """Once every applicant has reported, the office redistributes the unused money over the
    applicants that reached the minimum position, or marks it for another purpose (with a
    note saying which)."""
    note = (note or "").strip()
    if use not in RemainderUse.values:
        raise ServiceError(
            {"use": "Bitte wählen Sie, was mit den nicht genutzten Mitteln geschieht."}
        )
    if use == RemainderUse.OTHER_PURPOSE and not note:
        raise ServiceError(
            {"note": "Bitte geben Sie an, für welchen Zweck die Mittel verwendet werden."}
        )
    with transaction.atomic():
        locked = _locked(actor, programme, expected_version)
        if locked.remainder_use:
            raise ServiceError("Über die nicht genutzten Mittel ist bereits entschieden.")
        try:
            outcome = locked.outcome()
        except SplitError as error:
            raise ServiceError(str(error)) from None
        if not outcome.all_reported:
            raise ServiceError(
                "Erst wenn alle Antragsteller ihre Stelle gemeldet haben, steht fest, wie viel "
                "nicht genutzt wird."
            )
        if not outcome.unused:
            raise ServiceError("Alle Antragsteller nutzen ihre Mittel; es bleibt nichts übrig.")
        if use == RemainderUse.REDISTRIBUTED and not outcome.redistribution:
            raise ServiceError(
                {
                    "use": "Kein Antragsteller hat die Mindeststelle erreicht: die Mittel können "
                    "nicht umverteilt werden."
                }
            )
        locked.remainder_use = use
        locked.remainder_amount = outcome.unused
        locked.remainder_note = note
        locked.save_new_version("remainder_use", "remainder_amount", "remainder_note")
        record(
            actor,
            AuditEntry.Action.CHANGE,
            locked,
            label=str(locked),
            event="remainder_decided",
            use=use,
            amount=euro(outcome.unused),
        )
    return locked
