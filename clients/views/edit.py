"""Creating and editing a person (with the duplicate warning and the change history),
recording or revoking consents and making the Übermittlungsbogen for the Jobcenter on a
consent. Only case workers (managers, team leads) get here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.assignments import record_initial_manager
from clients.duplicates import possible_duplicates
from clients.forms.client import EXISTING_HOUSEHOLD, ClientForm, ConsentForm, RevokeForm
from clients.jobcenter import sheet_filename
from clients.models import Client, ConsentCategory
from clients.services import (
    give_consent,
    hand_over_to_jobcenter,
    report_clashes,
    revoke_consent,
    save_client,
)
from clients.views.common import get_writable_client_or_404
from imcase.dates import german_date
from imcase.errors import ServiceError
from imcase.organisation.access import scope_for
from imcase.web.actions import Done, run_form_action

HISTORY_LIMIT = 50


def _save(request, form: ClientForm, window_before: tuple | None = None) -> HttpResponse | None:
    """Save through the service and go to the client page; None with the refusal on the form."""

    def action(data: dict) -> Done:
        client = form.instance
        creating = client.pk is None
        # The household is created with the client or not at all.
        with transaction.atomic():
            client.household = form.household()
            saved = save_client(request.user, client, expected_version=data.get("version"))
            if creating:
                record_initial_manager(request.user, saved)
        if creating:
            message = f"{saved.full_name} wurde angelegt."
        else:
            message = "Die Änderungen wurden gespeichert." + _window_note(saved, window_before)
        return Done(message, reverse("clients:detail", kwargs={"code": saved.code}))

    return run_form_action(request, form, action)


def _window_note(client: Client, before: tuple | None) -> str:
    """The window recomputed as of today, told when the edit changed it."""
    if before is None or before == (client.window_start, client.window_end):
        return ""
    today = timezone.localdate()
    if client.window is None:
        return " Es gibt jetzt keinen Beratungszeitraum mehr (keine Zuweisung, kein § 24)."
    return (
        f" Der Beratungszeitraum wurde neu berechnet: {german_date(client.window.start)} bis "
        f"{german_date(client.window.end)}, Stand heute: {client.window_status(today).label}."
    )


def _initial_from_query(request) -> dict:
    """ "Neues Mitglied" on the household page opens the form with the household filled in."""
    initial = {}
    if key := request.GET.get("haushalt", "").strip()[:40]:
        # The household has its Bezugsperson; a child is set to "Kind" on the form.
        initial.update(
            household_mode=EXISTING_HOUSEHOLD,
            household_key=key,
            household_role=Client.HouseholdRole.OTHER,
        )
    if (municipality := request.GET.get("gemeinde", "")).isdigit():
        initial["municipality"] = int(municipality)
    return initial


@login_required
def client_create(request):
    if not scope_for(request.user).is_case_worker:
        raise Http404
    duplicates: list[Client] = []
    if request.method == "POST":
        form = ClientForm(request.POST, user=request.user)
        valid = form.is_valid()
        # A clash with a record the user may not see: he was told nothing, the office is.
        report_clashes(request.user, form.clashes)
        data = form.cleaned_data
        if all(data.get(name) for name in ("last_name", "first_name", "birth_date")):
            duplicates = possible_duplicates(
                request.user, data["last_name"], data["first_name"], data["birth_date"]
            )
        if (
            valid
            and (not duplicates or data["confirm_duplicate"])
            and (response := _save(request, form))
        ):
            return response
        if not duplicates:
            form.hide_duplicate_override()
    else:
        form = ClientForm(user=request.user, initial=_initial_from_query(request))
        form.hide_duplicate_override()
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "duplicates": duplicates, "title": "Neue Person anlegen"},
    )


IDENTITY_FIELDS = ("last_name", "first_name", "birth_date")


@login_required
def client_edit(request, code):
    client = get_writable_client_or_404(request.user, code)
    title = f"{client.last_name}, {client.first_name} bearbeiten"
    duplicates: list[Client] = []
    window_before = (client.window_start, client.window_end)
    if request.method == "POST":
        form = ClientForm(request.POST, instance=client, user=request.user)
        valid = form.is_valid()
        data = form.cleaned_data
        # A changed name or birth date may now match another person: warn as on creation.
        if set(IDENTITY_FIELDS) & set(form.changed_data) and all(
            data.get(name) for name in IDENTITY_FIELDS
        ):
            duplicates = possible_duplicates(
                request.user,
                data["last_name"],
                data["first_name"],
                data["birth_date"],
                exclude_pk=client.pk,
            )
        if (
            valid
            and (not duplicates or data.get("confirm_duplicate"))
            and (response := _save(request, form, window_before))
        ):
            return response
        report_clashes(request.user, form.clashes, creating=False)
        if not duplicates:
            form.hide_duplicate_override()
    else:
        form = ClientForm(instance=client, user=request.user)
        form.hide_duplicate_override()
    return render(
        request,
        "clients/client_form.html",
        {
            "form": form,
            "client": client,
            "title": title,
            "duplicates": duplicates,
            "history": client_history(client),
        },
    )


def client_history(client: Client, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The latest changes, newest first: date, user and the German names of changed fields."""
    # One more than shown, so the oldest shown entry can be compared with its predecessor.
    records = list(
        client.history.select_related("history_user").order_by("-history_id")[: limit + 1]
    )
    entries = []
    for position, newer in enumerate(records[:limit]):
        older = records[position + 1] if position + 1 < len(records) else None
        if older is None or newer.history_type == "+":
            fields = ["angelegt"]
        else:
            fields = [
                str(Client._meta.get_field(change.field).verbose_name)
                for change in newer.diff_against(older).changes
            ]
        entries.append({"date": newer.history_date, "user": newer.history_user, "fields": fields})
    return entries


