"""Support counts under parallel supports: real concurrent transactions on PostgreSQL."""

from ideabank import operations
from ideabank.models import Idea, Support
from tests.concurrency import POSTGRES_CONCURRENCY, in_parallel

pytestmark = POSTGRES_CONCURRENCY


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
