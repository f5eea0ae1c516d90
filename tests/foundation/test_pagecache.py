from http import HTTPStatus

import pytest

from hearings.operations import do_comment


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def plan_url(demo_site):
    from cms.models import PlanPage

    return PlanPage.objects.get().url


def test_an_anonymous_reader_gets_the_cached_page_on_the_second_visit(client, plan_url):
    first = client.get(plan_url)
    second = client.get(plan_url)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert first.content == second.content


def test_a_published_comment_reaches_anonymous_readers_at_once(
    client, plan_url, django_capture_on_commit_callbacks
):
    from hearings.models import Hearing
    from participation.accounts.models import User

    client.get(plan_url)
    author = User.objects.get(email="innbygger@demo.medvirkning.no")
    with django_capture_on_commit_callbacks(execute=True):
        do_comment(author, Hearing.objects.get(), "Helt ny kommentar", idempotency_key="n")
    response = client.get(plan_url)
    assert response["X-Page-Cache"] == "miss"
    assert "Helt ny kommentar" in response.content.decode()


def test_a_logged_in_person_is_never_served_a_cached_page(client, plan_url, make_user):
    client.get(plan_url)
    client.force_login(make_user(name="Innlogget Person"))
    response = client.get(plan_url)
    assert "X-Page-Cache" not in response
    assert "Innlogget Person" in response.content.decode()


def test_each_language_is_cached_apart(client, plan_url):
    client.get(plan_url)
    response = client.get("/nn" + plan_url)
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="nn"' in response.content.decode()


def test_a_page_that_sets_a_cookie_is_not_cached(client, demo_site):
    client.get("/accounts/login/")
    assert "X-Page-Cache" not in client.get("/accounts/login/")
