"""sccoder settings: one module, configured from the environment.

Environment (contract): DATABASE_URL, DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
REDIS_URL (the shared cache and the task queue in Redis).
The helpers below fail loudly on malformed values instead of guessing.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", True)

# The development key is public; a server without debug must bring its own.
DEVELOPMENT_SECRET_KEY = "django-insecure-sccoder-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off: "
        "the development key is published in the source code."
    )

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "cases.web.middleware.AdminStyleAttributesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session (it may read the language from it), before CommonMiddleware (which
    # resolves addresses): the language from the language cookie, else the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A NUL character in the address or a parameter, a form too large to read: a clear 4xx.
    "cases.web.middleware.RefuseUnreadableInputMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sccoder.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "sccoder.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_health_checks=True,
    )
}
# Keep a PostgreSQL connection open between requests (a new one costs a few milliseconds and
# a server process); the health check replaces one the database closed meanwhile. An SQLite
# file costs nothing to open.
DATABASES["default"]["CONN_MAX_AGE"] = envint(
    "DATABASE_CONN_MAX_AGE", 60 if "postgresql" in DATABASES["default"]["ENGINE"] else 0
)

# One cache shared by every application process: computed figures, formatted bibliographies and
# the API throttle counters. Without REDIS_URL it is a table in the database (created by the
# migrations, so `make run` needs no other service); with it, Redis.
REDIS_URL = (os.environ.get("REDIS_URL") or "").strip()
DATABASE_CACHE_TABLE = "sccoder_cache"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sccoder",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            # A large project's reports and figures are a few hundred entries on their own.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Background work (Django's tasks API, the django-tasks backport): the figures recomputed after
# a write, the large exports and the reading of an uploaded PDF. Without REDIS_URL the queue is
# a table of the application's database (django-tasks-db), so `make run` needs no other
# service; with it, the queue is RQ on the same Redis (django-tasks-rq). One command,
# `manage.py worker`, runs the tasks of either (cases/management/commands/worker.py).
TASK_QUEUES = ["default"]
# RQ stops a task running longer than this (the database worker has no limit): a large export or
# a long book's reading takes minutes, so the limit is far above RQ's 3-minute default.
SCCODER_TASK_TIMEOUT = envint("SCCODER_TASK_TIMEOUT", 3600)
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")  # the RQ backend needs it; its dashboard is in the admin
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    RQ_QUEUES = {
        name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": SCCODER_TASK_TIMEOUT} for name in TASK_QUEUES
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface speaks English and Turkish (docs/i18n.md). English is the default; a reader's
# choice from the switcher lives in Django's language cookie, else the browser's preference.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("tr", "Türkçe")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "sccoder_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# The API (cases/api, docs/api.md): JSON only, session or token auth, paginated, throttled.
REST_FRAMEWORK = {
    # Token first, so an anonymous request gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["cases.api.parsers.SafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "cases.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "cases.api.throttling.ApiUserThrottle",
        "cases.api.throttling.ApiAnonThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "cases.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "cases.api.errors.api_exception_handler",
}

# Requests per user (per client address when signed out); "1000/hour", "50/minute", ...
# SCCODER_API_RATE is the documented name; SCCODER_API_USER_RATE (the setting's own name) is
# read too, so a server configured with either gets its limit.
SCCODER_API_USER_RATE = (
    os.environ.get("SCCODER_API_RATE") or os.environ.get("SCCODER_API_USER_RATE") or "1000/hour"
)
SCCODER_API_ANON_RATE = os.environ.get("SCCODER_API_ANON_RATE") or "100/hour"

SPECTACULAR_SETTINGS = {
    "TITLE": "sccoder API",
    "DESCRIPTION": (
        "Projects, evidence, codings, consensus and reports of sccoder. Everything lives under "
        "a project (/api/projects/{slug}/...); what you may read or write follows your role in "
        "that project. Updates must name the version they change: a stale one gets 409. "
        "See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A coder's stage judgment and an author's assessed stage share one set of stages.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "cases.models.Stage",
        "CouplingEnum": "cases.models.Coupling",
    },
}

# Bundles and other uploads above this size are refused with a message, not parsed.
# Exports of a project with more codings than this (the long CSV, the workbook, the QDPX project,
# the replication package) are written by a background task, with a progress page and a
# download link, instead of in the request.
SCCODER_EXPORT_TASK_CODINGS = envint("SCCODER_EXPORT_TASK_CODINGS", 100_000)
SCCODER_MAX_UPLOAD_BYTES = envint("SCCODER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Django itself must let such a request through, or it answers a bare 400 before our message.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, SCCODER_MAX_UPLOAD_BYTES + 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Files of finished background exports are deleted, with their records, after this many days
# (`manage.py prune_exports`, also run by the worker).
SCCODER_EXPORT_RETENTION_DAYS = envint("SCCODER_EXPORT_RETENTION_DAYS", 7)
# A document "being read" whose reading recorded no progress for this many seconds has lost its
# worker: it is shown as stopped, can be read again, and a starting worker queues it again.
SCCODER_DOCUMENT_STALL_SECONDS = envint("SCCODER_DOCUMENT_STALL_SECONDS", 600)

# --- Security ----------------------------------------------------------------------------------
# With debug off, cookies travel over HTTPS only, HTTP is redirected and HSTS is sent.
# DJANGO_SECURE=0 turns that off for a server on plain HTTP (the load test on loopback).
SECURE = not DEBUG and envbool("DJANGO_SECURE", True)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31_536_000) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Behind the reverse proxy (docs/deploy.md) TLS ends at the proxy, which sets X-Forwarded-Proto,
# and every request comes from the proxy's address: the client's is the last X-Forwarded-For
# entry, which login throttling and the API's per-address throttle use instead.
BEHIND_PROXY = envbool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_CLIENT_IP_CALLABLE = "sccoder.proxy.client_address"
    REST_FRAMEWORK["NUM_PROXIES"] = 1
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page, never from the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: every script and style comes from our own static files;
# no inline script, style or eval anywhere (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling (django-axes): five failures lock a username from that address for an hour
# (the client's address behind the proxy: see DJANGO_BEHIND_PROXY above).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = envbool("SCCODER_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = envint("SCCODER_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Static files: whitenoise serves them in production, from hashed names collected by
# `manage.py collectstatic`; development and tests read the source folders directly.
if not DEBUG:
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    WHITENOISE_USE_FINDERS = not envbool("SCCODER_MANIFEST_STATIC", True)
# Uploaded documents (a source's PDF, HTML, text or Markdown) go through Django's storage API:
# files under SCCODER_MEDIA_ROOT by default, or any storage backend (django-storages' S3Storage,
# say) named by SCCODER_STORAGE_BACKEND with its options as JSON in SCCODER_STORAGE_OPTIONS.
# They are never served from a public URL: downloads go through a view that checks access,
# so there is no MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("SCCODER_MEDIA_ROOT") or BASE_DIR / "media")
_default_storage = {
    "BACKEND": os.environ.get("SCCODER_STORAGE_BACKEND")
    or "django.core.files.storage.FileSystemStorage"
}
if os.environ.get("SCCODER_STORAGE_OPTIONS"):
    try:
        _default_storage["OPTIONS"] = json.loads(os.environ["SCCODER_STORAGE_OPTIONS"])
    except ValueError as error:
        raise ImproperlyConfigured(f"SCCODER_STORAGE_OPTIONS is not JSON: {error}") from None
# A document over this size is refused with a message; a PDF of more pages too.
SCCODER_DOCUMENT_MAX_BYTES = envint("SCCODER_DOCUMENT_MAX_BYTES", 50 * 1024 * 1024)
SCCODER_DOCUMENT_MAX_PAGES = envint("SCCODER_DOCUMENT_MAX_PAGES", 1000)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("SCCODER_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Logging -----------------------------------------------------------------------------------
# With debug off, warnings and errors go to stderr, which gunicorn writes to its log: every
# server error with its traceback (django.request), refused hosts and other security events,
# and one line per 4xx answer at WARNING, without the traceback Django attaches to a 403
# (sccoder.request_log). Debug mode keeps Django's console output instead.
LOG_LEVEL = (os.environ.get("DJANGO_LOG_LEVEL") or "WARNING").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"DJANGO_LOG_LEVEL must be one of DEBUG/INFO/WARNING/ERROR/CRITICAL, got {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "refusals_without_traceback": {"()": "sccoder.request_log.RefusalsWithoutTraceback"},
    },
    "formatters": {
        "server": {
            "format": "[{asctime}] [{process}] [{levelname}] {name}: {message}",
            "style": "{",
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["require_debug_false"],
            "formatter": "server",
            "level": LOG_LEVEL,
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    # bibtexparser warns of every block of a paste it cannot read; the import page already
    # tells the person who pasted it, line by line.
    "loggers": {
        "bibtexparser": {"level": "ERROR"},
        "django.request": {"filters": ["refusals_without_traceback"]},
    },
}
