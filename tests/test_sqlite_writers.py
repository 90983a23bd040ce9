"""The embedded default's SQLite backend (assembly/sqlite/base.py): the threads of one
process take turns to write on a Python lock, held from BEGIN IMMEDIATE to the commit,
rollback or close, so a waiting writer is woken when the lock is free instead of sleeping
in SQLite's busy handler. Checked on a SQLite file of its own, whatever DATABASE_URL says.

How checked: with `_commit` not releasing the lock, the second writer never started and
the first test failed on its timeout; with `_rollback` not releasing it, the second."""

import threading

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler


@pytest.fixture
def connect(tmp_path, django_db_blocker):
    """Connections to a file of the test's own (not the test database: no fixture)."""
    django_db_blocker.unblock()
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "assembly.sqlite",
                "NAME": str(tmp_path / "writers.sqlite3"),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5},
            }
        }
    )
    made = []

    def connect():
        connection = handler.create_connection("default")
        connection.inc_thread_sharing()
        connection.ensure_connection()
        made.append(connection)
        return connection

    first = connect()
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    yield connect
    for connection in made:
        connection.close()
    django_db_blocker.restore()


def _write(connection, n, done):
    connection._start_transaction_under_autocommit()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (%s)", [n])
    done.append(n)


def test_a_second_writer_waits_for_the_first_to_commit(connect):
    a, b = connect(), connect()
    done = []
    _write(a, 1, done)
    assert a._writing is not None and a._writing.locked()
    waiting = threading.Thread(target=lambda: (_write(b, 2, done), b.commit()))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive() and done == [1]  # queued on the lock, not writing
    a.commit()
    assert a._writing is None
    waiting.join(5)
    assert not waiting.is_alive() and done == [1, 2]
    with a.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert [row[0] for row in cursor.fetchall()] == [1, 2]


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_a_rollback_or_a_close_also_frees_the_turn(connect, end):
    a, b = connect(), connect()
    _write(a, 1, [])
    getattr(a, end)()
    _write(b, 2, [])  # would wait the 5 s timeout and fail if the turn were still held
    b.commit()
    with b.cursor() as cursor:
        cursor.execute("SELECT n FROM t")
        assert [row[0] for row in cursor.fetchall()] == [2]


def test_a_writer_that_waits_too_long_is_told_the_database_is_locked(connect, tmp_path):
    a = connect()
    b = connect()
    b.settings_dict["OPTIONS"]["timeout"] = 0.2
    _write(a, 1, [])
    with pytest.raises(OperationalError, match="locked"):
        b._start_transaction_under_autocommit()
    assert b._writing is None
    a.rollback()
