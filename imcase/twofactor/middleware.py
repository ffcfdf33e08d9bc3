"""Keeps a signed-in user who still owes his second factor on the 2FA pages.

After the password, a user with a confirmed device must enter a code first; a user whose role
requires two factors (``REQUIRE_2FA``) but who has no device must set one up first. Until then
every other page (the administration too) redirects; logging out always works. Must come after
django-otp's ``OTPMiddleware``, which tells whether the session is verified.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from imcase.organisation.access import scope_for
from imcase.twofactor.services import has_second_factor, is_required_for

# Set at login for a user who may work with the password alone (no device, not required), with
# his role then: later requests skip the device queries while the role stays the same.
SINGLE_FACTOR_ROLE = "twofactor_single_factor_role"


def remember_single_factor(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: note in the session that no second factor is owed."""
    if request is None or not hasattr(request, "session"):
        return
    if not has_second_factor(user) and not is_required_for(user):
        request.session[SINGLE_FACTOR_ROLE] = scope_for(user).role or ""


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        if request.path.startswith(settings.STATIC_URL) or request.path == reverse("logout"):
            return self.get_response(request)
        if request.session.get(SINGLE_FACTOR_ROLE) == (scope_for(user).role or ""):
            return self.get_response(request)
        if has_second_factor(user):
            target = reverse("twofactor:verify")
        elif is_required_for(user):
            target = reverse("twofactor:setup")
        else:
            request.session[SINGLE_FACTOR_ROLE] = scope_for(user).role or ""
            return self.get_response(request)
        if request.path == target:
            return self.get_response(request)
        if request.method == "GET" and request.path != reverse("home"):
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
