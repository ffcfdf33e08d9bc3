"""The client list with search and filters, and the caseload of things due."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from clients.assignments import assignable_staff, can_assign
from clients.caseload import caseload_sections
from clients.search import filter_clients, with_window_states
from imcase.organisation.access import role_required
from imcase.organisation.models import Role
from imcase.web.paging import counted_page

PAGE_SIZE = 50


@login_required
@role_required(Role.MANAGER, Role.TEAM_LEAD)
def client_list(request):
    today = timezone.localdate()
    clients, form = filter_clients(request.user, request.GET, today)
    page = counted_page(listed(clients), request.GET.get("seite"), PAGE_SIZE)
    page.object_list = with_window_states(page.object_list, today)
    assigning = can_assign(request.user)
    return render(
        request,
        "clients/list.html",
        {
            "page": page,
            "form": form,
            "found": found_label(page.paginator.count, form),
            "can_assign": assigning,
            "staff": assignable_staff(request.user) if assigning else [],
        },
    )


# What the list's table shows and the page's checks read (``clients/_table.html``,
# ``Client.window_status``): only these columns are read.
LISTED_FIELDS = (
    "code",
    "version",
    "status",
    "last_name",
    "first_name",
    "aktenzeichen",
    "birth_date",
    "assignment_date",
    "window_start",
    "window_end",
    "window_extended",
    "municipality__name",
    "manager__first_name",
    "manager__last_name",
    "manager__username",
)


def listed(clients):
    """The list's rows with only the columns it shows (the filter's queryset selects the
    municipality and the manager)."""
    return clients.only(*LISTED_FIELDS)


def found_label(count: int, form) -> str:
    """ "1 offener Fall gefunden.", "12 Personen gefunden." (with the case status filter)."""
    status = (form.cleaned_data.get("fallstatus") if form.is_valid() else "") or "open"
    if status == "open":
        text = ngettext("%(n)s offener Fall gefunden.", "%(n)s offene Fälle gefunden.", count)
    elif status == "closed":
        text = ngettext(
            "%(n)s abgeschlossener Fall gefunden.", "%(n)s abgeschlossene Fälle gefunden.", count
        )
    else:
        text = ngettext("%(n)s Person gefunden.", "%(n)s Personen gefunden.", count)
    return text % {"n": count}


@login_required
@role_required(Role.MANAGER, Role.TEAM_LEAD)
def caseload(request):
    today = timezone.localdate()
    sections = caseload_sections(request.user, today)
    return render(request, "clients/caseload.html", {"sections": sections})
