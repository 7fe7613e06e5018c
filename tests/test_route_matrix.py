"""Every URL pattern of the site, for every persona and method: who may see what.

The patterns are read from the resolver (the admin's and any new app's included).
`test_every_url_pattern_declares_who_may_see_it` fails for a pattern with no entry in `ROUTES`:
a new page cannot ship without saying who may see it. The admin's URLs follow one rule (staff
only; everyone else is sent to the admin's login page) instead of one entry each.

For each declared route, `test_route_answers_each_persona_as_declared` requests a URL built with
sample arguments as each persona (tests/personas.py) with GET, HEAD and POST (GET and POST for the
admin), checks the status (200, 302 to the login page, another redirect, 403, 404, 405), and
checks that the database is exactly as it was after every request that is not declared as a
write (PostgreSQL's count of the rows the test's transaction wrote, every table): a refused
request changes nothing. Every HTML page answered 200 (the admin's aside) uses no DSFR class that
the site's style sheets lack (tests/styles.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from feeds.models import Feed, FeedRun
from offers.models import Offer
from partnership.accounts.enums import Role
from partnership.accounts.models import Invitation, JoinRequest, Membership, Organisation
from partnership.accounts.tokens import invitation_token
from partnership.alerts import services as alert_services
from tests.alerts.support import make_alert
from tests.factories import FeedRunFactory, OfferFactory, OrganisationFactory, UserFactory
from tests.personas import PERSONAS, STAFF_PERSONAS, client_as
from tests.styles import unstyled_dsfr_classes

# Status classes besides the HTTP codes themselves.
LOGIN = "302 to /connexion/"  # the login page, with `next` back to the page
ADMIN_LOGIN = "302 to /admin/login/"  # the admin's login page
REDIRECT = "302 elsewhere"  # a redirect that is not to a login page
LET_IN = "let in"  # the admin for staff: anything but a login redirect or a server error
UP_OR_DOWN = "200 or 503"  # /healthz: the state of the services, for everyone

Status = int | str
Expectation = dict[str, Status]

NON_STAFF = tuple(name for name in PERSONAS if name not in STAFF_PERSONAS)
LOGGED_IN = tuple(name for name in PERSONAS if name != "anonymous")


def everyone(status: Status) -> Expectation:
    return dict.fromkeys(PERSONAS, status)


def staff_only(allowed: Status) -> Expectation:
    """Anonymous: the login page; logged in without being staff: 403; staff (scoped or not): `allowed`."""
    return everyone(403) | {"anonymous": LOGIN} | dict.fromkeys(STAFF_PERSONAS, allowed)


@dataclass(frozen=True)
class Route:
    get: Expectation
    post: Expectation
    head: Expectation | None = None  # None: as GET
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    # Personas whose POST may change the database (every other request must leave it as it was).
    writes: tuple[str, ...] = ()
    # Where the login page leads back (default: the URL itself; after a POST, the form's page).
    login_next: Callable[[World], str] | None = None


@dataclass
class World:
    organisation: Organisation
    other_organisation: Organisation
    offer: Offer
    feed: Feed
    run: FeedRun
    clients: dict[str, Client] = field(default_factory=dict)


def public_page(**kwargs: str) -> Route:
    """A public page behind `require_GET`, which refuses HEAD too."""
    return Route(get=everyone(200), head=everyone(405), post=everyone(405), kwargs=lambda world: kwargs)


PUBLIC_PAGE = public_page()
PUBLIC_FILE = Route(get=everyone(200), post=everyone(405))  # require_safe: GET and HEAD
STAFF_PAGE = Route(get=staff_only(200), post=everyone(405))
API_READ = Route(get=everyone(200), post=everyone(405))  # --- reach (issue 15): GET and HEAD


# --- accounts: sign-up, passwords, organisations, members (issue 12)
MEMBERS_ONLY = everyone(404) | {"anonymous": LOGIN, "member": 200, "administrator": 200}
ADMINISTRATORS_POST = everyone(404) | {"anonymous": LOGIN, "member": 403}
STAFF_IN_SCOPE = everyone(403) | {"anonymous": LOGIN, "scoped_staff": 404}


def _members_page(world: World) -> str:
    return reverse("accounts:members", kwargs={"organisation": world.organisation.pk})


def _administrator_membership(world: World) -> dict[str, Any]:
    membership = Membership.objects.get(organisation=world.organisation, role=Role.ADMINISTRATOR)
    return {"organisation": world.organisation.pk, "pk": membership.pk}


def _join_request(world: World) -> dict[str, Any]:
    join_request = JoinRequest.objects.create(organisation=world.organisation, user=UserFactory())
    return {"organisation": world.organisation.pk, "pk": join_request.pk}


def _invitation(world: World) -> dict[str, Any]:
    invitation = Invitation.objects.create(organisation=world.organisation, email="invitee@example.org")
    return {"organisation": world.organisation.pk, "pk": invitation.pk}


def _invitation_token(world: World) -> dict[str, Any]:
    invitation = Invitation.objects.create(organisation=world.organisation, email="invitee@example.org")
    return {"token": invitation_token(invitation.pk)}


def _pending_organisation(world: World) -> dict[str, Any]:
    return {"pk": OrganisationFactory(pending=True).pk}  # in Tulle (19): not in scoped staff's Cantal


def _request_to_organisation_without_administrator(world: World) -> dict[str, Any]:
    return {"pk": JoinRequest.objects.create(organisation=OrganisationFactory(), user=UserFactory()).pk}


def _staff_list(world: World) -> str:
    return reverse("accounts:staff-organisations")


ACCOUNTS_ROUTES: dict[str, Route] = {
    # Logged-in people are sent on to their organisation; an empty form answers with its errors.
    "accounts:signup": Route(get=everyone(REDIRECT) | {"anonymous": 200}, post=everyone(REDIRECT) | {"anonymous": 200}),
    "accounts:signup-sent": public_page(),
    # A link that is altered: 404 with what to do.
    "accounts:signup-confirm": Route(get=everyone(404), post=everyone(404), kwargs=lambda w: {"token": "abc:def"}),
    "accounts:password-reset": Route(get=everyone(200), post=everyone(200)),
    "accounts:password-reset-sent": Route(get=everyone(200), post=everyone(405)),
    "accounts:password-reset-confirm": Route(
        get=everyone(200), post=everyone(200), kwargs=lambda w: {"uidb64": "MQ", "token": "abc-def"}
    ),
    "accounts:password-reset-complete": Route(get=everyone(200), post=everyone(405)),
    "accounts:password-change": Route(
        get=everyone(200) | {"anonymous": LOGIN}, post=everyone(200) | {"anonymous": LOGIN}
    ),
    "accounts:organisation-join": Route(
        get=everyone(200) | {"anonymous": LOGIN}, post=everyone(200) | {"anonymous": LOGIN}
    ),
    "accounts:organisation-create": Route(
        get=everyone(200) | {"anonymous": LOGIN}, post=everyone(200) | {"anonymous": LOGIN}
    ),
    "accounts:members": Route(
        get=MEMBERS_ONLY, post=everyone(405), kwargs=lambda w: {"organisation": w.organisation.pk}
    ),
    # An empty invitation form: 400 with its errors.
    "accounts:member-invite": Route(
        get=everyone(405),
        post=ADMINISTRATORS_POST | {"administrator": 400},
        kwargs=lambda w: {"organisation": w.organisation.pk},
        login_next=_members_page,
    ),
    # No role chosen: back to the page with an error.
    "accounts:member-role": Route(
        get=everyone(405),
        post=ADMINISTRATORS_POST | {"administrator": REDIRECT},
        kwargs=_administrator_membership,
        login_next=_members_page,
    ),
    # The last administrator removing themselves: refused, back to the page with the reason.
    "accounts:member-remove": Route(
        get=everyone(405),
        post=ADMINISTRATORS_POST | {"administrator": REDIRECT},
        kwargs=_administrator_membership,
        login_next=_members_page,
    ),
    # No decision given: back to the page with an error.
    "accounts:join-request-decide": Route(
        get=everyone(405),
        post=ADMINISTRATORS_POST | {"administrator": REDIRECT},
        kwargs=_join_request,
        login_next=_members_page,
    ),
    "accounts:invitation-cancel": Route(
        get=everyone(405),
        post=ADMINISTRATORS_POST | {"administrator": REDIRECT},
        kwargs=_invitation,
        writes=("administrator",),
        login_next=_members_page,
    ),
    # Anonymous: the sign-up form (empty: 400); logged in with another address: the page says so (400 on POST).
    "accounts:invitation": Route(get=everyone(200), post=everyone(400), kwargs=_invitation_token),
    "accounts:staff-organisations": Route(get=staff_only(200), post=everyone(405)),
    # Staff approve (a write); it is then no longer pending (404 for the superuser after them).
    "accounts:staff-organisation-approve": Route(
        get=everyone(405),
        post=STAFF_IN_SCOPE | {"staff": REDIRECT, "superuser": 404},
        kwargs=_pending_organisation,
        writes=("staff",),
        login_next=_staff_list,
    ),
    # No reason given: 400 with the error.
    "accounts:staff-organisation-refuse": Route(
        get=everyone(405),
        post=STAFF_IN_SCOPE | {"staff": 400, "superuser": 400},
        kwargs=_pending_organisation,
        login_next=_staff_list,
    ),
    # No decision given: back to the page with an error.
    "accounts:staff-join-request-decide": Route(
        get=everyone(405),
        post=STAFF_IN_SCOPE | {"staff": REDIRECT, "superuser": REDIRECT},
        kwargs=_request_to_organisation_without_administrator,
        login_next=_staff_list,
    ),
}


ROUTES: dict[str, Route] = {
    "home": PUBLIC_PAGE,
    "healthz": Route(get=everyone(UP_OR_DOWN), head=everyone(405), post=everyone(405)),
    "security-txt": PUBLIC_PAGE,
    "accessibility": PUBLIC_PAGE,
    "legal-notice": PUBLIC_PAGE,
    "personal-data": PUBLIC_PAGE,
    "data-sources": PUBLIC_PAGE,
    # --- seekers (issue 14)
    "glossary": PUBLIC_PAGE,
    "territories:index": PUBLIC_PAGE,
    "territories:commune-autocomplete": PUBLIC_PAGE,
    "territories:commune": public_page(code="19272"),
    "territories:departement": public_page(code="19"),
    "territories:region": public_page(code="75"),
    "territories:programme": public_page(slug="petites-villes-de-demain"),
    "offers:search": PUBLIC_PAGE,
    # django.contrib.syndication answers every method; nothing is written.
    "offers:feed-rss": Route(get=everyone(200), post=everyone(200)),
    "offers:feed-atom": Route(get=everyone(200), post=everyone(200)),
    "offers:detail-short": Route(get=everyone(REDIRECT), post=everyone(405), kwargs=lambda w: {"pk": w.offer.pk}),
    "offers:detail": Route(
        get=everyone(200), post=everyone(405), kwargs=lambda w: {"pk": w.offer.pk, "slug": w.offer.slug}
    ),
    "feeds:list": STAFF_PAGE,
    "feeds:detail": Route(get=staff_only(200), post=everyone(405), kwargs=lambda w: {"slug": w.feed.slug}),
    "feeds:run": Route(
        get=everyone(405),
        post=staff_only(REDIRECT),
        kwargs=lambda w: {"slug": w.feed.slug},
        writes=STAFF_PERSONAS,
        login_next=lambda w: reverse("feeds:detail", args=[w.feed.slug]),
    ),
    "feeds:run-detail": Route(
        get=staff_only(200), post=everyone(405), kwargs=lambda w: {"slug": w.feed.slug, "pk": w.run.pk}
    ),
    # Logged-in people are sent on (home); an empty form answers with its errors and counts no failure.
    "accounts:login": Route(get=everyone(REDIRECT) | {"anonymous": 200}, post=everyone(REDIRECT) | {"anonymous": 200}),
    # Logging out is a POST: it ends the session (a write), and anonymous people are sent home too.
    # GET answers a page with the logout button (issue 12).
    "accounts:logout": Route(get=everyone(200), post=everyone(REDIRECT), writes=LOGGED_IN),
    # --- accounts: sign-up, passwords, organisations, members (issue 12)
    **ACCOUNTS_ROUTES,
    "sitemap": PUBLIC_FILE,
    "sitemap-section": Route(get=everyone(200), post=everyone(405), kwargs=lambda w: {"section": "pages"}),
    "robots": PUBLIC_FILE,
    # --- reach: e-mail alerts (issue 15). No account: the signed link is the key, the same for everyone.
    "alerts:index": Route(get=everyone(200), head=everyone(405), post=everyone(200)),
    "alerts:new": Route(get=everyone(200), head=everyone(405), post=everyone(200)),
    "alerts:confirm": Route(
        get=everyone(200),
        head=everyone(405),
        post=everyone(200),
        kwargs=lambda w: {"token": alert_services.confirmation_token(make_alert())},
        writes=PERSONAS,  # the first POST confirms
    ),
    "alerts:unsubscribe": Route(
        get=everyone(200),
        head=everyone(405),
        post=everyone(200),
        kwargs=lambda w: {"token": alert_services.unsubscribe_token(make_alert())},
        writes=PERSONAS,  # the first POST deletes the alert
    ),
    "alerts:manage": Route(
        get=everyone(200),
        head=everyone(405),
        post=everyone(200),  # nothing chosen: the page again, with its error
        kwargs=lambda w: {"token": alert_services.manage_token(make_alert().subscriber)},
    ),
    "offers:export-csv": PUBLIC_PAGE,  # --- reach (issue 15): the search as a CSV file
    "offers:map": PUBLIC_PAGE,  # --- reach (issue 15): the map of a search
    "statistics": PUBLIC_PAGE,  # --- reach (issue 15): statistics and their CSV files
    "statistics-csv": public_page(slug="types"),
    # --- reach: open-data API (issue 15). Read-only, anonymous, the same for everyone.
    "api:documentation": PUBLIC_PAGE,
    "api:schema": API_READ,
    "api:offer-list": API_READ,
    "api:offer-detail": Route(get=everyone(200), post=everyone(405), kwargs=lambda w: {"pk": w.offer.pk}),
    "api:commune-list": API_READ,
    "api:commune-detail": Route(get=everyone(200), post=everyone(405), kwargs=lambda w: {"pk": "19272"}),
    "api:departement-list": API_READ,
    "api:departement-detail": Route(get=everyone(200), post=everyone(405), kwargs=lambda w: {"pk": "2A"}),
    "api:region-list": API_READ,
    "api:region-detail": Route(get=everyone(200), post=everyone(405), kwargs=lambda w: {"pk": "75"}),
    "api:programme-list": API_READ,
    "api:programme-detail": Route(get=everyone(200), post=everyone(405), kwargs=lambda w: {"pk": "pvd"}),
}


# --- Recruitment by collectivités (issue 12) -------------------------------------------------------
MEMBERS = ("member", "administrator")  # of `organisation`, the commune of Tulle


def recruitment_world(world: World) -> dict[str, Any]:
    """A draft and a published offer of `organisation` (Tulle, Corrèze 19), and an application to the latter."""
    from tests.factories import ApplicationFactory, PostingFactory

    if "recruitment" not in world.__dict__:
        draft = PostingFactory(organisation=world.organisation, offer__draft=True)
        published = PostingFactory(organisation=world.organisation)
        world.__dict__["recruitment"] = {
            "draft": draft.pk,
            "published": published.pk,
            "application": ApplicationFactory(posting=published).pk,
        }
    return world.__dict__["recruitment"]


def members_only(allowed: Status) -> Expectation:
    """Anonymous: the login page; members of the organisation: `allowed`; anyone else (staff too): 404."""
    return everyone(404) | {"anonymous": LOGIN} | dict.fromkeys(MEMBERS, allowed)


def space(**objects: str) -> Callable[[World], dict[str, Any]]:
    """URL arguments in `organisation`'s space: `pk="draft"` → the draft offer's id."""
    return lambda w: {"organisation": w.organisation.pk} | {k: recruitment_world(w)[v] for k, v in objects.items()}


def space_page(**objects: str) -> Route:
    return Route(get=members_only(200), post=everyone(405), kwargs=space(**objects))


def moderation(allowed: Status) -> Expectation:
    """Staff: `allowed`; staff of the Cantal only: 404 (the offer is in the Corrèze)."""
    return staff_only(allowed) | {"scoped_staff": 404}


ROUTES |= {
    "recruitment:home": Route(get=everyone(200) | {"anonymous": LOGIN}, post=everyone(405)),
    "recruitment:organisation": space_page(),
    # An empty form answers with its errors (200) and saves nothing.
    "recruitment:offer-create": Route(
        get=members_only(200),
        post=members_only(200),
        kwargs=lambda w: {"organisation": w.organisation.pk, "kind": "vta"},
    ),
    "recruitment:offer": space_page(pk="draft"),
    "recruitment:offer-edit": Route(get=members_only(200), post=members_only(200), kwargs=space(pk="draft")),
    "recruitment:offer-preview": space_page(pk="draft"),
    "recruitment:offer-renew": space_page(pk="published"),
    # POST only; an empty form changes nothing and goes back to the offer.
    "recruitment:offer-action": Route(
        get=everyone(405),
        post=members_only(REDIRECT),
        kwargs=space(pk="draft"),
        login_next=lambda w: reverse(
            "recruitment:offer", kwargs={"organisation": w.organisation.pk, "pk": recruitment_world(w)["draft"]}
        ),
    ),
    "recruitment:application": space_page(pk="application"),
    "recruitment:application-triage": Route(
        get=everyone(405),
        post=members_only(REDIRECT),
        kwargs=space(pk="application"),
        login_next=lambda w: reverse(
            "recruitment:application",
            kwargs={"organisation": w.organisation.pk, "pk": recruitment_world(w)["application"]},
        ),
    ),
    "recruitment:application-cv": space_page(pk="application"),
    # Administrators of the organisation only (a plain member: 403); a delete is a write.
    "recruitment:application-export": Route(
        get=members_only(200) | {"member": 403}, post=everyone(405), kwargs=space(pk="application")
    ),
    "recruitment:application-delete": Route(
        get=everyone(405),
        post=members_only(REDIRECT) | {"member": 403},
        kwargs=space(pk="application"),
        writes=("administrator",),
        login_next=lambda w: reverse(
            "recruitment:application",
            kwargs={"organisation": w.organisation.pk, "pk": recruitment_world(w)["application"]},
        ),
    ),
    "moderation:queue": STAFF_PAGE,
    "moderation:offer": Route(
        get=moderation(200), post=everyone(405), kwargs=lambda w: {"pk": recruitment_world(w)["published"]}
    ),
    "moderation:offer-preview": Route(
        get=moderation(200), post=everyone(405), kwargs=lambda w: {"pk": recruitment_world(w)["draft"]}
    ),
    # An empty decision answers 400 with the form's errors, and changes nothing.
    "moderation:decide": Route(
        get=everyone(405),
        post=moderation(400),
        kwargs=lambda w: {"pk": recruitment_world(w)["published"]},
        login_next=lambda w: reverse("moderation:offer", kwargs={"pk": recruitment_world(w)["published"]}),
    ),
    # Candidates need no account; an empty application answers 400 with its errors.
    "applications:apply": Route(
        get=everyone(200), post=everyone(400), kwargs=lambda w: {"pk": recruitment_world(w)["published"]}
    ),
    "applications:thanks": Route(
        get=everyone(200), post=everyone(405), kwargs=lambda w: {"pk": recruitment_world(w)["published"]}
    ),
}


# --- CLCT, the Apec delegates' space (issue 13) ------------------------------------------------------
# The sample objects are the Corrèze committee's (19, Nouvelle-Aquitaine: `delegate`'s région, not
# `other_delegate`'s nor `scoped_staff`'s); `delegate` is invited to the meeting. Staff and delegates use
# the space; other accounts get 403; another région's objects answer 404.
CLCT_PARTICIPANTS = ("delegate", "other_delegate", *STAFF_PERSONAS)
CLCT_OF_CORREZE = ("delegate", "staff", "superuser")
CLCT_DELEGATES = ("delegate", "other_delegate")


def clct(allowed: Status, *, elsewhere: Status = 404, only: tuple[str, ...] = CLCT_OF_CORREZE) -> Expectation:
    """Anonymous: the login page; accounts with no CLCT role: 403; the Corrèze's: `allowed`; the others: `elsewhere`."""
    return (
        everyone(403)
        | {"anonymous": LOGIN}
        | dict.fromkeys(CLCT_PARTICIPANTS, elsewhere)
        | dict.fromkeys(only, allowed)
    )


