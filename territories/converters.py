"""URL converters of the territory codes: a path whose code cannot be one answers 404 from the resolver,
before any query (a NUL byte, 10,000 characters or a bidi control never reach PostgreSQL)."""

from __future__ import annotations


class _Code:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CommuneCode(_Code):
    """An INSEE commune code (current or former): 19272, 2A004, 97105."""

    regex = "[0-9][0-9AB][0-9]{3}"


class DepartementCode(_Code):
    """01 to 95, 2A, 2B, 971 to 976; the overseas collectivities' 975, 977, 978 and 984 to 989."""

    regex = "[0-9][0-9AB][0-9]?"


class RegionCode(_Code):
    """Two digits, or three for the overseas collectivities (975…989), which the COG lists as régions."""

    regex = "[0-9]{2,3}"
