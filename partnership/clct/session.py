"""Whether the logged-in user is an Apec delegate, noted in their session when they log in, so that the
header can link to the CLCT space without a query on every page. A delegate profile given to someone
already logged in shows the link from their next login."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from partnership.accounts.models import Delegate, User

SESSION_KEY = "clct_delegate"


def note_delegate(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """`user_logged_in` receiver."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = Delegate.objects.filter(user=user).exists()


def is_delegate(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY, False))
