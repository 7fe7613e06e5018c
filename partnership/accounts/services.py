"""Account operations that touch more than one row."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from partnership.accounts.models import User
from partnership.observability import log_security_event


def end_sessions(*, user: User) -> int:
    """Delete every server-side session of `user`; returns how many.

    Only logged-in people have sessions here (candidates need no account), so reading the live
    sessions is cheap.
    """
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def deactivate_user(*, user: User, by: User | None = None) -> int:
    """Deactivate an account and end its sessions at once; returns the number of sessions ended."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ended = end_sessions(user=user)
    log_security_event("account_deactivated", subject_user_id=user.pk, by_user_id=by.pk if by else None)
    return ended
