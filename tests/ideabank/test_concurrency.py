"""Support counts under parallel supports: real concurrent transactions on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from ideabank import operations
from ideabank.models import Idea, Support

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write transaction (BEGIN IMMEDIATE), so there is no "
        "concurrency to test; run with DATABASE_URL=postgres://...",
    ),
]


def in_parallel(calls) -> list:
    """Run each call in its own thread (its own connection), all released at once."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_supports_by_different_people_are_all_counted(make_idea, make_user):
    idea = make_idea()
    people = [make_user() for _ in range(12)]
    results = in_parallel([lambda u=u: operations.do_support(u, idea) for u in people])
    assert results == [True] * 12
    idea.refresh_from_db()
    assert idea.support_count == 12 == Support.objects.filter(idea=idea).count()


def test_parallel_supports_by_the_same_person_count_once(make_idea, make_user):
    idea = make_idea()
    person = make_user()
    results = in_parallel([lambda: operations.do_support(person, idea)] * 8)
    assert sorted(results) == [False] * 7 + [True]
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_parallel_supports_and_withdrawals_leave_the_count_equal_to_the_rows(make_idea, make_user):
    idea = make_idea()
    stayers = [make_user() for _ in range(6)]
    leavers = [make_user() for _ in range(6)]
    for user in leavers:
        operations.do_support(user, idea)
    calls = [lambda u=u: operations.do_support(u, idea) for u in stayers]
    calls += [lambda u=u: operations.do_withdraw_support(u, idea) for u in leavers]
    results = in_parallel(calls)
    assert all(r is True for r in results), results
    assert Idea.objects.get(pk=idea.pk).support_count == 6
    assert Support.objects.filter(idea=idea).count() == 6
