"""The reports' panels on the home pages of the office and the Regierungspräsidium
(see ``imcase.web.home``)."""

from __future__ import annotations

from imcase.organisation.models import Role
from imcase.web.home import home_panel


@home_panel(Role.OFFICE, order=30)
def office_reports(request, scope):
    return "reporting/panels/office.html", {}


@home_panel(Role.RP, order=20)
def rp_submissions(request, scope):
    return "reporting/panels/rp.html", {}
