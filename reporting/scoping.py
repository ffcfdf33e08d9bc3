"""Whose figures a user may see: the scoping of the reporting pages, built on ``scope_for``.

Figures are aggregates, so the scope is a Kreis and possibly one provider, not a list of
clients: the coordinating office sees its whole Kreis (and may pick a provider), a manager or
team lead his own provider only. Municipality and RP users see no figures (they get 404);
the RP sees submissions instead (``Submission.objects.visible_to``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from imcase.organisation.access import NOTHING, scope_for
from imcase.organisation.models import Landkreis, Provider, Role, Team


@dataclass(frozen=True)
class FiguresScope:
    landkreis: Landkreis
    provider: Provider | None  # fixed for managers and team leads
    is_office: bool

    @property
    def can_finalise(self) -> bool:
        return self.is_office


def figures_scope_or_404(user) -> FiguresScope:
    scope = scope_for(user)
    if scope.role == Role.OFFICE and scope.landkreis_id:
        landkreis = Landkreis.objects.select_related("regierungspraesidium").get(
            pk=scope.landkreis_id
        )
        return FiguresScope(landkreis, None, is_office=True)
    if scope.is_case_worker and scope.provider_id:
        provider = Provider.objects.select_related("landkreis__regierungspraesidium").get(
            pk=scope.provider_id
        )
        return FiguresScope(provider.landkreis, provider, is_office=False)
    raise Http404


def providers_visible_to(user) -> QuerySet[Provider]:
    """Providers whose figures the user may see (to choose from)."""
    scope = scope_for(user)
    if scope.role == Role.OFFICE and scope.landkreis_id:
        return Provider.objects.filter(landkreis_id=scope.landkreis_id)
    if scope.is_case_worker and scope.provider_id:
        return Provider.objects.filter(pk=scope.provider_id)
    return Provider.objects.filter(NOTHING)


def teams_visible_to(user) -> QuerySet[Team]:
    return Team.objects.filter(provider__in=providers_visible_to(user))
