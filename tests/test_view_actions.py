"""The one view helper for "valid form → service → German message, or the refusal back on the
form" (``imcase.web.actions``), without a page around it."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from imcase.errors import ServiceError, StaleVersionError
from imcase.web.actions import Done, run_button_action, run_form_action


class AmountForm(forms.Form):
    amount = forms.IntegerField()
    version = forms.IntegerField(widget=forms.HiddenInput)


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _texts(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_success_redirects_with_the_message():
    request = _request()
    form = AmountForm({"amount": "5", "version": "1"})

    response = run_form_action(request, form, lambda data: Done("Gespeichert.", "/weiter/"))

    assert (response.status_code, response.url) == (302, "/weiter/")
    assert _texts(request) == ["Gespeichert."]


def test_invalid_input_never_reaches_the_service():
    calls = []
    form = AmountForm({"amount": "fünf", "version": "1"})

    response = run_form_action(_request(), form, lambda data: calls.append(data))

    assert response is None
    assert calls == []
    assert form.data["amount"] == "fünf"


def test_a_refusal_goes_above_the_form_and_keeps_the_input():
    def refuse(data):
        raise StaleVersionError()

    form = AmountForm({"amount": "5", "version": "1"})
    assert run_form_action(_request(), form, refuse) is None
    assert form.non_field_errors()[0].startswith("Dieser Datensatz wurde inzwischen")
    assert form.cleaned_data["amount"] == 5


def test_a_refusal_about_a_field_of_the_form_stands_next_to_that_field():
    def refuse(data):
        raise ServiceError({"amount": "Zu hoch.", "landkreis": "Nicht Ihr Kreis."})

    form = AmountForm({"amount": "5", "version": "1"})
    run_form_action(_request(), form, refuse)
    assert form.errors["amount"] == ["Zu hoch."]
    assert form.non_field_errors() == ["Nicht Ihr Kreis."]


def test_a_refused_button_goes_back_with_the_message():
    def refuse(data):
        raise ServiceError("Die Liste wurde bereits zurückgemeldet.")

    request = _request()
    response = run_button_action(request, AmountForm({"amount": "5", "version": "1"}), refuse, "/")
    assert (response.status_code, response.url) == (302, "/")
    assert _texts(request) == ["Die Liste wurde bereits zurückgemeldet."]


def test_a_button_with_incomplete_input_says_so():
    request = _request()
    run_button_action(
        request, AmountForm({}), lambda data: Done("x", "/"), "/", invalid_message="Unvollständig."
    )
    assert _texts(request) == ["Unvollständig."]
