"""The client page: header with the actions, counselling window, the case panel, the paginated
timeline of contacts and the form to log one; editing a contact (optimistic locking, history)
and following up a referral."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import jobcenter
from clients.consultation_history import contact_history
from clients.forms.consultation import (
    ConsultationCreateForm,
    ConsultationEditForm,
    ConsultationWithdrawForm,
    ReferralStatusForm,
)
from clients.models import Client, Consultation, ConsultationParticipant, Referral
from clients.services import (
    log_consultation,
    update_consultation,
    update_referral_status,
    withdraw_consultation,
)
from clients.timeline import PAGE_PARAMETER, page_of_contact, timeline_page
from clients.views.common import (
    get_client_or_404,
    get_consultation_or_404,
    get_writable_client_or_404,
)
from clients.window import WindowStatus
from imcase.dates import german_date
from imcase.organisation.access import scope_for
from imcase.web.actions import Done, run_button_action, run_form_action

BAR_CLASSES = {
    WindowStatus.ENDS_SOON: "bg-warning",
    WindowStatus.ENDED: "bg-danger",
    WindowStatus.EXTENDED: "bg-info",
}


@login_required
def client_detail(request, code):
    client = get_client_or_404(request.user, code)
    return _render_detail(request, client)


@login_required
def consultation_create(request, code):
    client = get_writable_client_or_404(request.user, code)
    if request.method != "POST":
        return redirect(reverse("clients:detail", args=[client.code]) + "#kontakt-erfassen")
    form = ConsultationCreateForm(
        request.POST, client=client, members=_household(request.user, client)
    )

    def action(data: dict) -> Done:
        consultation = log_consultation(request.user, form.to_input(data["participants"]))
        return Done(
            f"Der Kontakt vom {german_date(consultation.date)} wurde gespeichert.",
            _contact_url(request.user, client, consultation),
        )

    if response := run_form_action(request, form, action):
        return response
    return _render_detail(request, client, form=form)


@login_required
def consultation_edit(request, code):
    """The contact page: edit it (participants, referrals too), withdraw it, its history. A
    withdrawn contact is shown with its withdrawal and history, no longer editable."""
    if not scope_for(request.user).is_case_worker:
        raise Http404
    consultation = get_consultation_or_404(request.user, code, withdrawn=True)
    participants = _participants(consultation)
    back_to = _back_client(request, participants)
    form = None
    if not consultation.is_withdrawn:
        members = _candidates(request.user, participants)
        if request.method == "POST":
            form = ConsultationEditForm(request.POST, consultation=consultation, members=members)

            def action(data: dict) -> Done:
                saved = update_consultation(
                    request.user,
                    consultation,
                    form.to_input(data["participants"]),
                    expected_version=data["version"],
                )
                return Done(
                    "Die Änderungen am Kontakt wurden gespeichert.",
                    _back_url(request.user, _still_participating(back_to, saved), saved),
                )

            if response := run_form_action(request, form, action):
                return response
        else:
            visible = {m.pk for m in members}
            form = ConsultationEditForm(
                initial=ConsultationEditForm.initial_for(
                    consultation, [p.client for p in participants if p.client_id in visible]
                ),
                consultation=consultation,
                members=members,
            )
    withdraw_form = None
    if not consultation.is_withdrawn:
        withdraw_form = ConsultationWithdrawForm(initial={"version": consultation.version})
    return _render_contact(request, consultation, participants, back_to, form, withdraw_form)


@login_required
@require_POST
def consultation_withdraw(request, code):
    if not scope_for(request.user).is_case_worker:
        raise Http404
    consultation = get_consultation_or_404(request.user, code, withdrawn=True)
    participants = _participants(consultation)
    back_to = _back_client(request, participants)
    form = ConsultationWithdrawForm(request.POST)

    def action(data: dict) -> Done:
        withdrawn = withdraw_consultation(
            request.user, consultation, data["reason"], expected_version=data["version"]
        )
        return Done(
            f"Der Kontakt vom {german_date(withdrawn.date)} wurde storniert. Er bleibt im "
            "Verlauf sichtbar und zählt in keiner Auswertung mehr.",
            _back_url(request.user, back_to, withdrawn),
        )

    if response := run_form_action(request, form, action):
        return response
    edit_form = None
    if not consultation.is_withdrawn:
        members = _candidates(request.user, participants)
        visible = {m.pk for m in members}
        edit_form = ConsultationEditForm(
            initial=ConsultationEditForm.initial_for(
                consultation, [p.client for p in participants if p.client_id in visible]
            ),
            consultation=consultation,
            members=members,
        )
    return _render_contact(request, consultation, participants, back_to, edit_form, form)


def _render_contact(
    request, consultation, participants, back_to, form, withdraw_form
) -> HttpResponse:
    return render(
        request,
        "clients/consultation_edit.html",
        {
            "consultation": consultation,
            "participants": participants,
            "referrals": Referral.all_objects.filter(consultation=consultation)
            .select_related("service")
            .order_by("pk"),
            "back_to": back_to,
            "form": form,
            "withdraw_form": withdraw_form,
            "withdraw_open": withdraw_form is not None and withdraw_form.is_bound,
            "history": contact_history(request.user, consultation),
        },
    )


def _participants(consultation: Consultation) -> list[ConsultationParticipant]:
    return list(
        ConsultationParticipant.all_objects.filter(consultation=consultation)
        .select_related("client")
        .order_by("client__last_name", "client__first_name")
    )


def _candidates(user, participants: list[ConsultationParticipant]):
    """Who may take part: the visible participants and their visible household members."""
    households = {p.client.household_id for p in participants} - {None}
    return (
        Client.objects.visible_to(user)
        .filter(Q(pk__in=[p.client_id for p in participants]) | Q(household_id__in=households))
        .order_by("last_name", "first_name")
    )


def _still_participating(back_to: Client | None, consultation: Consultation) -> Client | None:
    """After an edit: back to the client page only if that client still takes part."""
    if back_to is None:
        return None
    if consultation.participants.filter(client=back_to).exists():
        return back_to
    return None


@login_required
@require_POST
def referral_status(request, pk):
    if not scope_for(request.user).is_case_worker:
        raise Http404
    referral = get_object_or_404(Referral.objects.select_related("consultation"), pk=pk)
    consultation = get_consultation_or_404(request.user, referral.consultation.code)
    participants = consultation.participants.select_related("client")
    back_url = _back_url(request.user, _back_client(request, list(participants)), consultation)

    def action(data: dict) -> Done:
        update_referral_status(request.user, referral, data["status"], timezone.localdate())
        return Done(f"Der Stand der Vermittlung an {referral.service} wurde gespeichert.", back_url)

    return run_button_action(
        request,
        ReferralStatusForm(request.POST),
        action,
        back_url,
        invalid_message="Bitte wählen Sie einen gültigen Stand der Vermittlung.",
    )


# --- helpers ----------------------------------------------------------------------------


def _back_url(user, back_to: Client | None, consultation: Consultation) -> str:
    """Back to the contact on the client page it was opened from, else to the contact itself."""
    if back_to is None:
        return reverse("clients:consultation_edit", kwargs={"code": consultation.code})
    return _contact_url(user, back_to, consultation)


def _render_detail(request, client: Client, form=None) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    members = _household(user, client)
    can_log = scope_for(user).is_case_worker
    if form is None and can_log:
        form = ConsultationCreateForm(client=client, members=members)
    timeline = timeline_page(user, client, request.GET.get(PAGE_PARAMETER))
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "today": today,
            "user": user,
            "other_members": [m for m in members if m.pk != client.pk],
            "window": _window_info(client, today),
            "consultations": timeline.object_list,
            "timeline": timeline,
            "form": form,
            # "?erfassen" opens the form without a script (the header's "Kontakt erfassen").
            "form_open": form is not None and (form.is_bound or "erfassen" in request.GET),
            "referral_statuses": Referral.Status.choices,
            "can_log": can_log,
            **jobcenter.page_context(
                user, client, today, request.GET.getlist("einwilligung_kategorie")
            ),
        },
    )


def _household(user, client: Client):
    """The household members the user may see, the client included (for the participants)."""
    visible = Client.objects.visible_to(user).order_by("last_name", "first_name")
    if client.household_id is None:
        return visible.filter(pk=client.pk)
    return visible.filter(household_id=client.household_id)


def _window_info(client: Client, today: dt.date) -> dict | None:
    window = client.window
    if window is None:
        return None
    status = client.window_status(today)  # None for a closed case: no "Ausleitung fällig"
    percent = round(window.elapsed_share(today) * 100)
    return {
        "start": window.start,
        "end": window.end,
        "days_left": max(window.days_left(today), 0),
        "status": client.window_label(today),
        "percent": percent,
        # Steps of 5 % as CSS classes: the CSP forbids inline style attributes.
        "bar_class": f"window-share-{5 * round(percent / 5)} {BAR_CLASSES.get(status, '')}".strip(),
    }


def _contact_url(user, client: Client, consultation: Consultation) -> str:
    """The contact on its client's page, on the timeline page that shows it."""
    url = reverse("clients:detail", args=[client.code])
    page = page_of_contact(user, client, consultation)
    if page > 1:
        url += f"?{PAGE_PARAMETER}={page}"
    return url + f"#kontakt-{consultation.code}"


def _back_client(request, participants: list[ConsultationParticipant]) -> Client | None:
    """The client page to return to: the one named in ``klient`` if it took part, else the
    first participant the user may see."""
    wanted = request.POST.get("klient") or request.GET.get("klient")
    clients = [p.client for p in participants]
    for client in clients:
        if str(client.code) == wanted:
            return client
    visible = set(
        Client.objects.visible_to(request.user)
        .filter(pk__in=[c.pk for c in clients])
        .values_list("pk", flat=True)
    )
    return next((c for c in clients if c.pk in visible), None)
