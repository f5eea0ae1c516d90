from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from ideabank import operations
from ideabank.geocoding import PlaceResult
from ideabank.models import Idea, IdeaStatus, Place, Support

pytestmark = pytest.mark.django_db

LIST = "/ideer/"


def english(idea) -> str:
    """The idea's page in English, so assertions do not depend on the nb catalogue."""
    with translation.override("en"):
        return reverse("ideabank:detail", args=[idea.pk])


def titles(response) -> list[str]:
    return [idea.public_title for idea in response.context["ideas"]]


def test_list_filters_by_topic_area_status_and_search_without_javascript(
    client, make_idea, areas, topics, planner
):
    bench = make_idea(title="Benches by the river", topics=["parker"], lat=59.88, lon=10.75)
    make_idea(title="Bike lane", topics=["trafikk"], lat=59.93, lon=10.75)
    concert = make_idea(title="Summer concerts", topics=["kultur"], lat=59.91, lon=10.75)
    operations.do_set_status(planner, concert, IdeaStatus.PLANNED, "Yes")

    assert titles(client.get(LIST, {"topic": "parker"})) == ["Benches by the river"]
    assert titles(client.get(LIST, {"area": "nord"})) == ["Bike lane"]
    assert titles(client.get(LIST, {"status": "planned"})) == ["Summer concerts"]
    assert titles(client.get(LIST, {"q": "river"})) == [bench.public_title]
    assert len(titles(client.get(LIST))) == 3


def test_unknown_filter_values_are_ignored_not_an_error(client, make_idea):
    make_idea(title="Anything")
    response = client.get(LIST, {"topic": "no-such-topic", "sort": "bogus"})
    assert response.status_code == HTTPStatus.OK
    assert titles(response) == ["Anything"]


def test_list_sorts_by_newest_most_supported_and_most_discussed(client, make_idea, make_user):
    _old, popular, debated = (
        make_idea(title="Old"),
        make_idea(title="Popular"),
        make_idea(title="Debated"),
    )
    for _ in range(2):
        operations.do_support(make_user(), popular)
    for _ in range(3):
        operations.do_comment_on_idea(make_user(), debated, "Hmm")
    assert titles(client.get(LIST)) == ["Debated", "Popular", "Old"]
    assert titles(client.get(LIST, {"sort": "supported"}))[0] == "Popular"
    assert titles(client.get(LIST, {"sort": "discussed"}))[0] == "Debated"


def test_list_is_paged_and_pages_keep_the_filters(client, make_idea, topics):
    for n in range(25):
        make_idea(title=f"Park idea {n}", topics=["parker"])
    make_idea(title="Traffic idea", topics=["trafikk"])
    first = client.get(LIST, {"topic": "parker"})
    assert len(titles(first)) == 20
    assert "topic=parker&amp;side=2" in first.content.decode()
    second = client.get(LIST, {"topic": "parker", "side": 2})
    assert len(titles(second)) == 5
    assert "Traffic idea" not in titles(second)


