"""Staff pages of the feeds: every feed and its last run, a feed's runs, a run's report, "run now"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from feeds.enums import RunStatus, RunTrigger
from feeds.models import Feed, FeedRun
from feeds.services import file_problem, mark_lost_runs, request_run
from partnership.accounts.access import staff_required
from partnership.formatting import duration

RUNS_PER_PAGE = 50
REJECTED_PER_PAGE = 50

# DSFR badge of each run status: system colours for outcomes, accent colours for the states between.
STATUS_BADGES: dict[str, str] = {
    RunStatus.SUCCEEDED: "fr-badge--success",
    RunStatus.SUSPICIOUS: "fr-badge--warning",
    RunStatus.FAILED: "fr-badge--error",
    RunStatus.RUNNING: "fr-badge--info",
    RunStatus.QUEUED: "fr-badge--blue-cumulus",
    RunStatus.RETRYING: "fr-badge--yellow-moutarde",
    RunStatus.INTERRUPTED: "fr-badge--brown-caramel",
}


def location_label(feed: Feed) -> str:
    """The host of a remote feed, the file name of a local one (never credentials or a query string)."""
    if feed.is_remote:
        return urlsplit(feed.location).hostname or "?"
    return PurePosixPath(feed.location).name or feed.location


def interval_label(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return "tous les jours" if days == 1 else f"tous les {days} jours"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "toutes les heures" if hours == 1 else f"toutes les {hours} heures"
    return f"toutes les {minutes} minutes"


def duration_label(seconds: float | None) -> str:
    return "–" if seconds is None else duration(seconds)


def _decorate(runs: Iterable[FeedRun]) -> list[FeedRun]:
    """What the templates show of a run besides its fields: its badge and its duration."""
    runs = list(runs)
    for run in runs:
        run.badge_class = STATUS_BADGES.get(run.status, "")  # type: ignore[attr-defined]
        run.duration_label = duration_label(run.duration_seconds)  # type: ignore[attr-defined]
    return runs


def _page(request: HttpRequest, items: Any, per_page: int) -> tuple[Page, list[Any]]:
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    return page, list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@require_safe
@staff_required
def feed_list(request: HttpRequest) -> HttpResponse:
    last_run = FeedRun.objects.filter(feed=OuterRef("pk")).order_by("-queued_at", "-id").values("pk")[:1]
    feeds = list(Feed.objects.annotate(last_run_id=Subquery(last_run)).order_by("name"))
    runs = FeedRun.objects.in_bulk([feed.last_run_id for feed in feeds if feed.last_run_id])
    _decorate(runs.values())
    rows = [
        {
            "feed": feed,
            "location": location_label(feed),
            "interval": interval_label(feed.interval_minutes),
            "last_run": runs.get(feed.last_run_id),
        }
        for feed in feeds
    ]
    return render(request, "feeds/list.html", {"rows": rows, "breadcrumb": []})


@require_safe
@staff_required
def feed_detail(request: HttpRequest, slug: str) -> HttpResponse:
    feed = get_object_or_404(Feed, slug=slug)
    page, page_range = _page(
        request, feed.runs.select_related("requested_by").order_by("-queued_at", "-id"), RUNS_PER_PAGE
    )
    context = {
        "feed": feed,
        "location": location_label(feed),
        "interval": interval_label(feed.interval_minutes),
        "run_in_progress": feed.runs.unfinished().exists(),
        "file_problem": file_problem(feed),
        "page": page,
        "page_range": page_range,
        "runs": _decorate(page.object_list),
        "breadcrumb": [("Pilotage des flux", reverse("feeds:list"))],
    }
    return render(request, "feeds/detail.html", context)


@require_POST
@staff_required(form_page="feeds:detail")  # after logging in, back to the feed's page (its form)
def run_now(request: HttpRequest, slug: str) -> HttpResponse:
    feed = get_object_or_404(Feed, slug=slug)
    problem = file_problem(feed)
    if problem:  # a run would only fail: say why now, and queue nothing
        messages.error(request, cannot_run_message(feed, problem))
        return redirect(feed.get_absolute_url())
    now = timezone.now()
    lost = list(FeedRun.objects.lost(now).filter(feed=feed).values_list("heartbeat_at", flat=True))
    mark_lost_runs(now)
    run = request_run(feed, trigger=RunTrigger.STAFF, user=request.user)
    if run is None:
        messages.warning(request, busy_message(feed, now))
        return redirect(feed.get_absolute_url())
    text = f"La synchronisation du flux « {feed.name} » est demandée : elle commence dans quelques instants."
    if lost:
        since = f" depuis {local_time(lost[0])}" if lost[0] else ""
        text = (
            f"La synchronisation précédente ne donnait plus signe de vie{since} : son processus s’est arrêté, "
            "elle est marquée interrompue et rien n’en a été enregistré. " + text
        )
    if not feed.enabled:
        text += " Ce flux est désactivé : il est synchronisé cette fois-ci, mais pas selon sa fréquence."
    messages.success(request, text)
    return redirect(feed.get_absolute_url())


def cannot_run_message(feed: Feed, problem: str) -> str:
    return (
        f"Le flux « {feed.name} » ne peut pas être lancé : {problem}. Déposez le fichier dans le dossier des "
        f"flux du serveur ({settings.FEEDS_FILES_DIR}) ou corrigez l’adresse du flux dans l’administration."
    )


def local_time(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M:%S}"


def busy_message(feed: Feed, now: dt.datetime) -> str:
    """Why « Lancer maintenant » queued nothing: what the feed's unfinished run is doing."""
    run = FeedRun.objects.unfinished().filter(feed=feed).first()
    text = f"Une synchronisation du flux « {feed.name} » est déjà "
    if run is None:  # finished meanwhile
        return text + "demandée : aucune autre n’a été demandée."
    if run.status == RunStatus.RUNNING and run.heartbeat_at:
        ago = max(0, round((now - run.heartbeat_at).total_seconds()))
        text += (
            f"en cours depuis {local_time(run.started_at or run.queued_at)} "
            f"(dernier signe de vie il y a {ago} s ; sans signe de vie pendant "
            f"{max(1, round(settings.FEEDS_RUN_LOST_AFTER / 60))} min, elle sera tenue pour perdue)"
        )
    elif run.status == RunStatus.RETRYING:
        text += f"en attente d’un nouvel essai ({run.error})"
    else:
        text += f"en file d’attente depuis {local_time(run.queued_at)}"
    return text + " : aucune autre n’a été demandée."


@require_safe
@staff_required
def run_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    run = get_object_or_404(FeedRun.objects.select_related("feed", "requested_by"), pk=pk, feed__slug=slug)
    _decorate([run])
    page, page_range = _page(request, run.rejected_records.order_by("id"), REJECTED_PER_PAGE)
    context = {
        "feed": run.feed,
        "run": run,
        "page": page,
        "page_range": page_range,
        "rejected_records": page.object_list,
        "breadcrumb": [("Pilotage des flux", reverse("feeds:list")), (run.feed.name, run.feed.get_absolute_url())],
    }
    return render(request, "feeds/run_detail.html", context)
