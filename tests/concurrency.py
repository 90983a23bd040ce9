"""Run calls at the same instant in real threads, each with its own database connection.

Every race test goes through `at_once`, so that each one:

- releases all its threads together (a barrier), each on its own connection;
- joins every thread with a timeout, and fails (naming the stuck threads) instead of
  hanging CI when one deadlocks;
- accounts for every call it started: each returns a result or an `ActionError` (the
  clear refusal a person sees); any other exception (an IntegrityError that would be a
  500, a deadlock error) fails the test with its traceback.

Thread exceptions that escape anyway fail the test too: pyproject.toml turns pytest's
PytestUnhandledThreadExceptionWarning into an error.
"""

import re
import threading
import time
import traceback
from contextlib import contextmanager, nullcontext
from unittest import mock

from django.db import connection, connections

from assembly.errors import ActionError

# Generous for a loaded two-core CI machine; a correct race finishes in well under a second.
BARRIER_SECONDS = 30
JOIN_SECONDS = 120


def at_once(calls, *, join_seconds=JOIN_SECONDS):
    """Run each callable in its own thread, released together. Returns one outcome per
    call, in the order given: the call's return value, or the ActionError it raised."""
    count = len(calls)
    barrier = threading.Barrier(count)
    outcomes = [None] * count
    unexpected = []
    lock = threading.Lock()

    def run(index, call):
        try:
            barrier.wait(timeout=BARRIER_SECONDS)
            try:
                outcome = call()
            except ActionError as exc:
                outcome = exc
            with lock:
                outcomes[index] = outcome
        except BaseException as exc:  # noqa: BLE001 - every outcome is reported below
            with lock:
                unexpected.append((index, exc, traceback.format_exc()))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, call), name=f"at_once-{i}", daemon=True)
        for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + join_seconds
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"threads still running after {join_seconds} s (deadlock?): {stuck}"
    assert not unexpected, "calls raised something other than a refusal:\n" + "\n".join(
        f"call {index}: {exc!r}\n{trace}" for index, exc, trace in unexpected
    )
    return outcomes


def refusals(outcomes):
    """The messages of the refused calls."""
    return [o.message for o in outcomes if isinstance(o, ActionError)]


def accepted(outcomes):
    return [o for o in outcomes if not isinstance(o, ActionError)]


_FOR_UPDATE = re.compile(r"\s+FOR UPDATE\b.*$", re.DOTALL)
_FROM = re.compile(r'\bFROM\s+"?([A-Za-z0-9_]+)"?')
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)


@contextmanager
def locking_reads():
    """Record this connection's statements as ("lock", table, params) for each
    SELECT ... FOR UPDATE, ("write", table, params) for each INSERT/UPDATE/DELETE, and
    ("read", table, params) for the rest.

    PostgreSQL writes the lock clause itself. SQLite has no row locks (its IMMEDIATE
    transactions serialise writers instead), and Django leaves the clause out there; so
    Django is told SQLite has it, and the clause is noted and removed before SQLite runs
    the statement. The SQL recorded is the SQL PostgreSQL would run, on both backends.
    """
    statements = []

    def record(execute, sql, params, many, context):
        params_list = list(params or ()) if not many else []
        write = _WRITE.match(sql)
        if write:
            statements.append(("write", write.group(1), params_list))
        elif _FOR_UPDATE.search(sql):
            table = _FROM.search(sql)
            statements.append(("lock", table.group(1) if table else "", params_list))
            if connection.vendor == "sqlite":
                sql = _FOR_UPDATE.sub("", sql)
        else:
            table = _FROM.search(sql)
            statements.append(("read", table.group(1) if table else "", params_list))
        return execute(sql, params, many, context)

    pretend = connection.vendor == "sqlite"
    with (
        mock.patch.object(connection.features, "has_select_for_update", True)
        if pretend
        else nullcontext(),
        connection.execute_wrapper(record),
    ):
        yield statements