def test_list_runs_the_same_queries_for_five_ideas_as_for_twenty(client, make_idea, topics, areas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(LIST)
        return len(ctx.captured_queries)

    for _ in range(5):
        make_idea(topics=["parker", "trafikk"], lat=59.91, lon=10.75)
    few = count()
    for _ in range(15):
        make_idea(topics=["kultur"], lat=59.93, lon=10.75)
    assert count() == few


def test_search_does_not_find_what_redaction_removed(client, make_idea):
    make_idea(title="Call me", body="Ring 412 34 567 om parken.")
    assert titles(client.get(LIST, {"q": "412 34 567"})) == []
    assert titles(client.get(LIST, {"q": "parken"})) == ["Call me"]


def test_pending_and_rejected_ideas_are_not_listed_nor_shown(client, make_idea, premoderated):
    idea = make_idea(title="Secret")
    assert titles(client.get(LIST)) == []
    assert client.get(reverse("ideabank:detail", args=[idea.pk])).status_code == 404


def test_author_sees_own_pending_idea_with_a_notice(client, make_idea, resident, premoderated):
    idea = make_idea(title="Mine", author=resident)
    client.force_login(resident)
    response = client.get(english(idea))
    assert response.status_code == HTTPStatus.OK
    assert "It is not published" in response.content.decode()


def test_hostile_title_and_text_are_shown_inert(client, make_idea):
    idea = make_idea(title='<script>alert("t")</script>', body="<img src=x onerror=alert(1)>")
    page = client.get(reverse("ideabank:detail", args=[idea.pk])).content.decode()
    assert '<script>alert("t")</script>' not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;" in page
    listing = client.get(LIST).content.decode()
    assert '<script>alert("t")</script>' not in listing


def test_detail_shows_status_answer_and_history(client, make_idea, planner):
    idea = make_idea()
    operations.do_set_status(planner, idea, IdeaStatus.CONSIDERING, "Looking at it.")
    operations.do_set_status(planner, idea, IdeaStatus.PLANNED, "Budget **2027**.")
    page = client.get(reverse("ideabank:detail", args=[idea.pk])).content.decode()
    assert "Budget **2027**." in page
    assert "Looking at it." in page  # in the earlier answers


def test_resident_supports_and_withdraws_through_the_page(client, make_idea, resident):
    idea = make_idea()
    url = reverse("ideabank:support", args=[idea.pk])
    client.force_login(resident)
    response = client.post(url, {"action": "support"})
    assert response.status_code == HTTPStatus.FOUND
    client.post(url, {"action": "support"})  # a double click
    idea.refresh_from_db()
    assert idea.support_count == 1
    page = client.get(english(idea)).content.decode()
    assert "Withdraw my support" in page
    client.post(url, {"action": "withdraw"})
    idea.refresh_from_db()
    assert idea.support_count == 0


def test_anonymous_support_goes_to_login_and_back(client, make_idea):
    idea = make_idea()
    response = client.post(reverse("ideabank:support", args=[idea.pk]), {"action": "support"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next=%2Fideer%2F{idea.pk}%2F" in response["Location"]
    assert not Support.objects.exists()


def test_support_is_a_post_only(client, make_idea, resident):
    idea = make_idea()
    client.force_login(resident)
    assert client.get(reverse("ideabank:support", args=[idea.pk])).status_code == 405


def test_follow_and_comment_through_the_page(client, make_idea, resident):
    idea = make_idea()
    client.force_login(resident)
    client.post(reverse("ideabank:follow", args=[idea.pk]), {"action": "follow"})
    assert idea.follows.filter(user=resident).exists()
    response = client.post(reverse("ideabank:comment", args=[idea.pk]), {"body": "Good one!"})
    assert "#comment-" in response["Location"]
    page = client.get(english(idea)).content.decode()
    assert "Good one!" in page
    assert "Stop following" in page


def test_post_form_finds_a_place_without_javascript_and_the_idea_gets_it(
    client, resident, areas, topics
):
    Place.objects.create(name="Torget", lat=59.9125, lon=10.749)
    client.force_login(resident)
    form = client.get(reverse("ideabank:post"))
    key = form.context["form"].initial["idempotency_key"]
    data = {
        "title": "Market stalls",
        "body": "Stalls on Saturdays.",
        "topics": ["kultur"],
        "place_query": "torg",
        "idempotency_key": key,
    }
    found = client.post(reverse("ideabank:post"), {**data, "action": "find_place"})
    assert found.status_code == HTTPStatus.OK
    page = found.content.decode()
    assert "Torget" in page
    # What was written comes back, and no error summary: nothing was sent yet.
    assert "Market stalls" in page
    assert "error-summary" not in page
    token = found.context["place_results"][0][1]
    sent = client.post(reverse("ideabank:post"), {**data, "place": token, "action": "send"})
    idea = Idea.objects.get()
    assert sent["Location"] == reverse("ideabank:detail", args=[idea.pk])
    assert (idea.lat, idea.lon, idea.address) == (59.9125, 10.749, "Torget")
    assert idea.area == areas["sentrum"]
    assert [t.slug for t in idea.topics.all()] == ["kultur"]


def test_post_form_takes_a_point_clicked_on_the_map(client, resident, areas):
    client.force_login(resident)
    client.post(
        reverse("ideabank:post"),
        {"title": "Clicked", "body": "Here.", "lat": "59.88", "lon": "10.75", "action": "send"},
    )
    idea = Idea.objects.get()
    assert idea.area == areas["sor"]


def test_post_form_keeps_the_text_through_login(client, resident):
    data = {"title": "Written before login", "body": "Keep me.", "action": "send"}
    response = client.post(reverse("ideabank:post"), data)
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(resident)
    page = client.get(reverse("ideabank:post")).content.decode()
    assert "Written before login" in page
    assert "Keep me." in page
    assert not Idea.objects.exists()


def test_post_form_shows_errors_next_to_what_was_written(client, resident):
    client.force_login(resident)
    response = client.post(
        reverse("ideabank:post"), {"title": "ab", "body": "Short title", "action": "send"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Short title" in response.content.decode()
    assert not Idea.objects.exists()


def test_place_search_endpoint_returns_places_and_areas(client, areas):
    Place.objects.create(name="Sentrum skole", lat=59.916, lon=10.746)
    results = client.get(reverse("ideabank:place_search"), {"q": "sentrum"}).json()["results"]
    names = [r["name"] for r in results]
    assert names == ["Sentrum", "Sentrum skole"]
    assert results[0]["kind"] == "area"


def test_place_search_uses_the_backend_named_in_settings(client, settings):
    settings.IDEABANK_GEOCODER = "tests.ideabank.test_views.FakeGeocoder"
    results = client.get(reverse("ideabank:place_search"), {"q": "anything"}).json()["results"]
    assert results[0]["name"] == "Karl Johans gate 1, OSLO"


class FakeGeocoder:
    def search(self, query, limit=8):
        return [PlaceResult("Karl Johans gate 1, OSLO", 59.91, 10.75, "address")]


def test_map_page_lists_the_same_filtered_ideas_with_a_place(client, make_idea, topics):
    make_idea(title="Pinned park", topics=["parker"], lat=59.91, lon=10.75)
    make_idea(title="Pinned traffic", topics=["trafikk"], lat=59.91, lon=10.75)
    make_idea(title="Unpinned park", topics=["parker"])
    response = client.get(reverse("ideabank:map"), {"topic": "parker"})
    assert titles(response) == ["Pinned park"]
    page = response.content.decode()
    assert "topic=parker" in response.context["map_data_url"]
    assert "leaflet.markercluster.js" in page
    assert 'id="map-settings"' in page


def test_pages_work_in_nynorsk_and_english(client, make_idea):
    make_idea(title="Språk")
    assert client.get("/nn/ideer/").status_code == HTTPStatus.OK
    assert client.get("/en/ideer/kart/").status_code == HTTPStatus.OK
