"""Django's SQLite backend, with the writers of one process taking turns in Python.

Every transaction starts with BEGIN IMMEDIATE (settings: `transaction_mode`), which takes
SQLite's one write lock. When another thread of this process holds it, SQLite's busy
handler polls by sleeping (1, 2, 5, ... up to 100 ms at a time), so under a crowd of
ballots most of a writer's time went to sleeping after the lock was already free
(BENCHMARKS.md, "The live meeting"). Here the threads of one process queue on a Python
lock first and are woken the moment the previous writer commits or rolls back; SQLite's
own lock (and its timeout) still orders writers from other processes.
"""

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_locks = {}
_locks_guard = threading.Lock()


def _writer_lock(name):
    with _locks_guard:
        lock = _locks.get(name)
        if lock is None:
            lock = _locks[name] = threading.Lock()
        return lock


class DatabaseWrapper(base.DatabaseWrapper):
    _writing = None  # the lock this connection holds while in a transaction

    def _start_transaction_under_autocommit(self):
        lock = _writer_lock(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if not lock.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        self._writing = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._done_writing()
            raise

    def _done_writing(self):
        lock, self._writing = self._writing, None
        if lock is not None:
            lock.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._done_writing()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._done_writing()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._done_writing()
