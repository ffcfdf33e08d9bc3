"""The household page of a person: members with their roles, set a role, add an existing
member (or open the new-person form for a new one), remove a member."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from clients.forms.assignment import AddMemberForm
from clients.households import (
    add_household_member,
    is_minor,
    remove_household_member,
    set_household_roles,
)
from clients.models import Client
from clients.views.common import get_writable_client_or_404
from imcase.errors import ServiceError
from imcase.web.actions import add_refusal


def household_members(user, client: Client) -> list[Client]:
    """The members the user may see, the client included."""
    visible = Client.objects.visible_to(user).order_by("last_name", "first_name", "pk")
    if client.household_id is None:
        return list(visible.filter(pk=client.pk))
    return list(visible.filter(household_id=client.household_id))


@login_required
def household(request, code):
    client = get_writable_client_or_404(request.user, code)
    url = reverse("clients:household", kwargs={"code": client.code})
    members = household_members(request.user, client)
    add_form = _add_form(client)
    role_error = ""
    if request.method == "POST":
        try:
            if "rollen" in request.POST:
                done = _save_roles(request, members)
            elif "entfernen" in request.POST:
                done = _remove(request, client, members)
            else:
                add_form = _add_form(client, request.POST)
                done = _add(request, client, add_form)
        except ServiceError as error:
            if "rollen" in request.POST or "entfernen" in request.POST:
                role_error = " ".join(error.messages)
            else:
                add_refusal(add_form, error)
            done = None
        if done:
            messages.success(request, done)
            if "entfernen" in request.POST and request.POST["entfernen"] == str(client.code):
                return redirect(reverse("clients:detail", kwargs={"code": client.code}))
            return redirect(url)
    today = timezone.localdate()
    for member in members:
        member.is_minor = is_minor(member.birth_date, today)
    new_member_url = None
    if client.household_id:
        new_member_url = (
            reverse("clients:create")
            + "?"
            + urlencode({"haushalt": client.household.key, "gemeinde": client.municipality_id})
        )
    return render(
        request,
        "clients/household.html",
        {
            "client": client,
            "members": members,
            "roles": Client.HouseholdRole.choices,
            "add_form": add_form,
            "role_error": role_error,
            "new_member_url": new_member_url,
        },
    )


def _add_form(client: Client, data=None) -> AddMemberForm:
    form = AddMemberForm(data, prefix="neu")
    if client.household_id:
        form.fields.pop("new_key")
    else:
        form.fields["new_key"].required = True
        form.fields["new_key"].help_text = (
            f"{client.full_name} lebt bisher allein: ein neuer Schlüssel für den gemeinsamen "
            "Haushalt."
        )
    return form


def _save_roles(request, members: list[Client]) -> str | None:
    changes = []
    for member in members:
        role = request.POST.get(f"rolle-{member.code}")
        version = request.POST.get(f"version-{member.code}")
        # Only changed roles: an unchanged member edited meanwhile is no conflict.
        if role is None or role == member.household_role or not (version or "").isdigit():
            continue
        changes.append((member, role, int(version)))
    changed = set_household_roles(request.user, changes)
    if not changed:
        return "Die Rollen sind unverändert."
    return "Die Rollen im Haushalt wurden gespeichert."


def _remove(request, client: Client, members: list[Client]) -> str:
    code = request.POST["entfernen"]
    member = next((m for m in members if str(m.code) == code), None)
    if member is None or client.household_id is None:
        raise ServiceError("Diese Person gehört nicht zu diesem Haushalt.")
    version = request.POST.get(f"version-{member.code}", "")
    remove_household_member(request.user, member, int(version) if version.isdigit() else None)
    return f"{member.full_name} gehört nicht mehr zum Haushalt."


def _add(request, client: Client, form: AddMemberForm) -> str | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    member = (
        Client.objects.visible_to(request.user)
        .filter(landkreis_id=client.landkreis_id, aktenzeichen=data["aktenzeichen"].strip())
        .first()
    )
    if member is None:
        form.add_error(
            "aktenzeichen",
            "In Ihrem Zuständigkeitsbereich gibt es keine Person mit diesem Aktenzeichen.",
        )
        return None
    member = add_household_member(
        request.user, client, member, data["role"] or None, new_key=data.get("new_key", "")
    )
    return f"{member.full_name} gehört jetzt zum Haushalt ({member.get_household_role_display()})."
