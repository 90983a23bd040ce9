"""Settings for the test suite: the production settings, over plain HTTP on localhost.

Everything else (CSP, cookies' flags aside, allauth, the channel layer and database
chosen by REDIS_URL / DATABASE_URL) is exactly what production runs.
"""

import os

os.environ.setdefault("ASAMBLEA_INSECURE_HTTP", "1")
# Tests run with DEBUG off, as production does, so they need a key of their own.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "t" * 40)
# With the suite in several processes (pytest-xdist) on one Redis, each process gets a
# Redis database and prefixes of its own: a test's cache.clear() (FLUSHDB) must not wipe
# another process's rate-limit counters, nor its broadcasts reach another's sockets.
# Servers the tests start inherit the environment as set here, once.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ.get("REDIS_URL") and os.environ.get("ASAMBLEA_TEST_WORKER") != _worker:
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(os.environ["REDIS_URL"])
    _db = 1 + int(_worker.removeprefix("gw") or 0)
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_db}"))
    for _name in ("CACHE_PREFIX", "CHANNELS_PREFIX"):
        os.environ[_name] = f"{os.environ.get(_name, 'asamblea')}-{_worker}"
    os.environ["ASAMBLEA_TEST_WORKER"] = _worker
# Uploads (report photos) go to a folder of the run's own, never the checkout's media/;
# server processes the tests start inherit it, so they serve what the tests wrote.
if not os.environ.get("MEDIA_ROOT"):
    import tempfile

    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="asamblea-test-media-")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES, STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
# Fast hashing for the many test accounts; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The browser tests' server process points at the test database by this variable.
if os.environ.get("ASAMBLEA_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["ASAMBLEA_TEST_DB_NAME"]

# The suite's own process opens database connections from many short-lived threads and
# event loops (race tests, socket tests) that end without handing a pooled connection
# back, which would drain a pool; it connects directly. Server processes started by the
# tests (tests/servers.py sets ASAMBLEA_TEST_DB_NAME) keep the pool, as production does.
if not os.environ.get("ASAMBLEA_TEST_DB_NAME"):
    DATABASES["default"].get("OPTIONS", {}).pop("pool", None)

# PostgreSQL: the test databases do not wait for each commit to reach the disk. Nothing in
# the suite tests what survives a crash of PostgreSQL itself (locks, isolation and what
# each connection sees are unchanged); the many commits and flushes of the transactional
# tests each waited for an fsync.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