# --- consents ---------------------------------------------------------------------------


def _consents_url(client: Client, draft: dict | None = None) -> str:
    url = reverse("clients:detail", kwargs={"code": client.code})
    if draft:
        url += "?" + urlencode(draft, doseq=True)
    return url + "#einwilligungen"


@login_required
@require_POST
def consent_add(request, code):
    client = get_writable_client_or_404(request.user, code)
    form = ConsentForm(request.POST)

    def action(data: dict) -> Done:
        give_consent(
            request.user,
            client,
            data["kind"],
            data["given_on"],
            categories=data["categories"],
            note=data["note"],
        )
        return Done("Die Einwilligung wurde erfasst.", _consents_url(client))

    if response := run_form_action(request, form, action):
        return response
    # The consent form lives on the client page: back there with the error and what was typed.
    for error in _all_errors(form):
        messages.error(request, error)
    draft = {
        "einwilligung_art": request.POST.get("kind", ""),
        "einwilligung_datum": request.POST.get("given_on", ""),
        "einwilligung_kategorie": [
            value for value in request.POST.getlist("categories") if value in ConsentCategory.values
        ],
        "einwilligung_anmerkung": request.POST.get("note", "")[:300],
    }
    return redirect(_consents_url(client, draft))


@login_required
@require_POST
def jobcenter_sheet(request, code):
    """Make the Übermittlungsbogen for the Jobcenter (recorded and audited by the service);
    without a valid consent back to the client page with the German reason, no PDF."""
    client = get_writable_client_or_404(request.user, code)
    today = timezone.localdate()
    try:
        handover = hand_over_to_jobcenter(request.user, client, today)
    except ServiceError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(reverse("clients:detail", kwargs={"code": client.code}) + "#jobcenter")
    response = HttpResponse(handover.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sheet_filename(client, today)}"'
    return response


@login_required
@require_POST
def consent_revoke(request, code, pk):
    client = get_writable_client_or_404(request.user, code)
    consent = get_object_or_404(client.consents.all(), pk=pk)
    form = RevokeForm(request.POST)

    def action(data: dict) -> Done:
        revoke_consent(request.user, consent, data["revoked_on"])
        return Done("Der Widerruf der Einwilligung wurde erfasst.", _consents_url(client))

    if response := run_form_action(request, form, action):
        return response
    for error in _all_errors(form):
        messages.error(request, error)
    return redirect(_consents_url(client))


def _all_errors(form) -> list[str]:
    return [error for errors in form.errors.values() for error in errors]
