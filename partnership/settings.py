"""Settings of Talents des territoires: one module, configured by environment variables only.

Web, worker and beat all read this module. Every variable is listed in `.env.example`
and in the README. Safe by default: DEBUG is off unless asked, and a missing SECRET_KEY
is an error outside debug.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from partnership.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "partnership.admin_site.PartnershipAdminConfig",  # django.contrib.admin, logging in through /connexion/
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "django_htmx",
    "csp",
    "dsfr",
    "partnership",
    "partnership.accounts",
    "partnership.recruitment",
    "partnership.clct",
    "partnership.notifications",
    "partnership.alerts",
    "partnership.statistics",
    "territories",
    "offers",
    "feeds",
    "api",
]

MIDDLEWARE = [
    "partnership.observability.RequestIdMiddleware",
    # Pages compressed for browsers that accept it (issue 14: « HTML not compressed »); the CSRF
    # token is masked per response, so BREACH learns nothing from it. Static files: WhiteNoise.
    "partnership.middleware.HtmlGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # the API only (CORS_URLS_REGEX)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "partnership.observability.UserIdMiddleware",
    "partnership.middleware.NoStoreForAuthenticatedMiddleware",
    "partnership.middleware.StatementTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost: its 405 page then gets the CSP and the other headers of the middleware above.
    "partnership.middleware.ResponseDefaultsMiddleware",
]

ROOT_URLCONF = "partnership.urls"
WSGI_APPLICATION = "partnership.wsgi.application"
ASGI_APPLICATION = "partnership.asgi.application"

_template_loaders: list = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnership.context_processors.site",
                "partnership.context_processors.spaces",
            ],
            # `{% url %}` remembering what it reversed (partnership/templatetags/cached_url.py).
            "builtins": ["partnership.templatetags.cached_url"],
            # Cached templates even in debug-less development: parsing is the
            # dominant cost of a DSFR page.
            "loaders": _template_loaders if DEBUG else [("django.template.loaders.cached.Loader", _template_loaders)],
        },
    },
    {
        # The search page's own templates, rendered on every search (partnership/jinja_env.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja_templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "partnership.jinja_env.environment"},
    },
]
# django-dsfr: the default renderer rebuilds a template engine for every form.
FORM_RENDERER = "dsfr.forms.DsfrDjangoTemplates"
DSFR_CONTENT_IS_SAFE = False

# --- Data stores -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/talents")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL.")
# Django's backend, its health check without a round trip while the connection is sound (issue 14).
DATABASES["default"]["ENGINE"] = "partnership.backends.postgresql"
# A web request's queries are small: parallel workers cost more to start than they save, and on a
# small machine they take the cores other requests need (measured at 100,000 offers: a 9 ms count
# ran as a parallel index-only scan). DB_PARALLEL_WORKERS raises it for a bigger server.
# No statement may hold a web worker longer than DB_STATEMENT_TIMEOUT_MS: a query that does answers
# the French 503 page (partnership.middleware.StatementTimeoutMiddleware). Celery workers, beat and
# management commands switch to DB_BACKGROUND_STATEMENT_TIMEOUT_MS when they start (partnership.db).
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 2000)
DB_BACKGROUND_STATEMENT_TIMEOUT_MS = env_int("DB_BACKGROUND_STATEMENT_TIMEOUT_MS", 3600 * 1000)
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    f"-c max_parallel_workers_per_gather={env_int('DB_PARALLEL_WORKERS', 0)}"
    f" -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
)
if env_bool("DB_POOL", False):
    # psycopg 3's connection pool, one per process; Django requires CONN_MAX_AGE = 0 with it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN_SIZE", 2),
        "max_size": env_int("DB_POOL_MAX_SIZE", 10),
    }

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "partnership.cache.ReusedClientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "tdt"),
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}


def celery_url(redis_url: str) -> str:
    """Kombu spells a Redis unix socket `redis+socket://`, redis-py `unix://`."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


