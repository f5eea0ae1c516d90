import pytest

from initiatives.models import Initiative, Signature, Status
from participation.contributions.models import Contribution

pytestmark = pytest.mark.django_db


def counts():
    return {m.__name__: m.objects.count() for m in (Initiative, Signature, Contribution)}


def test_demo_has_a_collecting_and_a_decided_initiative(demo_site, client):
    collecting = Initiative.objects.get(status=Status.COLLECTING)
    decided = Initiative.objects.get(status=Status.DECIDED)
    assert collecting.is_public and collecting.signature_count == 3
    assert decided.decision_text and decided.decision_case_number == "2026/118"
    assert client.get("/innbyggerforslag/").status_code == 200
    assert client.get(f"/nn/innbyggerforslag/{collecting.pk}/").status_code == 200


def test_loading_the_demo_twice_duplicates_nothing(demo_site):
    before = counts()
    demo_site.load()
    assert counts() == before


def test_the_front_page_links_to_the_initiatives(demo_site, client):
    assert 'href="/innbyggerforslag/"' in client.get("/").content.decode()
    assert 'href="/nn/innbyggerforslag/"' in client.get("/nn/").content.decode()
