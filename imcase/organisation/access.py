"""The one mechanism that decides what a user may see.

Every queryset a view can reach starts from a ``visible_to(user)`` method that filters with the
Q objects below. Something outside the user's scope is treated exactly like something that does
not exist: the view answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from imcase.organisation.models import ProviderArea, Role, StaffMember

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    """What one user may see, derived from his StaffMember row."""

    role: str | None
    landkreis_id: int | None = None
    provider_id: int | None = None
    team_id: int | None = None
    municipality_id: int | None = None
    rp_id: int | None = None

    @property
    def is_case_worker(self) -> bool:
        return self.role in (Role.MANAGER, Role.TEAM_LEAD)

    def served_municipality_ids(self, day: dt.date | None = None) -> QuerySet:
        """Municipalities whose clients this user may see in person on ``day`` (a subquery)."""
        if not self.is_case_worker or not self.provider_id:
            return ProviderArea.objects.none().values("municipality_id")
        areas = ProviderArea.objects.active_on(day or timezone.localdate()).filter(
            provider_id=self.provider_id
        )
        if self.role == Role.TEAM_LEAD:
            areas = areas.filter(municipality__teams=self.team_id)
        return areas.values("municipality_id")

    def client_q(self, municipality_field: str = "municipality") -> Q:
        """Filter for person-level records (clients, their contacts and plans)."""
        if not self.is_case_worker:
            return NOTHING
        return Q(**{f"{municipality_field}__in": self.served_municipality_ids()})

    def municipality_q(self) -> Q:
        """Filter for municipalities whose (non-personal) data the user may see."""
        if self.role == Role.OFFICE:
            return Q(landkreis_id=self.landkreis_id)
        if self.role == Role.MUNICIPALITY:
            return Q(pk=self.municipality_id)
        if self.is_case_worker:
            return Q(pk__in=self.served_municipality_ids())
        return NOTHING

    @property
    def writes_handover_notes(self) -> bool:
        """The VU's social worker, and the office on his behalf (``clients/handover.py``)."""
        return self.role in (Role.VU, Role.OFFICE) and self.landkreis_id is not None

    def handover_q(self, landkreis_field: str = "landkreis") -> Q:
        """Filter for the persons a handover writer may look up (never browse): his Kreis's.
        The lookup adds the exact Aktenzeichen and birth date and the arrival rule."""
        if not self.writes_handover_notes:
            return NOTHING
        return Q(**{f"{landkreis_field}_id": self.landkreis_id})

    def landkreis_q(self) -> Q:
        """Filter for Kreise whose aggregates or submitted reports the user may see."""
        if self.role == Role.RP:
            return Q(regierungspraesidium_id=self.rp_id)
        if self.landkreis_id and self.role in (Role.OFFICE, Role.MANAGER, Role.TEAM_LEAD):
            return Q(pk=self.landkreis_id)
        return NOTHING


def scope_for(user) -> Scope:
    """The user's scope, computed once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(role=None)
    cached = getattr(user, "_imcase_scope", None)
    if cached is not None:
        return cached
    staff = StaffMember.objects.filter(user=user).first()
    if staff is None:
        scope = Scope(role=Role.ADMIN if user.is_superuser else None)
    else:
        scope = Scope(
            role=staff.role,
            landkreis_id=staff.landkreis_id,
            provider_id=staff.provider_id,
            team_id=staff.team_id,
            municipality_id=staff.municipality_id,
            rp_id=staff.regierungspraesidium_id,
        )
    user._imcase_scope = scope
    return scope


def role_required(*roles: str) -> Callable:
    """Decorator for views of one role: everyone else gets the same 404 as for a missing page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if scope_for(request.user).role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
