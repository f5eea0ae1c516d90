"""Open311 GeoReport v2 (JSON), as FixMyStreet-style clients use it."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from ideabank.models import Idea, IdeaStatus, Place
from ideabank.operations import client_for_key, do_create_open311_client, do_set_status
from participation.contributions.models import Contribution

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


@pytest.fixture
def api_key(make_user):
    account = make_user(name="Bymelding-appen")
    _client, key = do_create_open311_client("Bymelding", account)
    return key


def test_services_are_the_official_topics(client, topics):
    services = client.get(f"{BASE}/services.json").json()
    assert [s["service_code"] for s in services] == ["kultur", "parker", "trafikk"]
    assert services[0] == {
        "service_code": "kultur",
        "service_name": "Kultur",
        "description": "",
        "metadata": False,
        "type": "batch",
        "keywords": "",
        "group": "",
    }


def test_a_posted_request_becomes_an_idea_and_can_be_read_back(client, api_key, topics, areas):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": "trafikk",
            "lat": "59.93",
            "long": "10.75",
            "description": "Hull i veien ved krysset.\nFarlig for syklister.",
            "first_name": "Ola",
            "last_name": "Nordmann",
            "email": "ola@example.org",
            "phone": "41234567",
        },
    )
    assert response.status_code == HTTPStatus.OK
    [created] = response.json()
    idea = Idea.objects.get(pk=created["service_request_id"])
    assert idea.source == Idea.Source.OPEN311
    assert idea.title == "Hull i veien ved krysset."
    assert idea.author_name == "Ola Nordmann"
    assert idea.area == areas["nord"]
    assert "ola@example.org" not in idea.body  # contact details are not stored
    [read] = client.get(f"{BASE}/requests/{idea.pk}.json").json()
    assert read["service_request_id"] == str(idea.pk)
    assert read["service_code"] == "trafikk"
    assert read["status"] == "open"
    assert (read["lat"], read["long"]) == (59.93, 10.75)
    assert read["description"].startswith("Hull i veien")


def test_a_posted_request_goes_through_the_same_moderation(client, api_key, topics, premoderated):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": "parker",
            "lat": "59.91",
            "long": "10.75",
            "description": "Knust benk i parken.",
        },
    )
    [created] = response.json()
    idea = Idea.objects.get(pk=created["service_request_id"])
    assert idea.state == Contribution.State.PENDING
    assert created["service_notice"]
    assert client.get(f"{BASE}/requests/{idea.pk}.json").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{BASE}/requests.json").json() == []


def test_an_address_is_looked_up_when_no_coordinates_are_given(client, api_key, topics, areas):
    Place.objects.create(name="Torget", lat=59.9125, lon=10.749)
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": "parker",
            "address_string": "Torget",
            "description": "Blomsterbed trengs.",
        },
    )
    idea = Idea.objects.get(pk=response.json()[0]["service_request_id"])
    assert (idea.lat, idea.lon, idea.address) == (59.9125, 10.749, "Torget")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": "wrong"}, HTTPStatus.FORBIDDEN),
        ({"api_key": ""}, HTTPStatus.FORBIDDEN),
        ({"service_code": "nope"}, HTTPStatus.BAD_REQUEST),
        ({"description": ""}, HTTPStatus.BAD_REQUEST),
        ({"lat": "", "long": ""}, HTTPStatus.BAD_REQUEST),
        ({"lat": "999", "long": "10"}, HTTPStatus.BAD_REQUEST),
    ],
)
def test_a_bad_post_is_refused_with_an_open311_error(client, api_key, topics, change, status):
    data = {
        "api_key": api_key,
        "service_code": "parker",
        "lat": "59.91",
        "long": "10.75",
        "description": "Noe.",
    }
    response = client.post(f"{BASE}/requests.json", {**data, **change})
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status.value and error["description"]
    assert not Idea.objects.exists()


def test_a_deactivated_client_cannot_post(api_key):
    client = client_for_key(api_key)
    client.is_active = False
    client.save()
    assert client_for_key(api_key) is None


def test_requests_are_filtered_by_service_status_and_dates(client, make_idea, topics, planner):
    park = make_idea(title="Park", topics=["parker"], lat=59.91, lon=10.75)
    road = make_idea(title="Road", topics=["trafikk"], lat=59.91, lon=10.75)
    old = make_idea(title="Old", topics=["trafikk"])
    Idea.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=200))
    do_set_status(planner, road, IdeaStatus.DONE, "Fixed.")

    def ids(**params):
        return {r["service_request_id"] for r in client.get(f"{BASE}/requests.json", params).json()}

    assert ids() == {str(park.pk), str(road.pk)}  # the last 90 days by default
    assert ids(service_code="parker") == {str(park.pk)}
    assert ids(status="closed") == {str(road.pk)}
    assert ids(status="open") == {str(park.pk)}
    start = (timezone.now() - timedelta(days=365)).isoformat()
    end = (timezone.now() - timedelta(days=100)).isoformat()
    assert ids(start_date=start, end_date=end) == {str(old.pk)}
    assert ids(service_request_id=f"{park.pk},{old.pk}") == {str(park.pk), str(old.pk)}
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()[0]
    assert closed["status_notes"] == "Fixed."


def test_bad_list_parameters_are_a_bad_request(client):
    assert client.get(f"{BASE}/requests.json", {"status": "maybe"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}).status_code == 400


def test_requests_show_the_redacted_text_only(client, make_idea):
    idea = make_idea(title="Phone", body="Ring meg på 412 34 567.")
    [read] = client.get(f"{BASE}/requests/{idea.pk}.json").json()
    assert "412 34 567" not in read["description"]


def test_an_unknown_request_is_not_found(client, db):
    response = client.get(f"{BASE}/requests/999999.json")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()[0]["code"] == 404


def test_only_a_hash_of_the_api_key_is_kept(api_key):
    from ideabank.models import Open311Client

    assert not Open311Client.objects.filter(api_key_hash=api_key).exists()
    assert client_for_key(api_key) is not None


def test_the_command_prints_a_key_that_works_once_stored_only_as_a_hash(make_user):
    from io import StringIO

    from django.core.management import call_command

    account = make_user(email="app@example.org")
    out = StringIO()
    call_command("open311_client", "Bymelding", "--account", "app@example.org", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = client_for_key(key)
    assert client.name == "Bymelding" and client.account == account


def test_a_request_is_described_with_the_text_a_moderator_edited_not_the_text_as_written(
    client, make_idea, make_user
):
    from participation.contributions.moderation import do_redact

    idea = make_idea(body="Hull i veien ved skolen.\n\nNaboen i nummer 4 er en idiot.")
    moderator = make_user(name="Mona Moderator", roles=["moderator"])
    do_redact(moderator, idea, "Hull i veien ved skolen.", "Personangrep fjernet")

    [read] = client.get(f"{BASE}/requests/{idea.pk}.json").json()
    listed = client.get(f"{BASE}/requests.json").json()

    assert read["description"] == "Hull i veien ved skolen."
    assert "idiot" not in str(listed)
