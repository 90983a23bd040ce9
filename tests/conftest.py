"""A fixed cast, so every test reads alike.

Eastside People's Assembly (private): a steward, a facilitator, two members and a
suspended member; an outsider who belongs only to a second assembly (Lincoln High);
and a person with an account who belongs to none.
"""

import json
import os
from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import translation

from assembly import live
from assembly.models import Assembly, Membership, User
from assembly.text import render_markdown

PASSWORD = "correct-horse-battery"


def make_user(email, password=PASSWORD):
    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_assembly(name, slug, **extra):
    description = extra.pop("description", f"About {name}.")
    return Assembly.objects.create(
        name=name,
        slug=slug,
        description=description,
        description_html=render_markdown(description),
        **extra,
    )


def join(user, assembly, name, role="member", status="active"):
    return Membership.objects.create(
        user=user, assembly=assembly, display_name=name, role=role, status=status
    )


@pytest.fixture
def cast(db):
    return make_cast()


def make_cast():
    """The fixed cast (this module's docstring), created in the database."""
    eastside = make_assembly("Eastside People's Assembly", "eastside")
    lincoln = make_assembly("Lincoln High Sanctuary Team", "lincoln")
    people = SimpleNamespace(assembly=eastside, other_assembly=lincoln)
    people.steward = join(make_user("steward@example.org"), eastside, "Rosa", "steward")
    people.facilitator = join(make_user("fac@example.org"), eastside, "Teo", "facilitator")
    people.member = join(make_user("member@example.org"), eastside, "Ana")
    people.member2 = join(make_user("member2@example.org"), eastside, "Luz")
    people.suspended = join(
        make_user("suspended@example.org"), eastside, "Troll", status="suspended"
    )
    people.other = join(make_user("other@example.org"), lincoln, "Coach Dre")
    people.nobody = make_user("nobody@example.org")
    return people


# Who's who, by name, for permission matrices.
ROLES = ["anonymous", "nobody", "other", "suspended", "member", "facilitator", "steward"]


def user_of(cast, who):
    if who == "anonymous":
        return None
    if who == "nobody":
        return cast.nobody
    return getattr(cast, who).user


def client_for(cast, who):
    client = Client()
    user = user_of(cast, who)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def capture_live(django_capture_on_commit_callbacks):
    """Capture what actions publish on commit: `with capture_live() as sent:` gives a list
    of (group, event) where event is the decoded JSON a browser would receive (or the
    raw message for per-person access events)."""

    @contextmanager
    def capture():
        sent = []

        def record(group, message):
            if "text" in message:
                sent.append((group, json.loads(message["text"])))
            else:
                sent.append((group, message))

        with (
            mock.patch.object(live, "_send", record),
            django_capture_on_commit_callbacks(execute=True),
        ):
            yield sent

    return capture


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    """A request leaves its language active on the thread (LocaleMiddleware activates,
    nothing deactivates); a test that calls actions after a Spanish page would otherwise
    get Spanish messages depending on which test ran before it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup, django_db_blocker):
    """Browser tests' server processes and socket threads may leave a PostgreSQL session
    behind for a moment; end them before the test database is dropped."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """PostgreSQL: empty the tables after a transactional test with DELETE in one
    transaction, not Django's TRUNCATE of every table, which makes new files for each
    table and index (about 60 tables here) and was most of the cost of such a test. The
    result is the same: every table empty, sequences as they were (Django's flush does not
    reset them either); foreign keys are deferred to the commit, when all rows are gone."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return original(self, style, tables, reset_sequences=reset_sequences,
                            allow_cascade=allow_cascade)  # fmt: skip
        # The names are the models' own tables, quoted: nothing from outside.
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


# -- races that only PostgreSQL can prove ---------------------------------------------------

REQUIRE_POSTGRES = "ASAMBLEA_REQUIRE_POSTGRES"


def _on_postgres():
    from django.conf import settings

    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


# Tests that drive a browser or start server processes take seconds to minutes each, the
# rest milliseconds. Run in several processes (pytest-xdist hands tests out in this order),
# the long ones go first, so that the short ones fill in around them and the run does
# not end with one process still in a long test while the other waits. What each test
# does is unchanged; only when it starts. `make test` also asks xdist to let an idle
# process take tests already handed to a busy one (--dist worksteal): with plain
# --dist load one process sat idle for minutes while the other worked through the long
# tests queued for it (SQLite pass 540 s; with worksteal 403 s).
LONG_FIXTURES = [
    {"browser"},  # a Chromium, and usually a server process for it
    {"server", "two_servers", "proxy", "need_redis_server"},  # server processes
    {"transactional_db"},  # real commits, threads, sockets; the database flushed after
]


def _how_long(item):
    names = set(getattr(item, "fixturenames", ()))
    for rank, fixtures in enumerate(LONG_FIXTURES):
        if names & fixtures:
            return rank
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return len(LONG_FIXTURES) - 1
    return len(LONG_FIXTURES)


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering, which this keeps otherwise
def pytest_collection_modifyitems(session, config, items):
    config._postgres_only = [item for item in items if item.get_closest_marker("postgres")]
    items.sort(key=_how_long)  # stable: same rank, same order as before


def pytest_runtest_setup(item):
    """A race marked `postgres` runs everywhere, but proves its point only on PostgreSQL
    (SQLite serialises whole write transactions). When the run asks for PostgreSQL
    (CI's second pass sets ASAMBLEA_REQUIRE_POSTGRES=1), such a test fails rather than
    passing on another database."""
    marked = item.get_closest_marker("postgres")
    if marked and os.environ.get(REQUIRE_POSTGRES) and not _on_postgres():
        pytest.fail(
            f"{REQUIRE_POSTGRES} is set but the database is not PostgreSQL: "
            "set DATABASE_URL=postgres://... so that this race is really tested",
            pytrace=False,
        )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    marked = getattr(config, "_postgres_only", [])
    if marked and not _on_postgres():
        terminalreporter.write_line(
            f"NOTE: ran without PostgreSQL. {len(marked)} race tests (marked postgres) ran on "
            "SQLite, which serialises writers, so they prove nothing about concurrency here. "
            "Run again with DATABASE_URL=postgres://... (CI's second pass does).",
            yellow=True,
            bold=True,
        )
