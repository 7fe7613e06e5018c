"""Alert pages: no account; the signed links of the e-mails are the only keys (see services.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from partnership.alerts import services
from partnership.alerts.forms import AlertForm, DeleteForm, ManageLinkForm
from partnership.alerts.models import Alert, Subscriber
from partnership.alerts.ratelimit import over_limit
from partnership.alerts.searches import alert_query, describe, filterset, query_dict
from partnership.views import too_many_requests


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/invalid_link.html", status=404)


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """« Recevoir ces offres par e-mail »: the search in words, an address and a frequency."""
    if request.method == "POST":
        form = AlertForm(request.POST)
        query = alert_query(query_dict(request.POST.get("recherche", "")))
    else:
        query = alert_query(request.GET)
        form = AlertForm(initial={"recherche": query})
    description = describe(filterset(query))
    if form.is_valid():
        email = form.cleaned_data["email"]
        if (retry_after := over_limit(request, email)) is not None:
            return too_many_requests(request, retry_after)
        services.request_alert(
            email=email, query=query, description=description, frequency=form.cleaned_data["frequency"]
        )
        return render(request, "alerts/requested.html", {"description": description})
    search_url = reverse("offers:search") + (f"?{query}" if query else "")
    return render(request, "alerts/new.html", {"form": form, "description": description, "search_url": search_url})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation e-mail: the search restated, and a button (a GET changes nothing:
    mail scanners follow links)."""
    try:
        alert_id = services.alert_of_confirmation(token)
    except services.InvalidLink:
        return _invalid_link(request)
    alert = services.confirm(alert_id) if request.method == "POST" else Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        return _invalid_link(request)
    context = {"alert": alert, "manage_url": reverse("alerts:manage", args=[services.manage_token(alert.subscriber)])}
    return render(request, "alerts/confirm.html", context)


@csrf_exempt  # one-click unsubscribe (RFC 8058): mail clients POST to the link, with no form and no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        alert_id = services.alert_of_unsubscribe(token)
    except services.InvalidLink:
        return _invalid_link(request)
    if request.method == "POST":
        services.delete_alert(alert_id)
        return render(request, "alerts/unsubscribe.html", {"done": True})
    alert = Alert.objects.filter(pk=alert_id).first()
    return render(request, "alerts/unsubscribe.html", {"alert": alert, "done": alert is None})


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """Every alert of an address, each with a delete button, and « delete them all »."""
    try:
        subscriber_id = services.subscriber_of_manage(token)
    except services.InvalidLink:
        return _invalid_link(request)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["tout"]:
            services.delete_subscriber(subscriber_id)
        else:
            services.delete_alert(form.cleaned_data["alerte"], subscriber_id=subscriber_id)
        return redirect("alerts:manage", token=token)
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    alerts = list(subscriber.alerts.all()) if subscriber is not None else []
    for alert in alerts:
        alert.search_url = reverse("offers:search") + (f"?{alert.query}" if alert.query else "")  # type: ignore[attr-defined]
    return render(request, "alerts/manage.html", {"subscriber": subscriber, "alerts": alerts, "form": form})


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Ask for the link to one's alerts: the answer is the same whether the address has alerts or not."""
    form = ManageLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if (retry_after := over_limit(request, email)) is not None:
            return too_many_requests(request, retry_after)
        services.send_manage_link(email=email)
        return render(request, "alerts/index.html", {"form": None, "sent": True})
    return render(request, "alerts/index.html", {"form": form, "sent": False})
