"""Home page per role and the administrators' view of the audit log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from clients.models import Client, WindowExtension
from imcase.audit.models import AuditEntry
from imcase.organisation.access import role_required, scope_for
from imcase.organisation.models import (
    Landkreis,
    Municipality,
    ProviderArea,
    Role,
    StaffMember,
    Team,
)


@login_required
def home(request):
    scope = scope_for(request.user)
    builder = HOME_PAGES.get(scope.role, _home_without_role)
    template, context = builder(request, scope)
    return render(request, template, context)


def _home_manager(request, scope):
    clients = Client.objects.visible_to(request.user)
    mine = clients.filter(manager=request.user).select_related("municipality")
    return "home/manager.html", {
        "my_clients": mine[:25],
        "my_count": mine.count(),
        "visible_count": clients.count(),
        "municipalities": Municipality.objects.visible_to(request.user),
    }


def _home_team_lead(request, scope):
    team = Team.objects.select_related("provider").get(pk=scope.team_id)
    clients = Client.objects.visible_to(request.user)
    members = (
        StaffMember.objects.filter(team=team, user__isnull=False)
        .select_related("user")
        .annotate(caseload=Count("user__caseload", filter=Q(user__caseload__in=clients)))
        .order_by("user__last_name")
    )
    return "home/team_lead.html", {
        "team": team,
        "members": members,
        "client_count": clients.count(),
        "municipalities": Municipality.objects.visible_to(request.user),
        "pending_extensions": WindowExtension.objects.filter(
            decision=WindowExtension.Decision.PENDING, client__in=clients
        )
        .select_related("client", "requested_by")
        .order_by("requested_at"),
    }


def _home_office(request, scope):
    today = timezone.localdate()
    landkreis = Landkreis.objects.get(pk=scope.landkreis_id)
    active_areas = ProviderArea.objects.active_on(today).select_related("provider")
    provider_by_municipality = {a.municipality_id: a.provider for a in active_areas}
    municipalities = (
        Municipality.objects.visible_to(request.user)
        .annotate(client_count=Count("clients"))
        .order_by("name")
    )
    rows = [(m, provider_by_municipality.get(m.pk), m.client_count) for m in municipalities]
    return "home/office.html", {
        "landkreis": landkreis,
        "rows": rows,
        "total_clients": sum(count for _, _, count in rows),
        "staff_vza": StaffMember.objects.filter(
            landkreis=landkreis, role__in=[Role.MANAGER, Role.TEAM_LEAD]
        ).aggregate(persons=Count("pk"), vza=Sum("vza")),
    }


def _home_municipality(request, scope):
    municipality = Municipality.objects.visible_to(request.user).get()
    return "home/municipality.html", {
        "municipality": municipality,
        "provider": municipality.provider_on(timezone.localdate()),
    }


def _home_rp(request, scope):
    kreise = Landkreis.objects.filter(scope.landkreis_q()).order_by("name")
    return "home/rp.html", {"kreise": kreise}


def _home_admin(request, scope):
    return "home/admin.html", {"recent": AuditEntry.objects.all()[:10]}


def _home_without_role(request, scope):
    return "home/no_role.html", {}


HOME_PAGES = {
    Role.MANAGER: _home_manager,
    Role.TEAM_LEAD: _home_team_lead,
    Role.OFFICE: _home_office,
    Role.MUNICIPALITY: _home_municipality,
    Role.RP: _home_rp,
    Role.ADMIN: _home_admin,
}


@login_required
@role_required(Role.ADMIN)
def audit_log(request):
    entries = AuditEntry.objects.all()
    query = request.GET.get("objekt", "").strip()
    if query:
        entries = entries.filter(Q(object_id=query) | Q(object_label__iexact=query))
    page = Paginator(entries, 50).get_page(request.GET.get("seite"))
    return render(request, "audit/log.html", {"page": page, "query": query})
