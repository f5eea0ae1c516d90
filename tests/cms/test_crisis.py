from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms.models import CrisisSettings, HomePage, StandardPage


@pytest.fixture
def crisis(demo_site, django_capture_on_commit_callbacks):
    """Switch crisis mode on as an editor's save would (the cache bump runs on commit)."""

    def switch(enabled=True, **fields):
        setting = CrisisSettings.for_site(Site.objects.get(is_default_site=True))
        setting.enabled = enabled
        for name, value in fields.items():
            setattr(setting, name, value)
        with django_capture_on_commit_callbacks(execute=True):
            setting.save()
        return setting

    return switch


@pytest.fixture
def standard_page_url(demo_site):
    home = HomePage.objects.get(locale__language_code="nb")
    page = StandardPage(title="Vannverket", slug="vannverket-test", intro="Om vannet")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page.url


def test_crisis_mode_on_makes_the_front_page_the_crisis_page_without_the_normal_content(
    client, crisis
):
    normal = client.get("/").content.decode()
    home = HomePage.objects.get(locale__language_code="nb")
    assert home.title in normal
    crisis(
        headline="Flom i sentrum",
        message="Hold deg unna elvebredden.",
        contact_phone="51 50 70 90",
        links=[("link", {"title": "Politiet", "url": "https://www.politiet.no/"})],
    )
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<h1>Flom i sentrum</h1>" in body
    assert "Hold deg unna elvebredden." in body
    assert 'href="https://www.politiet.no/">Politiet</a>' in body
    assert 'href="tel:51507090"' in body
    assert 'href="tel:113"' in body
    assert "<time datetime=" in body
    assert 'href="#main"' in body
    assert 'hreflang="nn"' in body
    # Nothing of the normal front page, and nothing that costs the reader a download or a script.
    assert "sections-heading" not in body
    assert "<script" not in body
    assert "stylesheet" not in body


def test_the_crisis_message_comes_before_the_links_and_numbers(client, crisis):
    crisis(headline="Stengt vannforsyning", message="Kok vannet.")
    body = client.get("/").content.decode()
    assert body.index("Stengt vannforsyning") < body.index("Kok vannet.") < body.index("tel:112")


def test_crisis_mode_on_shows_a_banner_region_linking_to_the_front_page_on_other_pages(
    client, crisis, standard_page_url
):
    crisis(headline="Flom i sentrum")
    body = client.get(standard_page_url).content.decode()
    assert 'class="crisis-banner" role="region"' in body
    assert "Flom i sentrum" in body
    assert 'role="alert"' not in body


def test_crisis_mode_off_restores_the_normal_front_page_and_removes_the_banner(
    client, crisis, standard_page_url
):
    crisis(headline="Flom i sentrum")
    crisis(enabled=False)
    front = client.get("/").content.decode()
    home = HomePage.objects.get(locale__language_code="nb")
    assert home.title in front
    assert "Flom i sentrum" not in front
    assert "crisis-banner" not in front
    assert "crisis-banner" not in client.get(standard_page_url).content.decode()


def test_the_crisis_page_is_the_same_for_everyone_and_runs_a_few_queries(
    client, crisis, make_user, django_assert_num_queries
):
    crisis(headline="Flom i sentrum")
    client.get("/")  # warms Wagtail's site root cache
    anonymous = client.get("/").content
    client.force_login(make_user(name="Innlogget Person"))
    # Wagtail's routing (site, locale, page, aliases, view restrictions twice) and the setting:
    # the person is never looked up, and nothing grows with the site's content.
    with django_assert_num_queries(7):
        logged_in = client.get("/").content
    assert logged_in == anonymous


def test_other_pages_read_the_crisis_setting_once_and_not_at_all_from_the_page_cache(
    client, crisis, standard_page_url, settings
):
    crisis(headline="Flom i sentrum")
    with CaptureQueriesContext(connection) as queries:
        client.get(standard_page_url)
    assert sum("cms_crisissettings" in q["sql"] for q in queries.captured_queries) == 1
    settings.PAGE_CACHE_SECONDS = 60
    client.get(standard_page_url)
    with CaptureQueriesContext(connection) as queries:
        cached = client.get(standard_page_url)
    assert cached["X-Page-Cache"] == "hit"
    assert "Flom i sentrum" in cached.content.decode()
    assert queries.captured_queries == []


def test_anonymous_readers_get_the_cached_crisis_page_until_the_editor_saves_again(
    client, crisis, settings
):
    settings.PAGE_CACHE_SECONDS = 60
    crisis(headline="Flom i sentrum")
    first = client.get("/")
    second = client.get("/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    crisis(headline="Flommen har gått ned")
    updated = client.get("/")
    assert updated["X-Page-Cache"] == "miss"
    assert "Flommen har gått ned" in updated.content.decode()
    crisis(enabled=False)
    assert "Flommen har gått ned" not in client.get("/").content.decode()


def test_the_editor_role_may_change_the_crisis_setting(make_user):
    editor = make_user(roles=["editor"])
    assert editor.has_perm("cms.change_crisissettings")
    assert Permission.objects.filter(codename="change_crisissettings").exists()