def clct_world(world: World) -> Any:
    """The CLCT sample objects, made once per test (before the database snapshot)."""
    from partnership.accounts.models import Delegate
    from partnership.clct import links
    from partnership.clct.models import DelegateSettings
    from tests.clct.factories import ActionFactory, InvitationFactory

    if not hasattr(world, "clct"):
        delegate = Delegate.objects.get(user__email="delegue.nouvelle-aquitaine@apec.fr")
        invitation = InvitationFactory(delegate=delegate)
        prefs = DelegateSettings.objects.get(delegate=delegate)  # written with the delegate: no GET writes it
        world.clct = {  # type: ignore[attr-defined]
            "meeting": invitation.meeting,
            "action": ActionFactory(meeting=invitation.meeting, owner=delegate.user),
            "feed_token": prefs.calendar_token,
            "rsvp_token": links.rsvp_token(invitation_id=invitation.pk, rsvp="yes", version=0),
            "unsubscribe_token": links.unsubscribe_token(delegate.pk),
        }
    return world.clct  # type: ignore[attr-defined]


CLCT_PAGE = Route(get=clct(200, only=CLCT_PARTICIPANTS), head=everyone(405), post=everyone(405))
ROUTES |= {
    "clct:home": CLCT_PAGE,
    "clct:meetings": CLCT_PAGE,
    "clct:calendar": CLCT_PAGE,
    "clct:actions": CLCT_PAGE,
    "clct:committee": Route(
        get=clct(200), head=everyone(405), post=everyone(405), kwargs=lambda w: {"departement": "19"}
    ),
    # An empty form answers with its errors (400) and writes nothing.
    "clct:meeting-create": Route(get=clct(200), post=clct(400), kwargs=lambda w: {"departement": "19"}),
    "clct:meeting": Route(
        get=clct(200), head=everyone(405), post=everyone(405), kwargs=lambda w: {"pk": clct_world(w)["meeting"].pk}
    ),
    "clct:meeting-edit": Route(get=clct(200), post=clct(400), kwargs=lambda w: {"pk": clct_world(w)["meeting"].pk}),
    # Only a delegate answers (staff have no invitation: 403).
    "clct:meeting-rsvp": Route(
        get=everyone(405),
        post=clct(400) | {"staff": 403, "superuser": 403},
        kwargs=lambda w: {"pk": clct_world(w)["meeting"].pk},
        login_next=lambda w: reverse("clct:meeting", args=[clct_world(w)["meeting"].pk]),
    ),
    # Before the meeting: sent back to its page with a message, nothing recorded.
    "clct:meeting-attendance": Route(
        get=everyone(405),
        post=clct(REDIRECT),
        kwargs=lambda w: {"pk": clct_world(w)["meeting"].pk},
        login_next=lambda w: reverse("clct:meeting", args=[clct_world(w)["meeting"].pk]),
    ),
    "clct:meeting-note": Route(
        get=everyone(405),
        post=clct(400),
        kwargs=lambda w: {"pk": clct_world(w)["meeting"].pk},
        login_next=lambda w: reverse("clct:meeting", args=[clct_world(w)["meeting"].pk]),
    ),
    "clct:action-create": Route(
        get=everyone(405),
        post=clct(400),
        kwargs=lambda w: {"pk": clct_world(w)["meeting"].pk},
        login_next=lambda w: reverse("clct:meeting", args=[clct_world(w)["meeting"].pk]),
    ),
    "clct:action-done": Route(
        get=everyone(405),
        post=clct(REDIRECT),
        kwargs=lambda w: {"pk": clct_world(w)["action"].pk},
        writes=CLCT_OF_CORREZE,
        login_next=lambda w: reverse("clct:actions"),
    ),
    # A delegate's own settings: staff without a delegate profile get 403.
    "clct:subscription": Route(
        get=clct(200, elsewhere=403, only=CLCT_DELEGATES),
        head=everyone(405),
        post=everyone(405),
        kwargs=lambda w: clct_world(w) and {},
    ),
    "clct:subscription-renew": Route(
        get=everyone(405),
        post=clct(REDIRECT, elsewhere=403, only=CLCT_DELEGATES),
        writes=CLCT_DELEGATES,
        login_next=lambda w: reverse("clct:subscription"),
    ),
    "clct:preferences": Route(
        get=clct(200, elsewhere=403, only=CLCT_DELEGATES),
        post=clct(REDIRECT, elsewhere=403, only=CLCT_DELEGATES),
        kwargs=lambda w: clct_world(w) and {},
        writes=CLCT_DELEGATES,
    ),
    # The secret address is the key: anyone holding it reads the feed.
    "clct:ical-feed": Route(
        get=everyone(200), post=everyone(405), kwargs=lambda w: {"token": clct_world(w)["feed_token"]}
    ),
    # The e-mail's one-click answer, no login: another account is refused (403); the first POST (anonymous,
    # the matrix's first persona) spends the link, then its delegate gets « already used » (410).
    "clct:rsvp-link": Route(
        get=everyone(403) | {"anonymous": 200, "delegate": 200},
        post=everyone(403) | {"anonymous": 200, "delegate": 410},
        kwargs=lambda w: {"token": clct_world(w)["rsvp_token"]},
        writes=("anonymous",),
    ),
    # RFC 8058 one-click unsubscribe: a POST without CSRF token nor login; the first one writes.
    "clct:unsubscribe": Route(
        get=everyone(200),
        post=everyone(200),
        kwargs=lambda w: {"token": clct_world(w)["unsubscribe_token"]},
        writes=("anonymous",),
    ),
}


