import pytest
from django.urls import reverse

from ideabank import views
from ideabank.models import IdeaStatus
from ideabank.operations import do_set_status

pytestmark = pytest.mark.django_db

URL = "/ideer/kart/data.geojson"
OSLO = "10.70,59.85,10.80,59.96"


def feature_titles(response) -> list[str]:
    return sorted(f["properties"]["title"] for f in response.json()["features"])


def test_returns_published_ideas_with_a_place_inside_the_box_as_geojson(client, make_idea):
    inside = make_idea(title="Inside", lat=59.91, lon=10.75)
    make_idea(title="Outside", lat=63.43, lon=10.39)
    make_idea(title="No place")
    data = client.get(URL, {"bbox": OSLO}).json()
    assert data["type"] == "FeatureCollection"
    assert data["truncated"] is False
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [10.75, 59.91]}
    assert feature["properties"]["url"] == reverse("ideabank:detail", args=[inside.pk])
    assert feature["properties"]["status"] == "received"


def test_pending_and_merged_ideas_are_not_on_the_map(client, make_idea, planner, premoderated):
    make_idea(title="Pending", lat=59.91, lon=10.75)
    assert client.get(URL, {"bbox": OSLO}).json()["features"] == []


def test_merged_duplicate_leaves_the_map(client, make_idea, planner):
    keep = make_idea(title="Keep", lat=59.91, lon=10.75)
    duplicate = make_idea(title="Duplicate", lat=59.91, lon=10.75)
    from ideabank.operations import do_merge_ideas

    do_merge_ideas(planner, duplicate, keep)
    assert feature_titles(client.get(URL, {"bbox": OSLO})) == ["Keep"]


def test_filters_by_topic_area_and_status(client, make_idea, topics, areas, planner):
    make_idea(title="Park north", topics=["parker"], lat=59.93, lon=10.75)
    make_idea(title="Traffic south", topics=["trafikk"], lat=59.88, lon=10.75)
    done = make_idea(title="Done centre", topics=["parker"], lat=59.91, lon=10.75)
    do_set_status(planner, done, IdeaStatus.DONE, "Done.")
    assert feature_titles(client.get(URL, {"bbox": OSLO, "topic": "parker"})) == [
        "Done centre",
        "Park north",
    ]
    assert feature_titles(client.get(URL, {"bbox": OSLO, "area": "sor"})) == ["Traffic south"]
    assert feature_titles(client.get(URL, {"bbox": OSLO, "status": "done"})) == ["Done centre"]


def test_says_when_there_were_more_ideas_than_the_limit(client, make_idea, monkeypatch):
    monkeypatch.setattr(views, "MAP_FEATURE_LIMIT", 3)
    for _ in range(4):
        make_idea(lat=59.91, lon=10.75)
    data = client.get(URL, {"bbox": OSLO}).json()
    assert len(data["features"]) == 3
    assert data["truncated"] is True
    assert data["limit"] == 3


def test_a_malformed_bbox_is_a_bad_request(client):
    assert client.get(URL, {"bbox": "1,2,3"}).status_code == 400
    assert client.get(URL, {"bbox": "10.8,59.9,10.7,59.8"}).status_code == 400


def test_hostile_titles_are_plain_strings_in_the_json(client, make_idea):
    make_idea(title="<img src=x onerror=alert(1)>", lat=59.91, lon=10.75)
    response = client.get(URL, {"bbox": OSLO})
    # Data, not markup: served as JSON that browsers must not sniff as HTML, and the map
    # script puts it in the page as textContent.
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    [feature] = response.json()["features"]
    assert feature["properties"]["title"] == "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize("count", [3, 40])
def test_runs_one_query_however_many_ideas_and_filters(
    client, make_idea, topics, areas, count, django_assert_num_queries
):
    for _ in range(count):
        make_idea(topics=["parker"], lat=59.91, lon=10.75)
    with django_assert_num_queries(1):
        response = client.get(
            URL, {"bbox": OSLO, "topic": "parker", "area": "sentrum", "status": "received"}
        )
    assert len(response.json()["features"]) == count
