import time

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: the browser features we never use, and
    no caching of anything a signed-in user receives."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Every page and download of a signed-in user may carry personal data: neither the
        # browser's disk cache nor a shared proxy may keep a copy. Static files never get here
        # (whitenoise answers them earlier) and stay cacheable.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class AdminSiteGateMiddleware:
    """The Django admin (``/verwaltung/``) answers 404 to signed-in users who may not use it,
    exactly like a page that does not exist; only anonymous visitors see its login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is not None
            and admin.site.name in match.namespaces
            and request.user.is_authenticated
            and not admin.site.has_permission(request)
        ):
            raise Http404
        return None


class SessionRefreshMiddleware:
    """The idle timeout without a database write on every request.

    A session expires ``SESSION_COOKIE_AGE`` (the idle minutes) after it was last saved.
    Saving it on every request (``SESSION_SAVE_EVERY_REQUEST``) costs an UPDATE and a commit
    per page; here it is saved when something in it changed, or when its last refresh lies
    more than ``SESSION_REFRESH_SECONDS`` back, so the idle timeout runs from the last
    activity give or take that minute. Sits right after Django's ``SessionMiddleware``.
    """

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def on_login(cls, sender, request, user, **kwargs) -> None:
        """``user_logged_in``: the login saves the session, so its expiry is fresh."""
        session = getattr(request, "session", None)
        if session is not None:
            session[cls.KEY] = int(time.time())

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks it modified: saved with a new expiry
        return response
