"""After a restore: every submitted Kennzahlentabelle's file is there and matches its SHA-256."""

from __future__ import annotations

from django.utils.translation import ngettext

from imcase.operations.backup import CheckResult, restore_check
from reporting.models import Submission
from reporting.services import IntegrityError, read_verified


@restore_check
def submission_files() -> CheckResult:
    broken = []
    submissions = list(Submission.objects.order_by("landkreis_id", "year", "number"))
    for submission in submissions:
        try:
            read_verified(submission)
        except IntegrityError as error:
            broken.append(f"{submission.year} Nr. {submission.number}: {error}")
    name = "Abgaben der Kennzahlentabelle"
    if broken:
        return CheckResult(name, False, "; ".join(broken))
    count = len(submissions)
    return CheckResult(
        name,
        True,
        ngettext(
            "%(n)d Datei stimmt mit ihrer Prüfsumme überein",
            "%(n)d Dateien stimmen mit ihren Prüfsummen überein",
            count,
        )
        % {"n": count},
    )