# --- Celery (worker and beat read the same settings) -----------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", celery_url(REDIS_URL))
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task not acknowledged this many seconds after delivery (its worker was lost) is delivered again:
# keep it above the longest run (a 50,000-offer feed takes well under a minute).
# Workers look for such tasks every CELERY_UNACKED_RESTORE_INTERVAL seconds (and when they start).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 60),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / ".var" / "celerybeat-schedule"))
# The beat schedule lives here, in the repository (no django-celery-beat).
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "partnership.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
    "purge-personal-data": {
        "task": "partnership.tasks.purge_personal_data",
        "schedule": crontab(minute=37, hour=3),
    },
    "expire-offers": {
        "task": "offers.tasks.expire_offers",
        "schedule": crontab(minute=2),  # hourly
    },
    # Queues the run of every enabled feed whose interval (Feed.interval_minutes) has elapsed.
    "dispatch-feeds": {
        "task": "feeds.tasks.dispatch_due_feeds",
        "schedule": crontab(minute="*/5"),
    },
    "purge-feed-runs": {
        "task": "feeds.tasks.purge_old_runs",
        "schedule": crontab(minute=47, hour=3),
    },
    # The CLCT weekly digest of each delegate (partnership/clct/digest.py), Monday 07:00 Paris.
    "clct-weekly-digest": {
        "task": "partnership.clct.tasks.dispatch_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Gives up e-mails left « sending » by a lost worker; queues again those whose task was lost.
    "sweep-deliveries": {
        "task": "partnership.notifications.tasks.sweep_deliveries",
        "schedule": crontab(minute="*/10"),
    },
    # Collectivités' offers: the reminder before the end of publication; the purge of old applications.
    "recruitment-expiry-reminders": {
        "task": "partnership.recruitment.tasks.send_expiry_reminders",
        "schedule": crontab(minute=12, hour=8),
    },
    "recruitment-purge-applications": {
        "task": "partnership.recruitment.tasks.purge_applications",
        "schedule": crontab(minute=27, hour=3),
    },
    # The figures of /statistiques/, recomputed into the cache (partnership/statistics).
    "refresh-statistics": {
        "task": "partnership.statistics.tasks.refresh_statistics",
        "schedule": crontab(minute=12),  # hourly
    },
    # E-mail alerts on a search (partnership/alerts): daily at 08:00, weekly on Monday at 08:00 (Paris).
    "alerts-daily": {
        "task": "partnership.alerts.tasks.dispatch_alerts",
        "schedule": crontab(minute=0, hour=8),
        "args": ("daily",),
    },
    "alerts-weekly": {
        "task": "partnership.alerts.tasks.dispatch_alerts",
        "schedule": crontab(minute=0, hour=8, day_of_week=1),
        "args": ("weekly",),
    },
}

# --- CLCT (partnership/clct) ---------------------------------------------------------
# Days an e-mail's RSVP link stays valid (never after the meeting has started).
CLCT_RSVP_LINK_DAYS = env_int("CLCT_RSVP_LINK_DAYS", 30)

# --- Accounts ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 3600  # seconds a password-reset link lasts (issue 12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files (the DSFR is vendored in django-dsfr's wheel: no CDN) ----------------
# Outside DEBUG, collectstatic writes a gzip and, the `Brotli` package being installed, a Brotli copy
# of every text file next to its hashed name; WhiteNoise serves the Brotli one to browsers that accept it
# (issue 14: the DSFR's dsfr.min.css is 90 KB gzipped, 60 KB with Brotli; the pages' css/dsfr.css,
# written by scripts/dsfr_css.py, 48 KB and 35 KB).
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_STORAGE",
            # Django's and WhiteNoise's storages, remembering each file's address (partnership/storage.py).
            "partnership.storage.RememberedStaticFilesStorage"
            if DEBUG
            else "partnership.storage.RememberedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- E-mail --------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP operation may wait: bounds the time an e-mail stays « sending » (partnership/notifications).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Talents des territoires <ne-pas-repondre@talents-territoires.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# `__Host-` cookies are bound to this exact host and path, but browsers only accept them when Secure.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
# Content-Security-Policy: scripts and styles from our own origin only. No page has an inline
# script today; one that needs it uses `request.csp_nonce` (then the page must not be cached whole).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
CSRF_FAILURE_VIEW = "partnership.views.csrf_failure"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None

# --- Portal ------------------------------------------------------------------------
TERRITORIES_DATA_DIR = BASE_DIR / "territories" / "data"
HEALTHZ_CELERY_TIMEOUT = float(env_int("HEALTHZ_CELERY_TIMEOUT_MS", 1500)) / 1000
# `/healthz` shows each check's detail to staff and to `Authorization: Bearer <HEALTHZ_TOKEN>`; others get the status.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN")

SECURITY_CONTACT_EMAIL = env_str("SECURITY_CONTACT_EMAIL", "securite@talents-territoires.fr")

