"""Messages from templates: every e-mail is three templates rendered by `render_parts`, then built by
`build_message` (for a delivery being sent, or for a preview that sends nothing).

`template="feeds/emails/alert"` means:

- `feeds/emails/alert.subject.txt`: the subject, on one line (whitespace is collapsed);
- `feeds/emails/alert.txt`: the text part, rendered without HTML escaping;
- `feeds/emails/alert.html`: the HTML part, which extends `notifications/base.html` (lang="fr", a title,
  inline styles only, no images).

Every template gets `site_name` and `site_url` besides the caller's context; the text and HTML parts
also get `subject`. An unknown variable renders as Django's `string_if_invalid` (the tests fail on it).
"""

from __future__ import annotations

import base64
import email.utils
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template import Context, Engine

SITE_NAME = "Talents des territoires"

# A header name (RFC 5322 field name, kept to the usual characters) and the headers set by the message
# itself, which a caller may not replace.
_HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_RESERVED_HEADERS = frozenset(
    {
        "bcc",
        "cc",
        "content-transfer-encoding",
        "content-type",
        "date",
        "from",
        "message-id",
        "mime-version",
        "subject",
        "to",
    }
)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (an `.ics` invitation: `Attachment("reunion.ics", ics, "text/calendar")`)."""

    filename: str
    content: bytes | str
    mimetype: str

    def __post_init__(self) -> None:
        if not self.filename or "/" in self.filename or "\n" in self.filename or "\r" in self.filename:
            raise ValueError("an attachment needs a plain file name")
        if self.mimetype.count("/") != 1:
            raise ValueError("an attachment needs a MIME type such as text/calendar")

    @property
    def data(self) -> bytes:
        return self.content.encode() if isinstance(self.content, str) else self.content

    def as_json(self) -> dict[str, str]:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content_base64": base64.b64encode(self.data).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> Attachment:
        return cls(data["filename"], base64.b64decode(data["content_base64"]), data["mimetype"])


@dataclass(frozen=True)
class Parts:
    subject: str
    text: str
    html: str


def _render(name: str, context: Mapping[str, Any], *, autoescape: bool) -> str:
    template = Engine.get_default().get_template(name)
    return template.render(Context(dict(context), autoescape=autoescape))


def render_parts(template: str, context: Mapping[str, Any]) -> Parts:
    """Subject, text part and HTML part of `template` (see the module docstring)."""
    values: dict[str, Any] = {"site_name": SITE_NAME, "site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = " ".join(_render(f"{template}.subject.txt", values, autoescape=False).split())
    if not subject:
        raise ValueError(f"{template}.subject.txt rendered an empty subject")
    values["subject"] = subject
    text = _render(f"{template}.txt", values, autoescape=False).strip() + "\n"
    html = _render(f"{template}.html", values, autoescape=True)
    return Parts(subject=subject, text=text, html=html)


def clean_recipient(address: str) -> str:
    """One bare address (no display name): a delivery is one message to one person."""
    address = address.strip()
    validate_email(address)  # raises ValidationError
    return address


def clean_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The caller's extra headers, checked: plain names, not one the message sets, values on one line."""
    cleaned: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not _HEADER_NAME.match(name) or name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"header {name!r} cannot be set by the caller")
        if not isinstance(value, str) or "\n" in value or "\r" in value:
            raise ValueError(f"header {name!r} needs a one-line text value")
        cleaned[name] = value
    return cleaned


def message_id(delivery_id: int, stamp: str) -> str:
    """The same Message-ID for every attempt of a delivery: a client that received an earlier attempt
    (an SMTP error after the server took the message) can tell the second one is the same message."""
    domain = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<delivery-{delivery_id}.{stamp}@{domain}>"


def build_message(
    *,
    to: str,
    parts: Parts,
    headers: Mapping[str, str],
    attachments: Iterable[Attachment] = (),
) -> EmailMultiAlternatives:
    """The message as Django sends it: text part, HTML alternative, attachments, from DEFAULT_FROM_EMAIL."""
    message = EmailMultiAlternatives(
        subject=parts.subject, body=parts.text, to=[to], headers=dict(headers), from_email=settings.DEFAULT_FROM_EMAIL
    )
    message.attach_alternative(parts.html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.data, attachment.mimetype)
    return message


def check_attachments(attachments: Sequence[Attachment]) -> list[Attachment]:
    for attachment in attachments:
        if not isinstance(attachment, Attachment):
            raise TypeError("attachments must be notifications.rendering.Attachment")
    return list(attachments)
