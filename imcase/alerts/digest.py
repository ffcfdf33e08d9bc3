"""The daily e-mail digest: each user gets one German e-mail listing his new alerts.

Only alerts never mailed before are listed (``Alert.emailed_at``); they are marked once the
mail went out, so a failed delivery is tried again the next night. The mail names no person:
it gives the number of new alerts per kind and the link to the list in the app.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from imcase.alerts.models import Alert
from imcase.alerts.registry import label_for

logger = logging.getLogger(__name__)


@dataclass
class DigestLine:
    label: str
    count: int
    first_due: object


def pending_alerts():
    """Open alerts not yet mailed, of active users with an e-mail address."""
    return (
        Alert.objects.open()
        .filter(emailed_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
    )


def send_digests() -> int:
    """Send one digest to every user with new alerts; returns the number of mails sent."""
    by_user: dict[int, list[tuple[int, str, object]]] = defaultdict(list)
    rows = pending_alerts().values_list("pk", "recipient_id", "kind", "due_date")
    for pk, recipient_id, kind, due_date in rows.order_by("recipient_id", "due_date"):
        by_user[recipient_id].append((pk, kind, due_date))
    if not by_user:
        return 0
    users = get_user_model().objects.in_bulk(list(by_user))
    list_url = settings.SITE_URL + reverse("alerts:list")
    connection = mail.get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        logger.exception(
            "Mailserver nicht erreichbar; die Hinweis-E-Mails folgen beim nächsten Lauf."
        )
        return 0
    try:
        return _send_each(connection, by_user, users, list_url)
    finally:
        connection.close()


def _send_each(connection, by_user, users, list_url: str) -> int:
    sent = 0
    for user_id, alerts in by_user.items():
        user = users[user_id]
        lines: dict[str, DigestLine] = {}
        for _pk, kind, due_date in alerts:
            line = lines.setdefault(kind, DigestLine(label_for(kind), 0, due_date))
            line.count += 1
        context = {
            "name": user.get_full_name() or user.username,
            "total": len(alerts),
            "lines": sorted(lines.values(), key=lambda line: line.first_due),
            "list_url": list_url,
        }
        message = mail.EmailMessage(
            subject=render_to_string("alerts/digest_subject.txt", context).strip(),
            body=render_to_string("alerts/digest_email.txt", context),
            to=[user.email],
            connection=connection,
        )
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            logger.exception("Hinweis-E-Mail an Benutzer %s nicht versandt.", user_id)
            continue
        Alert.objects.filter(pk__in=[pk for pk, _kind, _due in alerts]).update(
            emailed_at=timezone.now()
        )
        sent += 1
    return sent
