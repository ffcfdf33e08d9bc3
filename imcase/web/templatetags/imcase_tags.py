"""Template helpers of the core: ``{{ n|counted:"Person,Personen" }}`` → "1 Person"."""

from __future__ import annotations

from django import template

from imcase.counted import counted as _counted

register = template.Library()


@register.filter
def counted(value, forms: str) -> str:
    """``{{ persons|counted:"Person,Personen" }}``: the number and the noun in its number."""
    singular, _, plural = forms.partition(",")
    try:
        count = int(value)
    except (TypeError, ValueError):
        return str(value)
    return _counted(count, singular.strip(), (plural or singular).strip())
