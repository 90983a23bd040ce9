"""Run calls at the same instant on real threads, each with its own database connection."""

import threading

from django.db import connection

from assembly.errors import ActionError


def race(calls, *, timeout=60):
    """Release every call at once; return each one's result, or its ActionError's message,
    in the order given. Fails if a thread does not finish within `timeout` seconds."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)
    finished = [False] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            try:
                outcomes[i] = call()
            except ActionError as exc:
                outcomes[i] = exc.message
            finished[i] = True
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    assert all(finished), f"a call failed unexpectedly: {outcomes}"
    return outcomes
