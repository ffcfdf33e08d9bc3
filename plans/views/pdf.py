"""Download of the plan PDF (current or an earlier version); every download is audited
(declared in plans/urls.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from plans.pdf import pdf_filename, render_plan_pdf
from plans.views.common import get_plan_or_404


@login_required
def plan_pdf(request, code, number=None):
    plan = get_plan_or_404(request.user, code)
    versions = plan.versions.select_related("created_by")
    version = (
        get_object_or_404(versions, number=number)
        if number is not None
        else versions.get(is_current=True)
    )
    version.plan = plan
    content = render_plan_pdf(version)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(version)}"'
    return response
