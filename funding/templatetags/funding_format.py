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


@register.filter
def trail_total(compilation, name: str):
    """Sum of a column over the self-running providers of a Gesamtverwendungsnachweis."""
    return compilation.total(name)


@register.filter
def kreis_total(compilation, name: str):
    """Sum of a column over the whole money trail of a Gesamtverwendungsnachweis."""
    return compilation.kreis_total(name)