# --- Feeds of offers (docs/feeds.md) ------------------------------------------------------
# Hosts a feed may be fetched from (exact host names, or host:port); anything else is refused.
FEEDS_ALLOWED_HOSTS = env_list(
    "FEEDS_ALLOWED_HOSTS", ["api.francetravail.io", "entreprise.francetravail.fr", "francetravail.io"]
)
# A feed given as a file path must be in this directory, its path relative to it (the command line
# may read any file). A relative value is taken in the project; `make run` creates the directory.
FEEDS_FILES_DIR = env_path("FEEDS_FILES_DIR", BASE_DIR / ".var" / "feeds", base=BASE_DIR)
FEEDS_HTTP_CONNECT_TIMEOUT = float(env_int("FEEDS_HTTP_CONNECT_TIMEOUT", 10))
FEEDS_HTTP_READ_TIMEOUT = float(env_int("FEEDS_HTTP_READ_TIMEOUT", 60))
# Immediate retries of a failed connection inside one attempt; the task then retries with back-off.
FEEDS_HTTP_RETRIES = env_int("FEEDS_HTTP_RETRIES", 2)
# Task retries on network faults: countdown = FEEDS_RETRY_BACKOFF * 2**n seconds, at most FEEDS_RETRY_BACKOFF_MAX.
FEEDS_TASK_MAX_RETRIES = env_int("FEEDS_TASK_MAX_RETRIES", 5)
FEEDS_RETRY_BACKOFF = float(env_int("FEEDS_RETRY_BACKOFF", 60))
FEEDS_RETRY_BACKOFF_MAX = float(env_int("FEEDS_RETRY_BACKOFF_MAX", 3600))
# Extra addresses told about suspicious or failed runs, besides the active staff accounts.
FEEDS_ALERT_EMAILS = env_list("FEEDS_ALERT_EMAILS", [])
# A running feed run writes a sign of life every FEEDS_RUN_HEARTBEAT_SECONDS; one silent for
# FEEDS_RUN_LOST_AFTER seconds is marked lost (its worker died) and the feed may run again.
FEEDS_RUN_HEARTBEAT_SECONDS = env_int("FEEDS_RUN_HEARTBEAT_SECONDS", 15)
FEEDS_RUN_LOST_AFTER = env_int("FEEDS_RUN_LOST_AFTER", 120)
# Run reports (and the records they set aside) are kept this many days.
FEEDS_RUN_RETENTION_DAYS = env_int("FEEDS_RUN_RETENTION_DAYS", 90)
# France Travail "Offres d'emploi v2" API (credentials from <prefix>_CLIENT_ID / <prefix>_CLIENT_SECRET).
FRANCE_TRAVAIL_TOKEN_URL = env_str(
    "FRANCE_TRAVAIL_TOKEN_URL", "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire"
)
FRANCE_TRAVAIL_SCOPE = env_str("FRANCE_TRAVAIL_SCOPE", "api_offresdemploiv2 o2dsoffre")

# --- Recruitment by collectivités (partnership/recruitment) -------------------------------
# Candidates' CVs: outside the static files, served by no URL but the members' view that checks access.
RECRUITMENT_CV_DIR = Path(env_str("RECRUITMENT_CV_DIR", str(BASE_DIR / ".var" / "cv")))
# Applications accepted per hour from one IP, and to one offer (spam and abuse; no CAPTCHA).
RECRUITMENT_APPLICATIONS_PER_IP_HOUR = env_int("RECRUITMENT_APPLICATIONS_PER_IP_HOUR", 5)
RECRUITMENT_APPLICATIONS_PER_OFFER_HOUR = env_int("RECRUITMENT_APPLICATIONS_PER_OFFER_HOUR", 30)

# --- Open data: the API (api/, docs/api.md) ------------------------------------------------------
# Anonymous requests per client IP; beyond it the API answers 429 with Retry-After.
API_ANON_RATE = env_str("API_ANON_RATE", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],  # anonymous and read-only: no session, no CSRF
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousThrottle"],
    # The client's IP: REMOTE_ADDR, or the last hop the TLS proxy added (never what the client wrote).
    "NUM_PROXIES": 1 if env_bool("BEHIND_TLS_PROXY", False) else 0,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API de Talents des territoires",
    "DESCRIPTION": "Offres VTE, VTA et chefs de projet ouvertes, communes, départements, régions et programmes "
    "de l’ANCT, en lecture seule. Documentation : /api/. Licence Ouverte 2.0 pour nos données ; "
    "les offres venues d’un flux restent sous les conditions de leur source.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False

# One JSON object a line (request id, user id; never secrets); LOG_FORMAT=text for humans.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "partnership.observability.ContextFilter"}},
    "formatters": {
        "json": {"()": "partnership.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "security": {"level": "INFO"},
        # httpx logs every request's URL at INFO, query included (a feed's key could be in it).
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
