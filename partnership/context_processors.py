from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Site-wide values, with no database query."""
    return {"SITE_NAME": "Talents des territoires", "SITE_TAGLINE": "Partenariat ANCT – Apec"}


def spaces(request: HttpRequest) -> dict[str, object]:
    """Which spaces the header links to, from the session (no database query)."""
    from partnership.clct.session import is_delegate

    return {"is_clct_delegate": is_delegate(request)}
