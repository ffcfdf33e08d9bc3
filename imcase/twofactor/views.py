"""Pages of the second factor: verify after the password, enrol, backup codes, admin reset."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from imcase.organisation.access import role_required
from imcase.organisation.models import Role
from imcase.twofactor import services
from imcase.twofactor.forms import TokenForm
from imcase.twofactor.qr import qr_data_uri

WRONG_CODE = (
    "Der Code ist nicht gültig. Bitte geben Sie den aktuellen Code aus Ihrer App ein "
    "(und prüfen Sie, ob die Uhrzeit Ihres Telefons stimmt) oder einen unbenutzten Notfallcode."
)
THROTTLED = "Zu viele Fehlversuche. Bitte warten Sie einen Moment und versuchen Sie es dann erneut."


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("home")


@login_required
@never_cache
def overview(request):
    user = request.user
    return render(
        request,
        "twofactor/overview.html",
        {
            "has_device": services.has_second_factor(user),
            "required": services.is_required_for(user),
            "backup_codes_left": services.backup_codes_left(user),
        },
    )


@login_required
@never_cache
def setup(request):
    user = request.user
    if services.has_second_factor(user):
        return redirect("twofactor:overview")
    device = services.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", THROTTLED)
        elif device.verify_token(form.cleaned_data["token"]):
            codes = services.confirm_enrolment(user, device)
            django_otp.login(request, device)
            return _show_backup_codes(request, codes, first_time=True)
        else:
            form.add_error("token", WRONG_CODE)
    return render(
        request,
        "twofactor/setup.html",
        {
            "form": form,
            "qr": qr_data_uri(device.config_url),
            "secret": services.secret_text(device),
            "next": _next_url(request),
            "required": services.is_required_for(user),
        },
    )


@login_required
@never_cache
def verify(request):
    user = request.user
    if user.is_verified() or not services.has_second_factor(user):
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        device = services.device_for_token(user, token)
        allowed = device is not None and device.verify_is_allowed()[0]
        if device is not None and not allowed:
            form.add_error("token", THROTTLED)
        elif device is not None and django_otp.verify_token(user, device.persistent_id, token):
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    "Sie haben sich mit einem Notfallcode angemeldet. Noch "
                    f"{services.backup_codes_left(user)} Notfallcodes übrig; unter "
                    "„Zwei-Faktor-Anmeldung“ erzeugen Sie neue.",
                )
            return redirect(_next_url(request))
        else:
            form.add_error("token", WRONG_CODE)
    return render(request, "twofactor/verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_POST
@never_cache
def new_backup_codes(request):
    if not (services.has_second_factor(request.user) and request.user.is_verified()):
        return redirect("twofactor:overview")
    codes = services.regenerate_backup_codes(request.user)
    return _show_backup_codes(request, codes, first_time=False)


def _show_backup_codes(request, codes: list[str], *, first_time: bool):
    # Rendered straight into the response (never stored in the session): shown once.
    return render(
        request,
        "twofactor/backup_codes.html",
        {"codes": codes, "first_time": first_time, "next": _next_url(request)},
    )


@login_required
@role_required(Role.ADMIN)
@never_cache
def manage(request):
    users = (
        get_user_model()
        .objects.filter(totpdevice__confirmed=True)
        .annotate(
            backup_left=Count(
                "staticdevice__token_set", filter=Q(staticdevice__confirmed=True), distinct=True
            )
        )
        .select_related("staff")
        .order_by("username")
        .distinct()
    )
    return render(request, "twofactor/manage.html", {"users": users})


@login_required
@role_required(Role.ADMIN)
@require_POST
def reset(request, user_id: int):
    user = get_object_or_404(get_user_model(), pk=user_id)
    if services.reset(request.user, user):
        messages.success(
            request,
            f"Die Zwei-Faktor-Anmeldung von {user.get_full_name() or user.username} ist "
            "zurückgesetzt. Bei der nächsten Anmeldung richtet die Person sie neu ein.",
        )
    else:
        messages.info(request, "Für diesen Zugang war keine Zwei-Faktor-Anmeldung eingerichtet.")
    return redirect("twofactor:manage")
