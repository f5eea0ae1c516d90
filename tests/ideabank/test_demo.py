import pytest

from cms.models import IdeaBankPage, NeighbourhoodMapPage
from ideabank.models import Idea, IdeaStatus, Place, Support, Topic
from participation.geo.models import Area

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Area, Place, Topic, Idea, Support, IdeaBankPage, NeighbourhoodMapPage)
    }


def test_demo_has_areas_pinned_ideas_supports_an_answer_and_the_pages(demo_site, client):
    assert sorted(Area.objects.values_list("name", flat=True)) == ["Nord", "Sentrum", "Sør"]
    ideas = Idea.objects.all()
    assert ideas.count() == 8
    assert ideas.filter(lat__isnull=False, area__isnull=False).count() == 7
    assert ideas.exclude(answer="").filter(status=IdeaStatus.PLANNED).count() == 1
    assert Support.objects.count() >= 5
    assert client.get("/idebank/").status_code == 200
    assert client.get("/nabolag/").status_code == 200


def test_loading_the_demo_twice_duplicates_nothing(demo_site):
    before = counts()
    demo_site.load()
    assert counts() == before
