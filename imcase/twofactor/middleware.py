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

from imcase.twofactor.services import has_second_factor, is_required_for


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        if request.path.startswith(settings.STATIC_URL) or request.path == reverse("logout"):
            return self.get_response(request)
        if has_second_factor(user):
            target = reverse("twofactor:verify")
        elif is_required_for(user):
            target = reverse("twofactor:setup")
        else:
            return self.get_response(request)
        if request.path == target:
            return self.get_response(request)
        if request.method == "GET" and request.path != reverse("home"):
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
