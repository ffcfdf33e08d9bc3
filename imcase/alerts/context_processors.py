"""The bell in the navigation bar: the number of the user's open alerts (one COUNT query)."""

from __future__ import annotations

from imcase.alerts.models import Alert


def open_alerts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"open_alert_count": Alert.objects.visible_to(user).open().count()}
