"""The one way a view runs a write: a valid form → one service call → a German success message
and a redirect; or the refusal back on the form, so the page shows it with what the user typed.

    def action(data: dict) -> Done:
        plan = services.update_dates(request.user, plan, data["agreed_on"], ...)
        return Done("Die Daten des Plans wurden gespeichert.", plan_url(plan))

    response = run_form_action(request, form, action)
    if response is not None:
        return response
    return render(request, "…", {"form": form}, status=400)

Forms that are only a button (a hidden version) live on a page they do not render themselves:
``run_button_action`` shows the result or the refusal as a message and always redirects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

FALLBACK_REFUSAL = "Die Aktion konnte nicht ausgeführt werden."


@dataclass(frozen=True)
class Done:
    """What a successful action tells the user, and where the browser goes next."""

    message: str
    url: str


def add_refusal(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: a message about one of the form's fields next to
    that field, every other message above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    known: dict[str, list[ValidationError]] = {}
    other: list[ValidationError] = []
    for name, errors in error.error_dict.items():
        if name in form.fields:
            known[name] = errors
        else:
            other.extend(errors)
    if known:
        form.add_error(None, ValidationError(known))
    if other:
        form.add_error(None, other)


def run_form_action(
    request: HttpRequest, form: forms.Form, action: Callable[[dict], Done]
) -> HttpResponse | None:
    """Validate ``form`` and run ``action`` with its cleaned data: the success message and the
    redirect; or None when the input was invalid or the service refused (the refusal is then
    on the form, and the caller renders the form again)."""
    if not form.is_valid():
        return None
    try:
        done = action(form.cleaned_data)
    except ValidationError as error:
        add_refusal(form, error)
        return None
    messages.success(request, done.message)
    return redirect(done.url)


def run_button_action(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict], Done],
    back_to: str,
    *,
    invalid_message: str | None = None,
) -> HttpResponse:
    """For a form without visible input: run it like ``run_form_action``; a refusal (or, with
    ``invalid_message``, incomplete input) becomes an error message and the browser goes back
    to ``back_to``."""
    if invalid_message and not form.is_valid():
        messages.error(request, invalid_message)
        return redirect(back_to)
    response = run_form_action(request, form, action)
    if response is not None:
        return response
    errors = [error for errors in form.errors.values() for error in errors]
    messages.error(request, " ".join(errors) or FALLBACK_REFUSAL)
    return redirect(back_to)
