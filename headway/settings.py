"""Headway settings: one file, driven by environment variables (docs/configuration.md)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

from headway.core.emailurl import email_settings

django_stubs_ext.monkeypatch()  # lets admin classes be typed as ModelAdmin[Model]

BASE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but true/false/1/0/yes/no is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envsecret(name: str) -> str | None:
    """A secret from NAME, or from the file that NAME_FILE points to (Docker/systemd secrets)."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name) or None


DATA_DIR = Path(os.environ.get("HEADWAY_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    if key := envsecret("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("HEADWAY_DEBUG", False)
ALLOWED_HOSTS = envlist("HEADWAY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("HEADWAY_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "template_partials",
    "axes",
    "huey.contrib.djhuey",
    "headway.core",
    "headway.accounts",
    "headway.teams",
    "headway.okrs",
    "headway.kpis",
    "headway.history",
    "headway.events",
    "headway.webhooks",
    "headway.notifications",
    "headway.digests",
    "headway.plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "headway.core.database.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "headway.pages.middleware.WorkspaceMiddleware",
    "headway.pages.middleware.NoStoreMiddleware",
    "headway.pages.middleware.ApiErrorsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "headway.urls"
WSGI_APPLICATION = "headway.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

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
                "headway.pages.middleware.navigation",
                "headway.accounts.views.invitations_waiting",
                "headway.notifications.views.unread_count",
            ],
        },
    }
]

# Databases: SQLite in the data dir unless DATABASE_URL says otherwise.
# On SQLite every atomic() block starts with BEGIN IMMEDIATE, so concurrent writers wait for
# the lock (up to `timeout` seconds) instead of failing with "database is locked" when a
# read-then-write transaction tries to upgrade its lock (docs/deployment.md).
# Each connection sets only what writes nothing, so a read-only database still serves reads:
# WAL mode is persistent in the file and set once, by `headway migrate` (headway.core.database).
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": envint("HEADWAY_SQLITE_BUSY_TIMEOUT", 20),
    "init_command": "PRAGMA synchronous=NORMAL;",
}
_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "headway.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Where people reach this install: links in e-mails and webhook payloads start with it.
BASE_URL = os.environ.get("HEADWAY_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not BASE_URL.startswith(("http://", "https://")):
    raise ValueError(f"HEADWAY_BASE_URL must start with http:// or https://, not {BASE_URL!r}")

# Outbound webhooks (docs/webhooks.md) refuse private and loopback addresses unless this is true
# (a receiver on the same machine or network, and the tests' local receiver).
HEADWAY_WEBHOOK_ALLOW_PRIVATE = envbool("HEADWAY_WEBHOOK_ALLOW_PRIVATE", False)
# E-mail (docs/notifications.md): HEADWAY_EMAIL_URL says how to send (smtp://user:pass@host:587,
# smtp+tls://… for STARTTLS, smtp+ssl://… for TLS, console://); without it every message is
# written to the console, so `make run` shows what would go out.
_email = email_settings(envsecret("HEADWAY_EMAIL_URL") or "")
EMAIL_BACKEND: str = _email["EMAIL_BACKEND"]
EMAIL_HOST: str = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT: int = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER: str = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD: str = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS: bool = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL: bool = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT: int | None = _email.get("EMAIL_TIMEOUT")
HEADWAY_EMAIL_FROM = os.environ.get("HEADWAY_EMAIL_FROM", "Headway <headway@localhost>")
DEFAULT_FROM_EMAIL = HEADWAY_EMAIL_FROM

# Background jobs (`headway worker`, docs/deployment.md): Huey in its own SQLite file (never
# the app database: its writers would queue behind ours), Redis when REDIS_URL is set, so that
# several workers on several machines share one queue. HEADWAY_HUEY_IMMEDIATE=true runs every
# job in the process that queues it, with no worker (tests).
_redis_url = os.environ.get("REDIS_URL", "")
HUEY: dict[str, Any] = (
    {"huey_class": "huey.RedisHuey", "name": "headway", "url": _redis_url}
    if _redis_url
    else {
        "huey_class": "huey.SqliteHuey",
        "name": "headway",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "timeout": 30,  # seconds a writer waits for the queue's lock
    }
)
HUEY["immediate"] = envbool("HEADWAY_HUEY_IMMEDIATE", False)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "headway.accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Login throttling (docs/configuration.md): 5 failures per (account, client address) pause that
# pair for a short cool-off; every further failure during it starts the cool-off again. The
# account is resolved from what was typed; the address is read through the trusted proxies.
HEADWAY_TRUSTED_PROXIES = envint("HEADWAY_TRUSTED_PROXIES", 0)
AXES_FAILURE_LIMIT = envint("HEADWAY_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=envint("HEADWAY_LOGIN_COOLOFF_SECONDS", 300))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "headway.accounts.throttle.account_key"
AXES_CLIENT_IP_CALLABLE = "headway.accounts.throttle.client_ip"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "headway.accounts.throttle.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"

# Plan files are untrusted input: caps on their size and on the items they hold (docs/plan-file.md).
HEADWAY_PLAN_MAX_BYTES = envint("HEADWAY_PLAN_MAX_BYTES", 128 * 1024 * 1024)
HEADWAY_PLAN_MAX_ROWS = envint("HEADWAY_PLAN_MAX_ROWS", 3_000_000)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Members and workspaces (docs/members.md). By default an admin invites an existing account and
# its owner accepts; true lets admins attach existing accounts directly (single-company installs).
ADD_EXISTING_USERS = envbool("HEADWAY_ADD_EXISTING_USERS", False)
# Who may create a workspace: staff and superusers always; true lets any signed-in user.
ANYONE_CREATES_WORKSPACES = envbool("HEADWAY_ANYONE_CREATES_WORKSPACES", False)

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]  # our own CSS/JS; htmx comes from django-htmx
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("HEADWAY_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Content security policy: everything from our own origin, nothing inline, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Security headers and cookies. HEADWAY_SECURE=true (the production default behind TLS) turns on
# HTTPS-only cookies, HSTS and the redirect; `make run` serves plain http on 127.0.0.1.
SECURE = envbool("HEADWAY_SECURE", not DEBUG and "HEADWAY_DEV" not in os.environ)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("HEADWAY_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# HSTS preload is the operator's choice (it is hard to undo), so its check is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HEADWAY_LOG_LEVEL", "WARNING")},
}
