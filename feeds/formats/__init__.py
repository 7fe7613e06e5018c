"""Feed formats, by name: each a module with `NAME`, `LABEL`, `VERSION`, `parse` and `to_offer`
(the `feeds.records.Format` protocol)."""

from __future__ import annotations

import importlib
from typing import cast

from feeds.records import Format

# The names of `feeds.enums.FeedFormat`, and the module of each.
MODULES = {
    "france-travail": "feeds.formats.france_travail",
    "apec": "feeds.formats.apec",
    "xml-jobs": "feeds.formats.xml_jobs",
    "csv": "feeds.formats.csv_format",
}
NAMES = tuple(MODULES)


class UnknownFormat(KeyError, ValueError):
    """No format has this name (a `KeyError` and a `ValueError`, for either way of catching it)."""

    def __str__(self) -> str:
        return str(self.args[0])


def get(name: str) -> Format:
    """The format module named `name` (« france-travail », « apec », « xml-jobs », « csv »)."""
    module = MODULES.get(name)
    if module is None:
        raise UnknownFormat(f"Format de flux inconnu : « {name} » (formats connus : {', '.join(NAMES)})")
    return cast(Format, importlib.import_module(module))
