from typing import Any

from django import template

from offers import maps

register = template.Library()


@register.inclusion_tag("offers/_map.html")
def offers_map() -> dict[str, Any]:
    """The map of every open offer (the home page)."""
    return {"map": maps.build()}
