"""Home page per role and the administrators' view of the audit log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from imcase.audit.models import AuditEntry
from imcase.organisation.access import role_required, scope_for
from imcase.organisation.models import Role
from imcase.web.home import render_panels


@login_required
def home(request):
    """The home page of the user's role: the panels the apps registered for it."""
    panels = render_panels(request, scope_for(request.user))
    if not panels:
        return render(request, "home/no_role.html")
    return render(request, "home/page.html", {"panels": panels})


@login_required
@role_required(Role.ADMIN)
def audit_log(request):
    entries = AuditEntry.objects.all()
    query = request.GET.get("objekt", "").strip()
    if query:
        entries = entries.filter(Q(object_id=query) | Q(object_label__iexact=query))
    page = Paginator(entries, 50).get_page(request.GET.get("seite"))
    return render(request, "audit/log.html", {"page": page, "query": query})
