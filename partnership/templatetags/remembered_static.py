"""`{% load static %}` with `{% static %}` remembering each file's address (settings.TEMPLATES maps the
`static` library here), and the same function for the Jinja2 templates.

Django works a static file's address out anew each time: 15 µs, urljoin and quoting (and with the
manifest storage of production, its lookup too), eleven times a page for the style sheets, fonts,
icons and scripts of `base.html`. The address depends only on the path and the static files'
settings, which clear what is remembered when a test changes them. Measured on the search page:
docs/performance.md, « Varied searches (issue 14) ».
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import static as django_static
from django.templatetags.static import StaticNode

register = template.Library()
register.tags.update(django_static.register.tags)  # get_static_prefix, get_media_prefix
register.filters.update(django_static.register.filters)


@functools.lru_cache(maxsize=1024)
def static(path: str) -> str:
    """The address of the static file at `path` (`django.templatetags.static.static`), remembered."""
    return django_static.static(path)


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES"}:
        static.cache_clear()


class RememberedStaticNode(StaticNode):
    def url(self, context: template.Context) -> str:
        path = self.path.resolve(context)
        return static(path) if isinstance(path, str) else super().url(context)


@register.tag("static")
def do_static(parser: template.base.Parser, token: template.base.Token) -> RememberedStaticNode:
    """Django's `{% static path [as name] %}`."""
    return RememberedStaticNode.handle_token(parser, token)  # type: ignore[return-value]
