"""Template helpers of the reporting pages: figure values in German format, and the
submissions an RP user may see (for the RP's start page)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from reporting.models import Submission

register = template.Library()


@register.filter
def kennzahl(value) -> str:
    """1.234 for counts, 12,50 for VZÄ."""
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return number_format(value or 0, use_l10n=True, force_grouping=True)


@register.simple_tag
def visible_submissions(user, limit: int = 20):
    """The latest submissions the user may see (RP: of the Kreise of its region)."""
    return list(
        Submission.objects.visible_to(user)
        .select_related("landkreis")
        .order_by("-submitted_at", "-pk")[:limit]
    )
