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
