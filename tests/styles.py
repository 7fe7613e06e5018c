"""Which DSFR classes a page uses that its style sheets do not style.

The pages link `css/dsfr.css` (the DSFR's core and the components the project uses, written by
scripts/dsfr_css.py) and `css/site.css` (ending with the utility rules used), not the whole DSFR. A
class the whole DSFR styles but those two do not means a component or utility missing from them:
run scripts/dsfr_css.py again. The route matrix checks every page it renders.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django.contrib.staticfiles import finders

from tests.project_scripts import script_module

CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')


def _classes_of(sheet: str) -> frozenset[str]:
    found = finders.find(sheet)
    assert found, sheet
    return frozenset(script_module("dsfr_css").CLASS.findall(Path(found).read_text()))


@functools.cache
def whole_dsfr_classes() -> frozenset[str]:
    return _classes_of("dsfr/dist/dsfr/dsfr.min.css") | _classes_of("dsfr/dist/utility/utility.min.css")


@functools.cache
def served_classes() -> frozenset[str]:
    return _classes_of("css/dsfr.css") | _classes_of("css/site.css")


def unstyled_dsfr_classes(html: str) -> set[str]:
    """The classes of `html`'s elements that the whole DSFR styles and the served sheets do not."""
    used = {name for value in CLASS_ATTRIBUTE.findall(html) for name in value.split()}
    return (used & whole_dsfr_classes()) - served_classes()
