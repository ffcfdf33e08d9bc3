"""The Verwendungsnachweis: the provider's team lead or the Hauptamt of its seat municipality
enters and submits it; the office reviews or reopens it and downloads the Kreis's
Gesamtverwendungsnachweis as XLSX."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from funding.exports.usage import compile_usage, write_usage_xlsx
from funding.forms.common import VersionForm
from funding.forms.usage import ReopenForm, UsageReportForm
from funding.forms.years import DeductionUseForm
from funding.models import SACHBERICHT_MAX_CHARS, FundingYear, UsageReport, position_warning
from funding.models.usage import providers_reported_by
from funding.services import usage as services
from funding.services import years as year_services
from funding.views.common import get_year_or_404
from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from imcase.exports.xlsx import CONTENT_TYPE
from imcase.organisation.access import role_required, scope_for
from imcase.organisation.models import Role
from imcase.web.actions import Done, run_button_action, run_form_action

REPORTERS = (Role.TEAM_LEAD, Role.MUNICIPALITY)
FIELDS = ("staff_costs", "other_costs", "vza", "sachbericht")


def get_report_or_404(user, code) -> UsageReport:
    return get_object_or_404(
        UsageReport.objects.visible_to(user).select_related(
            "funding_year__landkreis", "provider__seat", "submitted_by", "reviewed_by"
        ),
        code=code,
    )


def _report_url(code) -> str:
    return reverse("funding:usage", kwargs={"code": code})


@login_required
@role_required(Role.OFFICE, *REPORTERS)
def index(request):
    if scope_for(request.user).role == Role.OFFICE:
        years = FundingYear.objects.visible_to(request.user).annotate(
            submitted=Count(
                "usage_reports",
                filter=~Q(usage_reports__status=UsageReport.Status.DRAFT),
                distinct=True,
            )
        )
        return render(request, "funding/usage/index_office.html", {"years": years})
    providers = list(providers_reported_by(request.user).select_related("landkreis", "seat"))
    # The funding years of the Kreise of the providers this user reports for (team leads see
    # no funding year otherwise).
    years = FundingYear.objects.filter(landkreis__in=[p.landkreis_id for p in providers])
    reports = {
        (r.provider_id, r.funding_year_id): r for r in UsageReport.objects.visible_to(request.user)
    }
    rows = [
        (
            provider,
            [
                (year, reports.get((provider.pk, year.pk)))
                for year in years
                if year.landkreis_id == provider.landkreis_id
            ],
        )
        for provider in providers
    ]
    return render(request, "funding/usage/index_reporter.html", {"rows": rows})


def _reports_for(user, report: UsageReport) -> bool:
    """Whether ``user`` enters this report (the office: only the Landratsamt's own IM)."""
    return providers_reported_by(user).filter(pk=report.provider_id).exists()


@login_required
@role_required(Role.OFFICE, *REPORTERS)
@require_POST
def start(request, year, provider):
    provider = get_object_or_404(providers_reported_by(request.user), pk=provider)
    funding_year = get_object_or_404(
        FundingYear.objects.filter(landkreis_id=provider.landkreis_id), year=year
    )
    try:
        report, _ = services.start_report(request.user, funding_year, provider)
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("funding:usage_index")
    return redirect("funding:usage", code=report.code)


def _context(request, report: UsageReport, form=None, reopen_form=None) -> dict:
    scope = scope_for(request.user)
    is_office = scope.role == Role.OFFICE
    compilation = compile_usage(report.funding_year)
    row = next((r for r in compilation.reporting_rows if r.provider.pk == report.provider_id), None)
    own = _reports_for(request.user, report)
    may_edit = own and report.is_editable
    if form is None and may_edit:
        initial = {name: getattr(report, name) for name in FIELDS}
        form = UsageReportForm(initial={**initial, "version": report.version})
    return {
        "report": report,
        "year": report.funding_year,
        "revision": compilation.revision,
        "allocation": row.allocation if row else None,
        "municipalities": row.municipalities if row else (),
        "is_office": is_office,
        "may_edit": may_edit,
        "show_figures": own or report.is_submitted,
        "warning": position_warning(
            report.provider.kind, report.vza, report.funding_year.eigenregie_min_vza
        )
        if own or report.is_submitted
        else "",
        "form": form,
        "reopen_form": reopen_form or ReopenForm(initial={"version": report.version}),
        "max_chars": SACHBERICHT_MAX_CHARS,
    }


@login_required
@role_required(Role.OFFICE, *REPORTERS)
def detail(request, code):
    report = get_report_or_404(request.user, code)
    if request.method == "POST":
        if not _reports_for(request.user, report):
            return redirect("funding:usage", code=code)
        form = UsageReportForm(request.POST)

        def action(data: dict) -> Done:
            services.save_report(request.user, report, data, data["version"])
            return Done(
                "Der Verwendungsnachweis wurde gespeichert (noch nicht eingereicht).",
                _report_url(code),
            )

        if response := run_form_action(request, form, action):
            return response
        context = _context(request, report, form=form)
        return render(request, "funding/usage/detail.html", context, status=400)
    return render(request, "funding/usage/detail.html", _context(request, report))


@login_required
@role_required(Role.OFFICE, *REPORTERS)
@require_POST
def submit(request, code):
    report = get_report_or_404(request.user, code)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        submitted = services.submit_report(request.user, report, data["version"])
        warning = position_warning(
            submitted.provider.kind, submitted.vza, submitted.funding_year.eigenregie_min_vza
        )
        message = "Der Verwendungsnachweis wurde bei der Koordinierungsstelle eingereicht."
        return Done(f"{message} {warning}".strip(), _report_url(code))

    return run_button_action(request, form, action, _report_url(code))


@login_required
@role_required(Role.OFFICE)
@require_POST
def review(request, code):
    report = get_report_or_404(request.user, code)
    form = VersionForm(request.POST)

    def action(data: dict) -> Done:
        services.review_report(request.user, report, data["version"])
        return Done(
            f"Der Verwendungsnachweis von {report.provider.name} ist als geprüft markiert.",
            _report_url(code),
        )

    return run_button_action(request, form, action, _report_url(code))


@login_required
@role_required(Role.OFFICE)
@require_POST
def reopen(request, code):
    report = get_report_or_404(request.user, code)
    form = ReopenForm(request.POST)

    def action(data: dict) -> Done:
        services.reopen_report(request.user, report, data["reason"], data["version"])
        return Done(
            f"Der Verwendungsnachweis von {report.provider.name} ist wieder zur Korrektur offen.",
            _report_url(code),
        )

    if response := run_form_action(request, form, action):
        return response
    context = _context(request, report, reopen_form=form)
    return render(request, "funding/usage/detail.html", context, status=400)


def _overview_context(request, funding_year: FundingYear, bound=None) -> dict:
    """``bound``: (deduction id, form) of a deduction form sent with errors, kept as typed."""
    compilation = compile_usage(funding_year)
    deduction_forms = []
    for row in compilation.deduction_rows:
        deduction = row.deduction
        if bound and bound[0] == deduction.pk:
            form = bound[1]
        else:
            initial = {
                "spent": deduction.spent,
                "vza": deduction.vza,
                "use_note": deduction.use_note,
                "version": funding_year.version,
            }
            form = DeductionUseForm(initial=initial, prefix=f"d{deduction.pk}")
        deduction_forms.append((row, form))
    own_providers = list(providers_reported_by(request.user))
    started = {row.provider.pk for row in compilation.own_rows if row.report}
    return {
        "year": funding_year,
        "compilation": compilation,
        "deduction_forms": deduction_forms,
        "own_to_start": [p for p in own_providers if p.pk not in started],
    }


@login_required
@role_required(Role.OFFICE)
def year_overview(request, year):
    funding_year = get_year_or_404(request.user, year)
    return render(request, "funding/usage/overview.html", _overview_context(request, funding_year))


@login_required
@role_required(Role.OFFICE)
@require_POST
def deduction_use(request, year, pk):
    """The office enters what a Vorwegabzug was spent on."""
    funding_year = get_year_or_404(request.user, year)
    deduction = get_object_or_404(funding_year.deductions, pk=pk)
    form = DeductionUseForm(request.POST, prefix=f"d{pk}")
    url = reverse("funding:usage_year", args=[year])

    def action(data: dict) -> Done:
        year_services.report_deduction_use(request.user, funding_year, pk, data, data["version"])
        return Done(f"Die Verwendung von „{deduction.name}“ wurde gespeichert.", url)

    if response := run_form_action(request, form, action):
        return response
    context = _overview_context(request, funding_year, bound=(pk, form))
    return render(request, "funding/usage/overview.html", context, status=400)


@login_required
@role_required(Role.OFFICE)
@require_GET
def year_xlsx(request, year):
    funding_year = get_year_or_404(request.user, year)
    compilation = compile_usage(funding_year)
    buffer = io.BytesIO()
    name = request.user.get_full_name() or request.user.username
    count = write_usage_xlsx(compilation, name, timezone.localdate(), buffer)
    record(
        request.user,
        AuditEntry.Action.EXPORT,
        funding_year,
        label=f"Gesamtverwendungsnachweis {year}",
        providers=count,
    )
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    filename = f"gesamtverwendungsnachweis-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
