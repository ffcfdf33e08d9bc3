"""Steps 3–4: a municipality's list — the municipality strikes persons and adds children, then
returns it; the office reads it and can reopen it. Names are shown to these two only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from funding import services
from funding.forms.common import VersionForm
from funding.forms.lists import ChildForm, ListSearchForm, StrikeForm
from funding.models import ListEntry, PersonList
from funding.views.common import base_url, get_list_or_404
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.organisation.access import role_required, scope_for
from imcase.organisation.models import Role
from imcase.web.actions import Done, run_button_action, run_form_action

PAGE_SIZE = 50
# What the list page keeps when an action on one person returns to it: the search and the page.
KEPT_PARAMETERS = ("suche", "seite")


def _kept(request) -> str:
    """``?suche=…&seite=…`` of the request (empty without them)."""
    kept = {key: request.GET[key] for key in KEPT_PARAMETERS if request.GET.get(key)}
    return f"?{urlencode(kept)}" if kept else ""


def _list_url(code, request=None) -> str:
    """The list page; with ``request``, at the search and page the user came from."""
    url = reverse("funding:list", kwargs={"code": code})
    return url + _kept(request) if request is not None else url


def _list_context(request, person_list: PersonList, child_form=None) -> dict:
    """One page of the list (``PAGE_SIZE`` persons, searchable by name or Aktenzeichen) and the
    list's totals, in a fixed number of queries however long the list."""
    search = ListSearchForm(request.GET)
    entries = search.filter(person_list.entries.select_related("parent"))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("seite"))
    totals = person_list.entries.aggregate(
        counted=Count("pk", filter=Q(struck=False)),
        struck_count=Count("pk", filter=Q(struck=True)),
        children=Count("pk", filter=Q(struck=False, kind=ListEntry.Kind.CHILD)),
    )
    totals["struck"] = totals.pop("struck_count")
    may_edit = scope_for(request.user).role == Role.MUNICIPALITY and person_list.is_editable
    if child_form is None and may_edit:
        child_form = ChildForm(
            person_list=person_list,
            offered=page.object_list,
            initial={"version": person_list.version},
        )
    return {
        "list": person_list,
        "year": person_list.funding_year,
        "search": search,
        "searching": bool(search.is_valid() and search.cleaned_data["suche"].strip()),
        "page": page,
        "entries": page.object_list,
        "kept": _kept(request),
        "may_add_child": totals["counted"] > totals["children"],
        **totals,
        "may_edit": may_edit,
        "is_office": scope_for(request.user).role == Role.OFFICE,
        "child_form": child_form,
        "late": person_list.is_late(timezone.localdate()),
    }


@login_required
@role_required(Role.OFFICE, Role.MUNICIPALITY)
def list_detail(request, code):
    person_list = get_list_or_404(request.user, code)
    record(request.user, AuditEntry.Action.VIEW, person_list, label=str(person_list))
    return render(request, "funding/list_detail.html", _list_context(request, person_list))


def _entry_or_404(person_list: PersonList, pk: int) -> ListEntry:
    entry = person_list.entries.filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


@login_required
@role_required(Role.MUNICIPALITY)
def strike(request, code, pk):
    person_list = get_list_or_404(request.user, code)
    entry = _entry_or_404(person_list, pk)
    if request.method == "POST":
        form = StrikeForm(request.POST)

        def action(data: dict) -> Done:
            services.strike_entry(
                request.user, person_list, pk, data["reason"], data["note"], data["version"]
            )
            return Done(
                f"{entry.first_name} {entry.last_name} wurde gestrichen.",
                _list_url(code, request),
            )

        if response := run_form_action(request, form, action):
            return response
    else:
        form = StrikeForm(initial={"version": person_list.version})
    context = {"list": person_list, "entry": entry, "form": form, "back": _list_url(code, request)}
    return render(request, "funding/strike_form.html", context, status=400 if form.errors else 200)


@login_required
@role_required(Role.MUNICIPALITY)
@require_POST
def unstrike(request, code, pk):
    person_list = get_list_or_404(request.user, code)
    entry = _entry_or_404(person_list, pk)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        services.unstrike_entry(request.user, person_list, pk, data["version"])
        return Done(
            f"Die Streichung von {entry.first_name} {entry.last_name} wurde zurückgenommen.",
            _list_url(code, request),
        )

    return run_button_action(request, form, action, _list_url(code, request))


@login_required
@role_required(Role.MUNICIPALITY)
@require_POST
def child_add(request, code):
    person_list = get_list_or_404(request.user, code)
    form = ChildForm(request.POST, person_list=person_list)

    def action(data: dict) -> Done:
        child = services.add_child(
            request.user,
            person_list,
            data["parent"],
            data["last_name"],
            data["first_name"],
            data["birth_date"],
            data["version"],
        )
        return Done(
            f"{child.first_name} {child.last_name} wurde als nachgeborenes Kind ergänzt.",
            _list_url(code, request),
        )

    if response := run_form_action(request, form, action):
        return response
    context = _list_context(request, person_list, child_form=form)
    return render(request, "funding/list_detail.html", context, status=400)


@login_required
@role_required(Role.MUNICIPALITY)
@require_POST
def child_remove(request, code, pk):
    person_list = get_list_or_404(request.user, code)
    entry = _entry_or_404(person_list, pk)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        services.remove_child(request.user, person_list, pk, data["version"])
        return Done(
            f"{entry.first_name} {entry.last_name} wurde von der Liste entfernt.",
            _list_url(code, request),
        )

    return run_button_action(request, form, action, _list_url(code, request))


@login_required
@role_required(Role.MUNICIPALITY)
@require_POST
def submit(request, code):
    person_list = get_list_or_404(request.user, code)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        services.submit_list(request.user, person_list, data["version"])
        return Done(
            "Die Liste wurde an die Koordinierungsstelle zurückgemeldet. Vielen Dank.",
            _list_url(code),
        )

    return run_button_action(request, form, action, _list_url(code))


@login_required
@role_required(Role.OFFICE)
@require_POST
def reopen(request, code):
    person_list = get_list_or_404(request.user, code)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        services.reopen_list(request.user, person_list, data["version"], base_url(request))
        return Done(
            f"Die Liste von {person_list.municipality.name} ist wieder zur Korrektur geöffnet; "
            "die Gemeinde wurde per E-Mail benachrichtigt.",
            _list_url(code),
        )

    return run_button_action(request, form, action, _list_url(code))
