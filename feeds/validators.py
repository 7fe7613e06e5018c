"""Where a feed may be read from: an allowed host (FEEDS_ALLOWED_HOSTS) or a file under FEEDS_FILES_DIR."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from feeds.sources import is_allowed_host


def validate_feed_location(value: str) -> None:
    """Refuse, with a French message, a location the sync engine must not read."""
    if value.startswith(("http://", "https://")):
        _validate_url(value)
    elif "://" in value:
        raise ValidationError(
            "Seules les adresses http:// ou https:// (en minuscules) sont acceptées.", code="feed_location_scheme"
        )
    else:
        _validate_path(value)


def _validate_url(value: str) -> None:
    try:
        URLValidator(schemes=["http", "https"])(value)
        parts = urlsplit(value)
        port = parts.port
    except (ValidationError, ValueError):
        raise ValidationError("Cette adresse n’est pas une URL valide.", code="feed_location_invalid") from None
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            "L’adresse ne doit pas contenir d’identifiants : indiquez le préfixe de leurs variables "
            "d’environnement dans le champ prévu.",
            code="feed_location_credentials",
        )
    if not is_allowed_host(httpx.URL(value)):  # the fetcher's own rule (feeds.sources.check_url)
        host = (parts.hostname or "").lower()
        raise ValidationError(
            "L’hôte « %(host)s » n’est pas autorisé : il doit figurer dans FEEDS_ALLOWED_HOSTS (%(allowed)s).",
            code="feed_location_host",
            params={
                "host": f"{host}:{port}" if port is not None else host,
                "allowed": ", ".join(sorted(settings.FEEDS_ALLOWED_HOSTS)) or "aucun hôte",
            },
        )


def _validate_path(value: str) -> None:
    root = Path(settings.FEEDS_FILES_DIR)
    path = Path(value)
    if not path.is_absolute():
        raise ValidationError(
            "Indiquez une URL http(s) ou le chemin complet d’un fichier sous %(root)s.",
            code="feed_location_relative",
            params={"root": root},
        )
    try:
        # Symbolic links and `..` are resolved first: the file itself must be under the directory.
        resolved, resolved_root = path.resolve(), root.resolve()
        inside = resolved != resolved_root and resolved.is_relative_to(resolved_root)
    except (OSError, ValueError):
        inside = False
    if not inside:
        raise ValidationError(
            "Le fichier doit se trouver sous le répertoire des flux, %(root)s.",
            code="feed_location_outside",
            params={"root": root},
        )
