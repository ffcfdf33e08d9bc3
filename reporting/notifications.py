"""E-mail to the Regierungspräsidium when a Kreis submits its Kennzahlentabelle (German, plain
text with a link). Called after the commit; a failing mail server is logged and does not undo
the submission: the RP sees it on its start page in any case."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from imcase.organisation.models import Role, StaffMember
from reporting.models import Submission

logger = logging.getLogger(__name__)


def rp_recipients(rp_id: int) -> list[str]:
    """Active users of the Regierungspräsidium with an e-mail address."""
    return list(
        StaffMember.objects.filter(
            role=Role.RP, regierungspraesidium_id=rp_id, user__is_active=True
        )
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .distinct()
    )


def submission_arrived(submission_id: int, base_url: str) -> int:
    """One message per recipient (nobody sees the others' addresses); returns how many went."""
    submission = Submission.objects.select_related("landkreis__regierungspraesidium").get(
        pk=submission_id
    )
    landkreis = submission.landkreis
    context = {
        "submission": submission,
        "landkreis": landkreis,
        "link": base_url.rstrip("/") + reverse("reporting:submission", args=[submission.code]),
    }
    subject = (
        f"Kennzahlentabelle {submission.year} des {landkreis.name} eingegangen "
        f"(Abgabe {submission.number})"
    )
    body = render_to_string("reporting/email/submission_arrived.txt", context)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for address in rp_recipients(landkreis.regierungspraesidium_id)
    ]
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # the submission stands; the RP sees it on its start page
        logger.exception("E-Mail zur Abgabe %s konnte nicht versandt werden.", submission.code)
        return 0
