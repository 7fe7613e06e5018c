"""The access layer: who may reach a view. Every view that is not public wears one of these decorators.

- `login_required`: anonymous people go to the login page, and come back after logging in.
- `staff_required`: the same, then logged-in people who are not staff get the 403 page.
- `member_required` (optionally `administrator=True`): the view's `organisation` URL argument (an id)
  must be an organisation the user belongs to (with the administrator role); the view receives the
  `Organisation` instead of the id. Another organisation answers 404, as if it did not exist; a
  member without the required role gets the 403 page.
- `delegate_required`: the view's `region` URL argument (an INSEE code) must be a région of the
  user's delegate profile; the view receives the `Region`. Another région (or no profile) answers 404.

After a POST by someone not logged in, the login page sends them back to the page the form was on
(`form_page`, a URL name reversed with the view's URL arguments it takes), never to the POST-only URL (a 405).

Inside a view, objects are looked up through the user-scoped QuerySets (`visible_to(user)`,
`editable_by(user)` in `models.py`), so another organisation's object is a 404 there too.
See docs/architecture.md, "Access layer".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from itertools import combinations
from typing import Any, overload

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse

from partnership.accounts.enums import Role
from partnership.accounts.models import Membership, User
from partnership.observability import log_security_event
from territories.models import Region

View = Callable[..., HttpResponse]
Decorator = Callable[[View], View]
# Checks the logged-in user against the view's URL arguments: raises PermissionDenied (403) or
# Http404, or returns the URL arguments the view receives.
Check = Callable[[HttpRequest, User, dict[str, Any]], dict[str, Any]]


def _back_to(request: HttpRequest, form_page: str | None, kwargs: dict[str, Any]) -> str:
    """Where the login page sends someone back: this page, or for a POST the page its form was on."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    if form_page is not None:
        return _reverse_with_some_of(form_page, kwargs)
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _reverse_with_some_of(name: str, kwargs: dict[str, Any]) -> str:
    """`name` reversed with as many of the view's URL arguments as it takes (a form page usually takes fewer)."""
    for size in range(len(kwargs), -1, -1):
        for keys in combinations(kwargs, size):
            try:
                return reverse(name, kwargs={key: kwargs[key] for key in keys})
            except NoReverseMatch:
                continue
    raise NoReverseMatch(f"form_page {name!r} cannot be reversed with any of {sorted(kwargs)}")


def _guard(check: Check | None, form_page: str | None) -> Decorator:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not isinstance(user, User) or not user.is_active:
                return redirect_to_login(_back_to(request, form_page, kwargs))
            if check is not None:
                kwargs = check(request, user, kwargs)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _out_of_scope(request: HttpRequest, what: str) -> Http404:
    """A 404 for an object outside the user's scope, logged like a 403 would be."""
    log_security_event("out_of_scope", level=logging.WARNING, path=request.path, object=what)
    return Http404(f"{what} introuvable")


def _staff(request: HttpRequest, user: User, kwargs: dict[str, Any]) -> dict[str, Any]:
    if not user.is_staff:
        raise PermissionDenied
    return kwargs


def _member(*, administrator: bool) -> Check:
    def check(request: HttpRequest, user: User, kwargs: dict[str, Any]) -> dict[str, Any]:
        membership = (
            Membership.objects.select_related("organisation")
            .filter(user=user, organisation_id=kwargs["organisation"])
            .first()
        )
        if membership is None:
            raise _out_of_scope(request, "organisation")
        if administrator and membership.role != Role.ADMINISTRATOR:
            raise PermissionDenied
        request.membership = membership  # type: ignore[attr-defined]  # read by `current_membership`
        return {**kwargs, "organisation": membership.organisation}

    return check


def current_membership(request: HttpRequest) -> Membership:
    """The membership `member_required` found for this request's organisation: its role, without a
    second query."""
    membership = getattr(request, "membership", None)
    if not isinstance(membership, Membership):
        raise LookupError("current_membership() is for views under member_required")
    return membership


def _delegate(request: HttpRequest, user: User, kwargs: dict[str, Any]) -> dict[str, Any]:
    region = Region.objects.filter(code=kwargs["region"], delegates__user=user).first()
    if region is None:
        raise _out_of_scope(request, "région")
    return {**kwargs, "region": region}


@overload
def login_required(view: View, /) -> View: ...
@overload
def login_required(*, form_page: str | None = None) -> Decorator: ...
def login_required(view: View | None = None, /, *, form_page: str | None = None) -> View | Decorator:
    decorator = _guard(None, form_page)
    return decorator(view) if view is not None else decorator


@overload
def staff_required(view: View, /) -> View: ...
@overload
def staff_required(*, form_page: str | None = None) -> Decorator: ...
def staff_required(view: View | None = None, /, *, form_page: str | None = None) -> View | Decorator:
    decorator = _guard(_staff, form_page)
    return decorator(view) if view is not None else decorator


@overload
def member_required(view: View, /) -> View: ...
@overload
def member_required(*, administrator: bool = False, form_page: str | None = None) -> Decorator: ...
def member_required(
    view: View | None = None, /, *, administrator: bool = False, form_page: str | None = None
) -> View | Decorator:
    decorator = _guard(_member(administrator=administrator), form_page)
    return decorator(view) if view is not None else decorator


@overload
def delegate_required(view: View, /) -> View: ...
@overload
def delegate_required(*, form_page: str | None = None) -> Decorator: ...
def delegate_required(view: View | None = None, /, *, form_page: str | None = None) -> View | Decorator:
    decorator = _guard(_delegate, form_page)
    return decorator(view) if view is not None else decorator
