from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Site-wide values, with no database query."""
    return {"SITE_NAME": "Talents des territoires", "SITE_TAGLINE": "Partenariat ANCT – Apec"}
