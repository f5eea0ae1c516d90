from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearings.operations import do_comment, do_submit
from tests.plans import publish_plan_page


@pytest.fixture
def plan_page(demo_site, make_hearing):
    return publish_plan_page


def fill(hearing, users, n):
    for i in range(n):
        author = users[i % len(users)]
        do_submit(author, hearing, f"Uttalelse nummer {i}", idempotency_key=f"{hearing.pk}-s{i}")
        comment, _ = do_comment(
            author, hearing, f"Kommentar {i}", idempotency_key=f"{hearing.pk}-c{i}"
        )
        do_comment(
            author, hearing, f"Svar {i}", parent=comment, idempotency_key=f"{hearing.pk}-r{i}"
        )


def count_queries(client, url):
    cache.clear()  # the worst case: the cached post lists are cold
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries), response


def test_a_hearing_page_with_many_posts_runs_the_same_queries_as_one_with_few(
    client, make_hearing, make_user, plan_page
):
    users = [make_user() for _ in range(5)]
    small, large = make_hearing(), make_hearing()
    fill(small, users, 3)
    fill(large, users, 60)
    small_page, large_page = plan_page(small), plan_page(large)
    client.get(small_page.url)  # warm Wagtail's site cache
    few, _ = count_queries(client, small_page.url)
    many, response = count_queries(client, large_page.url)
    assert few == many
    html = response.content.decode()
    # Lists are paged: the page shows the first 20 of 60 submissions and links onwards.
    assert html.count('class="submission ds-card"') == 20
    assert 'rel="next"' in html


def test_the_hearing_page_query_count_is_pinned(
    client, make_hearing, make_user, plan_page, django_assert_num_queries
):
    hearing = make_hearing()
    fill(hearing, [make_user()], 5)
    page = plan_page(hearing)
    client.get(page.url)
    cache.clear()
    # Site, locale, routing (4), view restrictions, hearing, version, footer (3, its site
    # cache cleared too); then the lists: submissions (count, page, attachments), comments
    # (count, page, replies); the crisis setting, for the banner; the hearing's topics (cached
    # like the lists). Anonymous: no query for the follow button (a login link instead).
    with django_assert_num_queries(20):
        client.get(page.url)
    # Warm: the lists come from the cache until the discussion changes.
    with django_assert_num_queries(11):
        client.get(page.url)


def test_a_new_comment_shows_at_once_although_the_lists_are_cached(
    client, make_hearing, make_user, plan_page
):
    hearing = make_hearing()
    page = plan_page(hearing)
    author = make_user()
    do_comment(author, hearing, "Første kommentar", idempotency_key="one")
    assert "Første kommentar" in client.get(page.url).content.decode()
    do_comment(author, hearing, "Andre kommentar", idempotency_key="two")
    assert "Andre kommentar" in client.get(page.url).content.decode()


def test_the_plan_page_shows_deadline_days_left_case_number_and_documents(
    client, make_hearing, plan_page
):
    hearing = make_hearing(case_number="2026/4242")
    html = client.get(plan_page(hearing).url).content.decode()
    assert "2026/4242" in html
    assert "dager igjen" in html or "days left" in html
    assert f'href="/horinger/{hearing.pk}/send/"' in html


def test_threaded_replies_are_shown_under_their_comment(client, make_hearing, make_user, plan_page):
    hearing = make_hearing()
    author = make_user(name="Ola Svarer")
    first, _ = do_comment(author, hearing, "Hovedinnlegg")
    do_comment(author, hearing, "Et svar", parent=first)
    html = client.get(plan_page(hearing).url).content.decode()
    assert html.index("Hovedinnlegg") < html.index("Et svar")
    assert "comments--replies" in html
