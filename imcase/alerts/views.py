"""The user's alerts: the list, opening one (the link of the e-mail), marking one as done."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from imcase.alerts.models import Alert
from imcase.alerts.registry import label_for
from imcase.alerts.services import mark_done
from imcase.organisation.access import scope_for
from imcase.organisation.models import Role

PAGE_SIZE = 50


def get_alert_or_404(user, code) -> Alert:
    """The user's own alert; anyone else's answers 404 exactly like a missing one."""
    return get_object_or_404(Alert.objects.visible_to(user), code=code)


@login_required
def alert_list(request):
    done = request.GET.get("stand") == "erledigt"
    mine = Alert.objects.visible_to(request.user)
    alerts = mine.filter(status=Alert.Status.DONE if done else Alert.Status.OPEN)
    counts = {
        row["kind"]: row["n"]
        for row in mine.open().values("kind").annotate(n=Count("pk")).order_by("kind")
    }
    kind = request.GET.get("art", "")
    if kind:
        alerts = alerts.filter(kind=kind)
    ordering = ("-done_at", "pk") if done else ("due_date", "pk")
    page = Paginator(alerts.order_by(*ordering), PAGE_SIZE).get_page(request.GET.get("seite"))
    kinds = sorted(
        ({"kind": k, "label": label_for(k), "count": n} for k, n in counts.items()),
        key=lambda entry: entry["label"],
    )
    return render(
        request,
        "alerts/list.html",
        {
            "page": page,
            "done": done,
            "kinds": kinds,
            "kind": kind,
            "kind_label": label_for(kind) if kind else "",
            "open_total": sum(counts.values()),
            # The office also gets clashes on the new-person form to resolve (clients.services).
            "for_office": scope_for(request.user).role == Role.OFFICE,
        },
    )


@login_required
def alert_open(request, code):
    """Follow an alert to the record it is about (the links of the e-mail land here)."""
    alert = get_alert_or_404(request.user, code)
    return redirect(alert.link or "alerts:list")


@login_required
@require_POST
def alert_done(request, code):
    alert = get_alert_or_404(request.user, code)
    mark_done(request.user, alert)
    back = request.POST.get("weiter", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("alerts:list")
