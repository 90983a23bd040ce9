"""Asamblea settings, driven by environment variables.

The embedded default (nothing set) is SQLite and the in-memory channel layer in one
process. Set DATABASE_URL and REDIS_URL to scale out to PostgreSQL and Redis.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A key printed in the source would let anyone forge sessions: refuse to start.
        sys.exit(
            "Asamblea will not start: SECRET_KEY is not set. Set it to a long random value "
            "(for example: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 on a development machine."
        )
    # Development only (DEBUG=1); production sets SECRET_KEY (see README).
    SECRET_KEY = "insecure-development-key-change-me-" + "x" * 32  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The name emails and pages give the site ("Eastside Assembly", or the default).
SITE_NAME = os.environ.get("SITE_NAME", "").strip() or "Asamblea"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "assembly",
    "groups",
    "decisions",
    "meetings",
    "response",
    "trainings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one, so that every answer carries the policy, even the 400 page for
    # a request the inner layers refuse (e.g. an unknown Host).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "assembly.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "assembly.locale.LocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "assembly.sessions.SessionListMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

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
                "django.template.context_processors.i18n",
                "assembly.context_processors.site",
            ],
            # Names shown as identities: {{ member|who }}, {{ group.name|bdi }}.
            "builtins": ["assembly.templatetags.people"],
        },
    },
]

# Database: SQLite by default, anything dj-database-url understands via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that the browser tests' server process sees test data.
    # One file per test run, so that two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})
    # Django's SQLite backend, with one process's writers queueing in Python rather than
    # in SQLite's sleeping busy handler (assembly/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "assembly.sqlite"
    # Keep each thread's SQLite connection: opening one (and setting WAL) for every
    # socket message was the largest cost of a crowd joining (see BENCHMARKS.md).
    if "DB_CONN_MAX_AGE" not in os.environ:
        DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            # Write-ahead log: pages keep reading while a vote is being written.
            # secure_delete: deleted rows are overwritten, not left in free pages (a
            # secret poll's ballots are rewritten in random order when it closes).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
            ),
        }
    )
elif DATABASES["default"].get("NAME"):
    # Likewise on PostgreSQL: concurrent test runs get their own test database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A bounded pool per worker (psycopg's, through Django): every request and socket
    # borrows a connection for the moment it needs one and gives it back, so a crowd
    # waits for a connection instead of opening hundreds and hitting PostgreSQL's
    # max_connections. W workers need W x DB_POOL_MAX_SIZE (+ a few for the timer and
    # manage.py) under max_connections (100 by default); see README, "Scaling out".
    pool_max = int(os.environ.get("DB_POOL_MAX_SIZE", "20"))
    if pool_max > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
            "max_size": pool_max,
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "30")),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "assembly.User"

# Channels and cache: in-memory by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Each worker delivers to its own sockets; Redis pub/sub carries each broadcast once
    # to every other worker (assembly/layers.py). Publishing gives up after
    # REDIS_TIMEOUT seconds, so no request waits on a hung Redis.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "assembly.layers.RedisLayer",
            "CONFIG": {
                "url": REDIS_URL,
                "prefix": os.environ.get("CHANNELS_PREFIX", "asamblea"),
                "publish_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
            },
        }
    }
    # Rate limits, the per-person socket cap and the workers' broadcast windows. While
    # Redis is down or hung, each worker answers from its own memory (assembly/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "assembly.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "asamblea"),
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "assembly.layers.LocalLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database so that a steward's removal can end them at once.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): email only, invitation-only sign-up, verified email,
# password or one-time code by email, rate limits kept in the cache.
ACCOUNT_ADAPTER = "assembly.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# Never email an address that has no account (a stranger typing someone's address into
# the password or login-code form would otherwise get them a message from us).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# allauth's default rate limits stay on; their state lives only in the cache.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Email: console by default, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Asamblea <asamblea@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )

# Language: English source, Spanish shipped complete.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("ASAMBLEA_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# collectstatic names every file after its content (css/asamblea.4f2a….css), and pages link
# those names: WhiteNoise serves them as immutable for ten years (its default test for a
# hashed name, from the manifest), and the unhashed names for a minute.
WHITENOISE_MAX_AGE = 0 if DEBUG else 60
# Uploaded files (report photos). Never served as static files: only through views that
# check who may see them. There is deliberately no MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Security. Content-Security-Policy: 'self' only, no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "assembly.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG and not env_bool("ASAMBLEA_INSECURE_HTTP"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain to HTTPS in browsers for months; it is the
        # domain owner's decision (SECURE_HSTS_PRELOAD=1), not a default of ours.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Live sockets: the size limit is enforced by daphne (--websocket-max-message-size)
# and again by the consumer; the rate limit per connection by the consumer.
LIVE_MAX_MESSAGE_BYTES = 64 * 1024
LIVE_RATE_LIMIT = (30, 10.0)  # at most 30 messages per 10 seconds per socket
LIVE_PRESENCE_TTL = 75  # seconds a socket counts as online without a heartbeat
LIVE_REVALIDATE_SECONDS = 30  # how stale a socket's permission check may become
LIVE_MAX_SOCKETS_PER_PERSON = 20  # open pages (tabs, phone, laptop) one person may hold

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No client address and no token in any line (see assembly/logs.py).
    "formatters": {"private": {"()": "assembly.logs.PrivateFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "private"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own handlers would print refused requests' paths unformatted.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # daphne's access log carries client addresses; it is never enabled.
        "daphne.access": {"level": "CRITICAL", "propagate": False},
    },
}
