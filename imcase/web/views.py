"""Home page per role and the audit log page (administrator, coordinating office)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import ngettext

from imcase.audit.models import AuditEntry
from imcase.audit.search import AuditSearchForm, shown, visible_entries
from imcase.audit.services import record
from imcase.organisation.access import role_required, scope_for
from imcase.organisation.models import Landkreis, Role
from imcase.web.home import render_panels


def favicon(request):
    """``/favicon.ico`` for clients that ask there instead of following the page's link."""
    return redirect(static("img/favicon.ico"), permanent=True)


@login_required
def home(request):
    """The home page of the user's role: the panels the apps registered for it."""
    panels = render_panels(request, scope_for(request.user))
    if not panels:
        return render(request, "home/no_role.html")
    return render(request, "home/page.html", {"panels": panels})


@login_required
@role_required(Role.ADMIN, Role.OFFICE)
def audit_log(request):
    """The log, searchable by user, Aktenzeichen, date range and action, scoped to what the
    reader may see (``imcase.audit.search``). Reading the log is itself written to it."""
    form = AuditSearchForm(request.GET or None, user=request.user)
    entries = form.filter(visible_entries(request.user))
    page = Paginator(entries, 50).get_page(request.GET.get("seite"))
    rows = shown(page.object_list)  # read before this reading is itself recorded
    _record_reading(request, form, page.number)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "count_label": ngettext("%(count)s Eintrag", "%(count)s Einträge", page.paginator.count)
            % {"count": page.paginator.count},
        },
    )


def _record_reading(request, form: AuditSearchForm, page_number: int) -> None:
    scope = scope_for(request.user)
    subject = (
        Landkreis.objects.filter(pk=scope.landkreis_id).first() if scope.landkreis_id else None
    ) or request.user
    record(
        request.user,
        AuditEntry.Action.VIEW,
        subject,
        label=str(subject)[:120],
        event="audit_search",
        read="Protokoll der Zugriffe",
        filters=form.used_filters(),
        page=page_number,
    )
