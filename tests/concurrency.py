"""Real concurrent transactions on PostgreSQL: threads with their own connections."""

import threading

import pytest
from django.db import connection, connections

# For a test module: `pytestmark = POSTGRES_CONCURRENCY`.
POSTGRES_CONCURRENCY = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write transaction (BEGIN IMMEDIATE), so there is no "
        "concurrency to test; run with DATABASE_URL=postgres://...",
    ),
]


def in_parallel(calls) -> list:
    """Run each call in its own thread (its own connection), all released at once; a call
    that raised gives its exception in the results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the caller's assertion reports it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
