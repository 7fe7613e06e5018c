"""URL converters of the territory codes: a path whose code cannot be one answers 404 from the resolver,
before any query (a NUL byte, 10,000 characters or a bidi control never reach PostgreSQL). The shapes
are those of `territories.codes`, upper case as the portal writes codes."""

from __future__ import annotations

from django.urls import register_converter

from territories.codes import COMMUNE_CODE_PATTERN, DEPARTEMENT_CODE_PATTERN, REGION_CODE_PATTERN


class _Code:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CommuneCode(_Code):
    """An INSEE commune code (current or former): 19272, 2A004, 97105."""

    regex = COMMUNE_CODE_PATTERN


class DepartementCode(_Code):
    """01 to 95, 2A, 2B, 971 to 976; the overseas collectivities' 975, 977, 978 and 984 to 989."""

    regex = DEPARTEMENT_CODE_PATTERN


class RegionCode(_Code):
    """Two digits, or three for the overseas collectivities (975…989), which the COG lists as régions."""

    regex = REGION_CODE_PATTERN


# Registered once, when this module is first imported (by any URL module that uses them).
register_converter(CommuneCode, "commune")
register_converter(DepartementCode, "departement")
register_converter(RegionCode, "region")
