"""Steps 5 and 6: compute the split from the current lists and publish it as a frozen revision."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from funding import notifications
from funding.computation import plan_for_year
from funding.models import Allocation, AllocationRevision, FundingYear
from funding.services.years import lock_year
from funding.split import SplitError
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError


def publish(
    actor, funding_year: FundingYear, fingerprint: str, note: str, base_url: str
) -> AllocationRevision:
    """Freeze the split the office saw in the preview as the next numbered revision.

    ``fingerprint`` is the preview's: if any figure changed since (a list, an amount), the
    office must look at the new figures first. A correction (revision 2 and later) needs a
    reason. The municipality users are told by e-mail that their sheet is ready.
    """
    note = note.strip()
    with transaction.atomic():
        locked = lock_year(actor, funding_year)
        try:
            plan = plan_for_year(locked)
        except SplitError as error:
            raise ServiceError(str(error)) from None
        if plan.fingerprint != fingerprint:
            raise ServiceError(
                "Die Zahlen haben sich seit der Vorschau geändert (eine Liste oder ein Betrag). "
                "Bitte prüfen Sie die aktualisierte Vorschau und veröffentlichen Sie erneut."
            )
        number = (locked.revisions.aggregate(last=Max("number"))["last"] or 0) + 1
        if number > 1 and not note:
            raise ServiceError(
                "Eine Korrektur ist eine neue Revision: bitte geben Sie den Grund der Korrektur an."
            )
        revision = AllocationRevision.objects.create(
            funding_year=locked,
            number=number,
            published_at=timezone.now(),
            published_by=actor,
            note=note,
            land_total=locked.land_total if locked.amount_entered is None else None,
            quota_percent=locked.quota_percent if locked.amount_entered is None else None,
            kreis_amount=plan.kreis_amount,
            deductions=[{"name": name, "amount": str(amount)} for name, amount in plan.deductions],
            distributable_amount=plan.distributable_amount,
            cost_per_vza=plan.cost_per_vza,
            eigenregie_min_vza=plan.eigenregie_min_vza,
            period_start=locked.period_start,
            period_end=locked.period_end,
            reference_date=locked.reference_date,
            total_persons=plan.total_persons,
        )
        Allocation.objects.bulk_create(
            [
                Allocation(
                    revision=revision,
                    municipality_id=row.count.municipality_id,
                    ags=row.count.ags,
                    municipality_name=row.count.name,
                    persons=row.count.persons,
                    share=row.line.share,
                    amount=row.line.amount,
                    vza=row.line.vza,
                    below_threshold=row.line.below_threshold,
                    source=row.count.source,
                )
                for row in plan.rows
            ],
            batch_size=2000,
        )
        record(
            actor,
            AuditEntry.Action.CREATE,
            revision,
            label=str(revision),
            distributable=str(plan.distributable_amount),
            persons=plan.total_persons,
        )
        pk = revision.pk
        transaction.on_commit(lambda: notifications.allocation_published(pk, base_url))
    return revision
