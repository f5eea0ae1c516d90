"""Staff in the Wagtail admin: answering ideas, merging, the topic list and the areas."""

from http import HTTPStatus

import pytest

from ideabank.models import Idea, IdeaStatus, Topic
from participation.geo.models import Area

pytestmark = pytest.mark.django_db


def test_planner_sets_status_and_answer_in_the_admin(client, planner, make_idea, mailoutbox):
    idea = make_idea(title="Lights")
    client.force_login(planner)
    assert client.get("/admin/ideer/").status_code == HTTPStatus.OK
    response = client.post(
        f"/admin/ideer/{idea.pk}/", {"status": "planned", "answer": "Next spring."}
    )
    assert response.status_code == HTTPStatus.FOUND
    idea.refresh_from_db()
    assert (idea.status, idea.answer) == (IdeaStatus.PLANNED, "Next spring.")


def test_admin_shows_the_rule_that_stopped_a_status(client, planner, make_idea):
    idea = make_idea()
    client.force_login(planner)
    response = client.post(f"/admin/ideer/{idea.pk}/", {"status": "not_pursued", "answer": ""})
    assert response.status_code == HTTPStatus.OK
    assert 'class="errorlist nonfield"' in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.RECEIVED


def test_planner_merges_a_duplicate_in_the_admin(client, planner, make_idea):
    keep, duplicate = make_idea(), make_idea()
    client.force_login(planner)
    client.post(f"/admin/ideer/{duplicate.pk}/merge/", {"into": keep.pk})
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_other_staff_cannot_answer_or_merge(client, make_user, make_idea, role):
    idea, other = make_idea(), make_idea()
    client.force_login(make_user(roles=[role]))
    # Wagtail answers a refused admin view with a redirect to the dashboard and a message.
    assert client.get("/admin/ideer/").status_code == HTTPStatus.FOUND
    assert client.get("/admin/ideer/")["Location"] == "/admin/"
    client.post(f"/admin/ideer/{idea.pk}/", {"status": "done", "answer": "x"})
    client.post(f"/admin/ideer/{idea.pk}/merge/", {"into": other.pk})
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.RECEIVED and idea.merged_into is None


def test_resident_cannot_reach_the_admin(client, resident, make_idea):
    idea = make_idea()
    client.force_login(resident)
    response = client.get(f"/admin/ideer/{idea.pk}/")
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


def test_planner_manages_the_topic_list(client, planner):
    client.force_login(planner)
    response = client.post(
        "/admin/snippets/ideabank/topic/add/",
        {"name": "Vann og avløp", "slug": "vann", "official": "on"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Topic.objects.get(slug="vann").official


def test_area_with_invalid_geometry_is_refused_in_the_admin(client, planner):
    client.force_login(planner)
    bowtie = '{"type": "Polygon", "coordinates": [[[0,0],[1,1],[1,0],[0,1],[0,0]]]}'
    response = client.post(
        "/admin/snippets/geo/area/add/",
        {"name": "Bowtie", "slug": "bowtie", "kind": "district", "geometry": bowtie},
    )
    assert response.status_code == HTTPStatus.OK
    assert "Self-intersection" in response.content.decode()
    assert not Area.objects.exists()


def test_area_added_in_the_admin_gets_its_bounding_box(client, planner):
    client.force_login(planner)
    square = '{"type": "Polygon", "coordinates": [[[10,59],[11,59],[11,60],[10,60],[10,59]]]}'
    client.post(
        "/admin/snippets/geo/area/add/",
        {"name": "Square", "slug": "square", "kind": "district", "geometry": square},
    )
    area = Area.objects.get()
    assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == (10, 59, 11, 60)


def test_idea_detail_links_planner_to_the_answer_form(client, planner, make_idea):
    idea = make_idea()
    client.force_login(planner)
    page = client.get(f"/ideer/{idea.pk}/").content.decode()
    assert f"/admin/ideer/{idea.pk}/" in page


def test_ideas_are_not_edited_through_generic_forms(db):
    # Status, answers and merges go through operations; no generic admin edits an Idea.
    from wagtail.snippets.models import get_snippet_models

    assert Idea not in get_snippet_models()
