"""The funding's panels on the home pages of the office and the municipalities
(see ``imcase.web.home``)."""

from __future__ import annotations

from imcase.organisation.models import Role
from imcase.web.home import home_panel


@home_panel(Role.OFFICE, order=20)
def office_funding_link(request, scope):
    return "funding/panels/office.html", {}


@home_panel(Role.MUNICIPALITY, order=20)
def municipality_funding(request, scope):
    return "funding/panels/municipality.html", {}