# --- The resolver's patterns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route itself for a pattern without a name
    route: str
    namespace: str
    named: bool


def walk(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            assert isinstance(pattern, URLPattern)
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Pattern(key=name or route, route=route, namespace=namespace, named=bool(name))


PATTERNS = {pattern.key: pattern for pattern in walk()}


def is_admin(key: str) -> bool:
    return PATTERNS[key].namespace == "admin"


def test_every_url_pattern_declares_who_may_see_it():
    undeclared = sorted(key for key in PATTERNS if not is_admin(key) and key not in ROUTES)
    stale = sorted(key for key in ROUTES if key not in PATTERNS)

    assert not undeclared, f"declare who may see these pages in tests/test_route_matrix.py ROUTES: {undeclared}"
    assert not stale, f"these ROUTES match no URL pattern any more: {stale}"


def test_the_walk_sees_every_kind_of_pattern():
    """Nested namespaces, the admin's own, unnamed patterns: a walk that missed them would check nothing."""
    assert {"feeds:run", "accounts:login", "admin:index", "admin:accounts_organisation_change"} <= set(PATTERNS)
    assert any(key.startswith("admin/") for key in PATTERNS)  # the admin's catch-all and redirects
    assert len(PATTERNS) == len(list(walk()))  # no two patterns under one key


# --- Requests ------------------------------------------------------------------------------------


def admin_route(key: str) -> Route:
    """The admin's rule: everyone but staff goes to the admin's login page; staff are let in.

    The admin's login page is the site's (`/connexion/`, under its limiter): anonymous people are
    sent there, on to the admin's index; staff who are logged in go on to the index; anyone else
    logged in gets the 403 page. The admin's logout sends the others to its index (which sends
    them to its login page), and ends the session of staff.
    """
    if key == "admin:login":
        login = everyone(403) | {"anonymous": LOGIN} | dict.fromkeys(STAFF_PERSONAS, REDIRECT)
        return Route(get=login, post=login, login_next=lambda world: reverse("admin:index"))
    if key == "admin:logout":
        return Route(
            get=everyone(REDIRECT) | dict.fromkeys(STAFF_PERSONAS, LET_IN),
            post=everyone(REDIRECT) | dict.fromkeys(STAFF_PERSONAS, LET_IN),
            writes=STAFF_PERSONAS,
        )
    return Route(
        get=everyone(ADMIN_LOGIN) | dict.fromkeys(STAFF_PERSONAS, LET_IN),
        post=everyone(ADMIN_LOGIN) | dict.fromkeys(STAFF_PERSONAS, LET_IN),
    )


def admin_kwargs(key: str, world: World) -> dict[str, Any]:
    """Sample arguments for an admin URL: an object of the model the URL is about, when there is one."""
    route = PATTERNS[key].route
    kwargs: dict[str, Any] = {}
    if "(?P<app_label>" in route:
        kwargs["app_label"] = "accounts"
    if "<path:content_type_id>" in route:
        kwargs["content_type_id"] = ContentType.objects.get_for_model(Organisation).pk
        kwargs["object_id"] = world.organisation.pk
    elif "<path:object_id>" in route or "<id>" in route:
        model = next(
            model
            for model in admin.site._registry
            if route.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/")
        )
        instance = model._default_manager.order_by("pk").first()
        kwargs["id" if "<id>" in route else "object_id"] = instance.pk if instance is not None else 0
    if "(?P<url>" in route:
        kwargs["url"] = "nulle-part/"
    return kwargs


def build_url(key: str, kwargs: dict[str, Any]) -> str:
    if PATTERNS[key].named:
        return reverse(key, kwargs=kwargs)
    # An unnamed pattern: fill its converters in (`<path:object_id>`, `(?P<url>.*)`).
    url = "/" + PATTERNS[key].route
    for name, value in kwargs.items():
        url = url.replace(f"<path:{name}>", str(value)).replace(f"(?P<{name}>.*)", str(value))
    return url.removeprefix("/^").replace("$", "").replace("\\Z", "")


def snapshot() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted so far by the test's transaction, per table (every table).

    PostgreSQL counts them for the current transaction (`pg_stat_xact_user_tables`), including
    writes rolled back to a savepoint: a request that even tried to write shows.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {table: (inserted, updated, deleted) for table, inserted, updated, deleted in cursor.fetchall()}


def classify(response: Any, expected: Status) -> Status:
    """The response's status class, in the vocabulary of `expected`."""
    status = response.status_code
    location = response.get("Location", "")
    if status == 302 and location.startswith("/connexion/?next="):
        return LOGIN
    if status == 302 and location.startswith("/admin/login/?next="):
        return ADMIN_LOGIN
    if expected == LET_IN and status < 500:
        return LET_IN
    if expected == UP_OR_DOWN and status in (200, 503):
        return UP_OR_DOWN
    if status in (301, 302):
        return REDIRECT
    return status


@pytest.fixture
def world(personas, organisation, other_organisation, settings) -> World:
    settings.HEALTHZ_CELERY_TIMEOUT = 0.05  # no worker in tests: /healthz answers 503 at once
    run = FeedRunFactory()
    world = World(
        organisation=organisation,
        other_organisation=other_organisation,
        offer=OfferFactory(),
        feed=run.feed,
        run=run,
    )
    world.clients = {name: client_as(user) for name, user in personas.items()}
    return world


def marks(key: str) -> list[pytest.MarkDecorator]:
    if not is_admin(key):
        return []
    # The admin's own templates use variables their forms lack (strict template variables would fail).
    return [pytest.mark.ignore_template_errors]


@pytest.mark.parametrize("key", [pytest.param(key, marks=marks(key)) for key in sorted(PATTERNS)])
def test_route_answers_each_persona_as_declared(world, key):
    route = admin_route(key) if is_admin(key) else ROUTES[key]
    kwargs = admin_kwargs(key, world) if is_admin(key) else route.kwargs(world)
    url = build_url(key, kwargs)
    # POST last: logging out (a POST) would make the later requests anonymous.
    methods = {"GET": route.get} | ({} if is_admin(key) else {"HEAD": route.head or route.get}) | {"POST": route.post}

    wrong: list[str] = []
    state = snapshot()
    for method, expectations in methods.items():
        for persona in PERSONAS:
            expected = expectations[persona]
            response = world.clients[persona].generic(method, url)
            got = classify(response, expected)
            if got != expected:
                wrong.append(f"{method} {url} as {persona}: expected {expected}, got {response.status_code} {got}")
            elif got == LOGIN:
                back = route.login_next(world) if route.login_next else url
                if response["Location"] != f"/connexion/?next={quote(back)}":
                    wrong.append(f"{method} {url} as {persona}: login page leads back to {response['Location']}")
            html = response.status_code == 200 and "text/html" in response.get("Content-Type", "")
            if html and not is_admin(key) and (unstyled := unstyled_dsfr_classes(response.content.decode())):
                wrong.append(f"{method} {url} as {persona}: DSFR classes without their rules {sorted(unstyled)}")
            before, state = state, snapshot()
            if state != before and not (method == "POST" and persona in route.writes):
                changed = sorted(table for table in state if state[table] != before.get(table))
                wrong.append(f"{method} {url} as {persona} ({response.status_code}) changed {changed}")

    assert not wrong, "\n".join(wrong)
