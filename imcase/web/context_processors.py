from django.urls import reverse

from imcase.organisation.access import scope_for
from imcase.organisation.models import Role
from imcase.web.navigation import NAVIGATION


def navigation(request) -> dict:
    if not request.user.is_authenticated:
        return {}
    scope = scope_for(request.user)
    current = request.path
    items = []
    for label, name in NAVIGATION.get(scope.role, [("Start", "home")]):
        url = reverse(name)
        active = current == url if name == "home" else current.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return {
        "nav_items": items,
        "user_role": scope.role,
        "user_role_label": Role(scope.role).label if scope.role else "ohne Rolle",
    }
