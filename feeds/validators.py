"""Where a feed may be read from: an allowed host (FEEDS_ALLOWED_HOSTS) or a file in FEEDS_FILES_DIR."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from feeds.records import FeedError
from feeds.sources import feed_file, is_allowed_host


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
            "L’adresse ne doit pas contenir d’identifiants : ils vont dans la configuration du serveur, "
            "et leur nom dans le champ « nom des identifiants ».",
            code="feed_location_credentials",
        )
    if not is_allowed_host(httpx.URL(value)):  # the fetcher's own rule (feeds.sources.check_url)
        host = (parts.hostname or "").lower()
        raise ValidationError(
            "L’hôte « %(host)s » n’est pas autorisé : la configuration du serveur autorise %(allowed)s.",
            code="feed_location_host",
            params={
                "host": f"{host}:{port}" if port is not None else host,
                "allowed": ", ".join(sorted(settings.FEEDS_ALLOWED_HOSTS)) or "aucun hôte",
            },
        )


def _validate_path(value: str) -> None:
    try:
        feed_file(value)  # the run's own rule: in the feeds directory, there, a regular file
    except FeedError as error:
        raise ValidationError(
            "%(reason)s. Indiquez le chemin d’un fichier du dossier des flux, relatif à ce dossier "
            "(par exemple partenaires/offres.xml).",
            code="feed_location_file",
            params={"reason": error.reason},
        ) from None
