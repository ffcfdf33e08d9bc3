from django.urls import reverse

from imcase.organisation.access import scope_for
from imcase.organisation.models import Role
from imcase.web.navigation import NAVIGATION


def navigation(request) -> dict:
    if not request.user.is_authenticated:
        return {}
    scope = scope_for(request.user)
    entries = [(label, reverse(name)) for label, name in NAVIGATION.get(scope.role, [])]
    if not entries:
        entries = [("Start", reverse("home"))]
    # The most specific entry whose URL starts the current path is the active one.
    matches = [url for _, url in entries if request.path.startswith(url) and url != "/"]
    active = max(matches, key=len) if matches else request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "active": url == active} for label, url in entries
        ],
        "user_role": scope.role,
        "user_role_label": Role(scope.role).label if scope.role else "ohne Rolle",
    }
