"""The dashboard: charts of aggregates for the office (its Kreis, filterable by provider) and
for managers and team leads (their provider)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from imcase.organisation.models import Municipality
from reporting import stored
from reporting.dashboard import Dashboard, Filters
from reporting.forms import DashboardForm
from reporting.funding_status import funding_chart
from reporting.scoping import figures_scope_or_404


@login_required
@require_GET
def dashboard(request):
    scope = figures_scope_or_404(request.user)
    today = timezone.localdate()
    form = DashboardForm(request.GET or None, user=request.user, scope=scope, today=today)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = Filters(
        year=data.get("jahr") or today.year,
        provider=data.get("traeger"),
        team=data.get("team"),
        municipality=data.get("gemeinde"),
    )
    board = Dashboard(scope, filters, today)
    charts, computed_at = stored.dashboard_charts(board, today)
    charts = list(charts)
    if scope.is_office:
        municipalities = Municipality.objects.visible_to(request.user)
        narrowed = board.municipality_ids(today)
        if narrowed is not None:
            municipalities = municipalities.filter(pk__in=narrowed)
        funding = funding_chart(request.user, municipalities, today)
        if funding is not None:
            charts.append(funding)
    context = {
        "scope": scope,
        "form": form,
        "filters": filters,
        "today": today,
        "charts": charts,
        "computed_at": computed_at,
    }
    return render(request, "reporting/dashboard.html", context, status=400 if form.errors else 200)
