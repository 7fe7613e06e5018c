"""The Jinja2 environment of the few templates that a page renders on every request and that no cache
can answer: the search form, its filters and its results (`jinja_templates/offers/`, issue 14).

Django's template language costs ≈ 1 µs a node and a page of varied searches has thousands (the
filters, the facets and their counts, the cards, the pagination): 3.9 ms of a search's ≈ 11 ms of
Python. The same templates compiled by Jinja2 to Python code render the same bytes in about a
quarter of the time (docs/decisions.md, decision 18).
Everything else stays in Django's language, `templates/`.

The templates see the same helpers as Django's: `url()`, remembered as `{% url %}` is, `static()`,
and the `fr` filters (`number`, `abbr`) through the same functions.
An undefined variable is an error (StrictUndefined), not an empty string.
"""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from jinja2 import Environment, StrictUndefined

from partnership.templatetags import fr
from partnership.templatetags.cached_url import remembered_reverse


def environment(**options: Any) -> Environment:
    # Django's templates keep a template's last newline: so do these, so that a page is the same bytes.
    # Django's backend passes its own `undefined` (empty, or shown in debug): replaced.
    options.update(undefined=StrictUndefined, keep_trailing_newline=True)
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(url=remembered_reverse, static=static)
    env.filters.update(number=fr.number, abbr=fr.abbr)
    return env
