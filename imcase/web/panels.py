"""The core's own panels on the home page (see ``imcase.web.home``): the heading of each page
and what the organisation alone can show. The case apps add theirs in their ``panels.py``."""

from __future__ import annotations

from django.utils import timezone

from imcase.audit.models import AuditEntry
from imcase.audit.search import shown
from imcase.organisation.models import Landkreis, Municipality, Role, Team
from imcase.web.home import home_panel

HEADING = "home/heading.html"
MUNICIPALITIES = "home/municipalities.html"


@home_panel(Role.MANAGER, order=0)
def manager_heading(request, scope):
    return HEADING, {"heading": "Meine Fälle"}


@home_panel(Role.MANAGER, order=90)
def manager_municipalities(request, scope):
    return MUNICIPALITIES, {
        "title": "Gemeinden meines Trägers",
        "municipalities": Municipality.objects.visible_to(request.user),
    }


@home_panel(Role.TEAM_LEAD, order=0)
def team_lead_heading(request, scope):
    return HEADING, {"heading": Team.objects.get(pk=scope.team_id).name}


@home_panel(Role.TEAM_LEAD, order=90)
def team_lead_municipalities(request, scope):
    return MUNICIPALITIES, {
        "title": "Gemeinden der Region",
        "municipalities": Municipality.objects.visible_to(request.user),
    }


@home_panel(Role.OFFICE, order=0)
def office_heading(request, scope):
    landkreis = Landkreis.objects.get(pk=scope.landkreis_id)
    return HEADING, {"heading": f"Koordinierungsstelle {landkreis.name}"}


@home_panel(Role.MUNICIPALITY, order=0)
def municipality(request, scope):
    municipality = Municipality.objects.visible_to(request.user).get()
    return "home/municipality.html", {
        "municipality": municipality,
        "provider": municipality.provider_on(timezone.localdate()),
    }


@home_panel(Role.RP, order=0)
def rp_kreise(request, scope):
    kreise = Landkreis.objects.filter(scope.landkreis_q()).order_by("name")
    return "home/rp.html", {"kreise": kreise}


@home_panel(Role.ADMIN, order=0)
def admin(request, scope):
    return "home/admin.html", {"recent": shown(AuditEntry.objects.all()[:10])}
