"""Template filters for money, shares and VZÄ in German format (see ``funding.formatting``)."""

from __future__ import annotations

from django import template

from funding import formatting

register = template.Library()

register.filter("euro", formatting.euro)
register.filter("share_percent", formatting.percent)
register.filter("quota_percent", formatting.quota)


@register.filter
def decimal2(value) -> str:
    return formatting.number(value, 2)
