"""Production-grade defaults: headers, cookies, error pages, security.txt, deploy check, logs."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from partnership import views
from partnership.accounts.models import User
from partnership.observability import ContextFilter, JsonFormatter

ROOT = Path(__file__).resolve().parent.parent


def template_files() -> list[Path]:
    """Django's templates and the search page's Jinja2 ones (partnership/jinja_env.py)."""
    return [*(ROOT / "templates").rglob("*.html"), *(ROOT / "jinja_templates").rglob("*.html")]


pytestmark = pytest.mark.django_db


def test_security_headers_on_a_secure_response(client):
    response = client.get("/", secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client):
    assert client.get("/healthz-nope", HTTP_X_REQUEST_ID="proxy-abc-12345")["X-Request-ID"] == "proxy-abc-12345"
    assert client.get("/", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")["X-Request-ID"] != "x\r\nSet-Cookie: a=b"


def test_pages_seen_logged_in_are_never_stored(client):
    user = User.objects.create_user("agent@example.org", "un mot de passe solide")
    assert "no-store" not in client.get("/").get("Cache-Control", "")

    client.force_login(user)
    assert "no-store" in client.get("/")["Cache-Control"]


def test_session_key_is_renewed_at_login_and_logout_ends_the_session(client):
    user = User.objects.create_user("agent@example.org", "un mot de passe solide")
    client.get("/")
    session = client.session
    session["before"] = 1
    session.save()
    before = session.session_key

    client.force_login(user)
    assert client.session.session_key != before

    key = client.session.session_key
    client.logout()
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


def test_deactivated_user_is_logged_out_at_the_next_request(client):
    user = User.objects.create_user("agent@example.org", "un mot de passe solide")
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = client.get("/")
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [
        (lambda r: views.bad_request(r, Exception("boom")), 400, "Requête incorrecte"),
        (lambda r: views.permission_denied(r, Exception("boom")), 403, "Accès refusé"),
        (lambda r: views.page_not_found(r, Exception("boom")), 404, "Page non trouvée"),
        (lambda r: views.too_many_requests(r, retry_after=120), 429, "Trop de demandes"),
        (lambda r: views.server_error(r), 500, "Erreur"),
    ],
)
def test_error_pages_are_french_and_show_no_trace(handler, status, title):
    request = RequestFactory().get("/quelque-part/")
    response = handler(request)

    body = response.content.decode()
    assert response.status_code == status
    assert title in body
    assert '<html lang="fr"' in body
    assert "Traceback" not in body and "boom" not in body
    if status == 429:
        assert response["Retry-After"] == "120"


def test_unknown_page_answers_the_french_404(client):
    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_security_txt_has_contact_and_a_future_expiry(client):
    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"].startswith("mailto:")
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert expires > datetime.now(tz=UTC)


def test_check_deploy_is_clean_under_production_settings():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": "k" * 20 + "-Q9z!x7Vb#m2Lp4Rt8Wn5Yc1Hs6Jd3Fg0Ak",
        "ALLOWED_HOSTS": "talents.example.fr",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/talents"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_host_bound(settings):
    # The test run is production-like except for HTTPS: read the defaults in a fresh interpreter.
    script = (
        "import json; from django.conf import settings as s; print(json.dumps([s.SESSION_COOKIE_NAME,"
        " s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE]))"
    )
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "partnership.settings", "SECRET_KEY": "x"}
    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["__Host-sessionid", "__Host-csrftoken", True, True, "Lax"]


def _json_line(record: logging.LogRecord) -> dict:
    ContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_json_logs_carry_ids_and_drop_secrets():
    record = logging.LogRecord("security", logging.INFO, __file__, 1, "login", (), None)
    record.event = "login"
    record.password = "secret"  # noqa: S105
    record.email = "agent@example.org"

    line = _json_line(record)

    assert line["message"] == "login" and line["event"] == "login"
    assert {"time", "level", "logger", "request_id", "user_id"} <= set(line)
    assert "password" not in line and "email" not in line


def test_failed_login_is_a_security_event_without_the_address(caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        assert authenticate(email="personne@example.org", password="faux") is None

    events = [r for r in caplog.records if r.name == "security"]
    assert [r.getMessage() for r in events] == ["login_failed"]
    assert "personne@example.org" not in caplog.text


def test_content_security_policy_allows_no_inline_script(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())

    assert directives["script-src"] == "'self'"  # no page uses a nonce: no inline script at all
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_templates_have_no_inline_script_or_handler():
    import re

    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for template in template_files():
        text = template.read_text()
        # E-mails are read in mail clients, not served under our CSP, and clients drop stylesheets: their
        # HTML is styled inline (partnership/notifications). Scripts and handlers stay forbidden there too.
        email = template.parts[-3:-1] == ("templates", "notifications") or "emails" in template.parts
        if inline_script.search(text) or handler.search(text) or ('style="' in text and not email):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


def test_request_outcome_logs_carry_the_request_id(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/cette-page-n-existe-pas/", HTTP_X_REQUEST_ID="req-404-abcdef")

    record = next(r for r in caplog.records if r.name == "django.request")
    assert _json_line(record)["request_id"] == response["X-Request-ID"] == "req-404-abcdef"


# Every place that marks a string safe, reviewed: each escapes or sanitises what it marks.
REVIEWED_SAFE_MARKS = {
    ("offers/jsonld.py", "mark_safe(payload)"),  # JSON with <, > and & escaped, inside format_html
    ("offers/views/detail.py", "SafeString(clean_html(offer.description))"),  # nh3 allow-list
    ("offers/views/search.py", "mark_safe(html)"),  # a Jinja2 template's output (autoescape on)
    ("offers/views/search.py", "mark_safe(options)"),  # the régions' options: value and label escaped
    # The text escaped first, then each acronym wrapped in an <abbr> built by format_html (the `abbrs`
    # filter; missed by this test's former pattern, which did not read nested parentheses).
    (
        "partnership/templatetags/fr.py",
        "mark_safe(glossary.ACRONYM_PATTERN.sub(lambda match: abbr(match.group(1)), conditional_escape(text)))",
    ),
}


def safe_marks(source: str) -> list[str]:
    """Each `mark_safe(…)` or `SafeString(…)` call of a source, up to its closing parenthesis."""
    import re

    calls = []
    for match in re.finditer(r"\b(?:mark_safe|SafeString)\(", source):
        depth, end = 0, match.end() - 1
        for end in range(match.end() - 1, len(source)):
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            if depth == 0:
                break
        calls.append(source[match.start() : end + 1])
    return calls


def test_safe_marks_are_found_whole():
    assert safe_marks('x = SafeString("".join(f(a) for a in g(b)))  # no') == [
        'SafeString("".join(f(a) for a in g(b)))'
    ]
    assert safe_marks("mark_safe(html) and mark_safe(options)") == ["mark_safe(html)", "mark_safe(options)"]


def test_nothing_user_provided_is_marked_safe_unreviewed():
    import re

    sources = [*ROOT.glob("partnership/**/*.py"), *ROOT.glob("territories/**/*.py"), *ROOT.glob("offers/**/*.py")]
    found = {(str(path.relative_to(ROOT)), text) for path in sources for text in safe_marks(path.read_text())}
    unsafe_templates = [
        str(path.relative_to(ROOT))
        for path in template_files()
        if re.search(r"\|\s*safe\b|autoescape (off|false)|Markup\(", path.read_text())
    ]

    assert found == REVIEWED_SAFE_MARKS
    assert unsafe_templates == []
