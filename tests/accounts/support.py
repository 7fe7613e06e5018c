"""Helpers for the accounts tests: the links of the e-mails that were sent."""

from __future__ import annotations

import re

from django.core import mail

from partnership.notifications.models import Delivery

LINK = re.compile(r"https?://[^\s\"<>]+")


def links_in(text: str) -> list[str]:
    return LINK.findall(text)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def last_link(to: str, *, containing: str) -> str:
    """The path of the last link containing `containing` in the last e-mail sent to `to`."""
    messages = [message for message in mail.outbox if to in message.to]
    assert messages, f"no e-mail sent to {to}"
    found = [link for link in links_in(messages[-1].body) if containing in link]
    assert found, f"no link with {containing!r} in: {messages[-1].body}"
    return path_of(found[-1])


def deliveries(purpose: str) -> list[Delivery]:
    return list(Delivery.objects.filter(purpose=purpose).order_by("pk"))
