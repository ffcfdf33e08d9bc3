"""The errors every app's services raise. They live in the core so that each app can refuse a
change in the same way without importing another app (the layers point one way).

Views show the message as it is: it is written for the user, in German.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A rule refused the change; the message is for the user, in German."""


class StaleVersionError(ServiceError):
    """Someone else saved the record since it was loaded."""

    message_text = (
        "Dieser Datensatz wurde inzwischen von jemand anderem geändert. Ihre Änderungen "
        "wurden nicht gespeichert. Bitte laden Sie die Seite neu und tragen Sie sie erneut ein."
    )

    def __init__(self) -> None:
        super().__init__(self.message_text)
