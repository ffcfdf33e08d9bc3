"""Access helpers shared by the funding views: one way to load what a user may see."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from funding.models import Allocation, FundingYear, PersonList


def get_year_or_404(user, year: int) -> FundingYear:
    """The funding year of the user's Kreis; 404 for anyone else, exactly like a missing one."""
    return get_object_or_404(
        FundingYear.objects.visible_to(user)
        .select_related("landkreis")
        .prefetch_related("deductions"),
        year=year,
    )


def get_list_or_404(user, code) -> PersonList:
    return get_object_or_404(
        PersonList.objects.visible_to(user).select_related(
            "municipality", "funding_year__landkreis", "submitted_by"
        ),
        code=code,
    )


def get_allocation_or_404(user, year: int, ags: str, number: int | None = None) -> Allocation:
    """A municipality's published figures (the latest revision unless ``number`` is given)."""
    allocations = (
        Allocation.objects.visible_to(user)
        .filter(revision__funding_year__year=year, ags=ags)
        .select_related("revision__funding_year__landkreis", "revision__published_by")
        .order_by("-revision__number")
    )
    if number is not None:
        allocations = allocations.filter(revision__number=number)
    allocation = allocations.first()
    if allocation is None:
        raise Http404
    return allocation


def base_url(request: HttpRequest) -> str:
    """The site's address for links in e-mails."""
    return request.build_absolute_uri("/")
