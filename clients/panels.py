"""The clients' panels on the home pages of managers, team leads and the office
(see ``imcase.web.home``)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from clients.models import Client, WindowExtension
from imcase.organisation.models import Municipality, ProviderArea, Role, StaffMember, Team
from imcase.web.home import home_panel
from imcase.web.paging import counted_page

# Every count on the home pages is of open cases (as the dashboard and the list by default);
# a closed case is counted only where a page says so.
OPEN = Q(status=Client.Status.OPEN)
# Pending extension requests the team lead's home lists (the oldest first).
EXTENSIONS_SHOWN = 10


@home_panel(Role.MANAGER, order=10)
def my_clients(request, scope):
    clients = Client.objects.visible_to(request.user).filter(OPEN)
    mine = clients.filter(manager=request.user).select_related("municipality")
    return "clients/panels/manager.html", {
        "my_clients": mine[:25],
        "my_count": mine.count(),
        "visible_count": clients.count(),
        "unassigned_count": clients.filter(manager=None, status=Client.Status.OPEN).count(),
    }


def open_cases_per_vza(members) -> None:
    """Set ``open_cases`` per VZÄ on each member (None without VZÄ), to balance the load."""
    for member in members:
        member.per_vza = (
            (Decimal(member.open_cases) / member.vza).quantize(Decimal("0.1"))
            if member.vza
            else None
        )


@home_panel(Role.TEAM_LEAD, order=10)
def team_caseload(request, scope):
    team = Team.objects.select_related("provider").get(pk=scope.team_id)
    clients = Client.objects.visible_to(request.user)
    # Both counts in one pass over the region's open cases (25,000 in a large Kreis).
    counts = clients.filter(OPEN).aggregate(
        open_count=Count("pk"), unassigned=Count("pk", filter=Q(manager=None))
    )
    # All open cases of each member (a count, no person data), so assignments balance load.
    members = list(
        StaffMember.objects.filter(team=team, user__isnull=False, user__is_active=True)
        .select_related("user")
        .annotate(
            open_cases=Count("user__caseload", filter=Q(user__caseload__status=Client.Status.OPEN))
        )
        .order_by("user__last_name", "user__first_name")
    )
    open_cases_per_vza(members)
    pending = (
        WindowExtension.objects.filter(
            decision=WindowExtension.Decision.PENDING, client__in=clients
        )
        .select_related("client", "requested_by")
        .order_by("requested_at", "pk")
    )
    # The oldest few with the number of all, in one statement; all of them are in "Fällig"
    # (a region can have hundreds open).
    oldest = counted_page(pending, 1, EXTENSIONS_SHOWN)
    return "clients/panels/team_lead.html", {
        "team": team,
        "members": members,
        "client_count": counts["open_count"],
        "unassigned_count": counts["unassigned"],
        "pending_extensions": oldest.object_list,
        "pending_count": oldest.paginator.count,
    }


@home_panel(Role.TEAM_LEAD, order=95)
def team_client_list_link(request, scope):
    return "clients/panels/team_lead_list_link.html", {}


def _clients_per_municipality(user):
    return Municipality.objects.visible_to(user).annotate(
        client_count=Count("clients", filter=Q(clients__status=Client.Status.OPEN))
    )


@home_panel(Role.OFFICE, order=10)
def office_figures(request, scope):
    """Only sums: the office sees how many persons, never who."""
    municipalities = _clients_per_municipality(request.user)
    return "clients/panels/office_figures.html", {
        "total_clients": sum(m.client_count for m in municipalities),
        "staff_vza": StaffMember.objects.filter(
            landkreis_id=scope.landkreis_id, role__in=[Role.MANAGER, Role.TEAM_LEAD]
        ).aggregate(persons=Count("pk"), vza=Sum("vza")),
    }


@home_panel(Role.OFFICE, order=40)
def office_municipalities(request, scope):
    active_areas = ProviderArea.objects.active_on(timezone.localdate()).select_related("provider")
    provider_by_municipality = {a.municipality_id: a.provider for a in active_areas}
    municipalities = _clients_per_municipality(request.user).order_by("name")
    rows = [(m, provider_by_municipality.get(m.pk), m.client_count) for m in municipalities]
    return "clients/panels/office_municipalities.html", {"rows": rows}


@home_panel(Role.VU, order=0)
def handover_start(request, scope):
    """The VU's social worker: where to hand a person over; no person is named here."""
    return "clients/panels/vu.html", {}
