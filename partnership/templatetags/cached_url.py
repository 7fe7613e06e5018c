"""`{% url %}` with its reverse() remembered per process, for every template (a builtin of the
template engine, settings.TEMPLATES, loaded after Django's own tags so that it takes the name).

Django reverses each `{% url %}` anew: 20 to 75 µs each, and a page of the site has about twenty
(header, footer, forms). The address depends only on the view name, its arguments, the current
application, the script prefix and the URL configuration, which together are the key here; only
arguments that are strings or integers are remembered (anything else is reversed as Django does).
Measured on the search page: see docs/performance.md, « Varied searches (issue 14) ».
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

CACHE_SIZE = 2048


@functools.lru_cache(maxsize=CACHE_SIZE)
def cached_reverse(
    view_name: str,
    args: tuple[str | int, ...],
    kwargs: tuple[tuple[str, str | int], ...],
    current_app: str | None,
    prefix: str,
    urlconf: str | None,
) -> str:
    # `prefix` is in the key only: reverse() reads the same script prefix itself.
    return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def remembered_reverse(view_name: str, *args: str | int) -> str:
    """`reverse(view_name, args=args)`, remembered as `{% url %}` remembers it (views, Jinja2's `url()`)."""
    return cached_reverse(view_name, args, (), None, get_script_prefix(), get_urlconf())


def _plain(value: Any) -> bool:
    # str subclasses included: a quoted view name is a SafeString.
    return isinstance(value, (str, int))


class CachedURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)  # a RequestContext's; as Django's tag reads it
        try:
            current_app = request.current_app  # type: ignore[union-attr]
        except AttributeError:
            try:
                current_app = request.resolver_match.namespace  # type: ignore[union-attr]
            except AttributeError:
                current_app = None
        url = ""
        try:
            if _plain(view_name) and all(map(_plain, args)) and all(map(_plain, kwargs.values())):
                key = (tuple(args), tuple(sorted(kwargs.items())), current_app, get_script_prefix(), get_urlconf())
                url = cached_reverse(view_name, *key)
            else:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> CachedURLNode:
    """Django's `{% url %}` (same syntax and errors), remembering each address it reverses."""
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
