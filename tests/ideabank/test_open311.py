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


def test_the_command_tells_where_the_api_describes_itself(make_user, settings):
    from io import StringIO

    from django.core.management import call_command

    make_user(email="app@example.org")
    out = StringIO()
    call_command("open311_client", "Bymelding", "--account", "app@example.org", stdout=out)
    assert f"{settings.SITE_URL}/open311/v2/discovery.json" in out.getvalue()


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


# ---------------------------------------------------------------- XML, discovery, definitions


def xml(response):
    from defusedxml import ElementTree

    assert response["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)


def test_services_and_requests_are_served_as_xml_with_the_spec_elements(client, make_idea, topics):
    idea = make_idea(
        title="Benk", body="Ny benk i parken.", topics=["parker"], lat=59.91, lon=10.75
    )

    services = xml(client.get(f"{BASE}/services.xml"))
    listed = xml(client.get(f"{BASE}/requests.xml"))
    one = xml(client.get(f"{BASE}/requests/{idea.pk}.xml"))

    assert services.tag == "services"
    assert [s.findtext("service_code") for s in services.findall("service")] == [
        "kultur",
        "parker",
        "trafikk",
    ]
    assert services.find("service").findtext("metadata") == "false"
    assert listed.tag == one.tag == "service_requests"
    [request] = one.findall("request")
    assert request.findtext("service_request_id") == str(idea.pk)
    assert request.findtext("service_code") == "parker"
    assert request.findtext("description") == "Ny benk i parken."
    assert (request.findtext("lat"), request.findtext("long")) == ("59.91", "10.75")
    assert [r.findtext("service_request_id") for r in listed.findall("request")] == [str(idea.pk)]


def test_xml_and_json_describe_a_request_with_the_same_fields(client, make_idea, topics):
    idea = make_idea(title="Lys", body="Lys på stien.", topics=["parker"], lat=59.9, lon=10.7)
    [as_json] = client.get(f"{BASE}/requests/{idea.pk}.json").json()
    [as_xml] = xml(client.get(f"{BASE}/requests/{idea.pk}.xml")).findall("request")
    assert [child.tag for child in as_xml] == list(as_json)
    assert as_xml.findtext("requested_datetime") == as_json["requested_datetime"]


def test_a_post_in_xml_answers_the_new_request_in_the_spec_shape(client, api_key, topics):
    response = client.post(
        f"{BASE}/requests.xml",
        {
            "api_key": api_key,
            "service_code": "parker",
            "lat": "59.91",
            "long": "10.75",
            "description": "Knust benk.",
        },
    )
    assert response.status_code == HTTPStatus.OK
    answer = xml(response)
    assert answer.tag == "service_requests"
    new_id = answer.find("request").findtext("service_request_id")
    assert Idea.objects.filter(pk=new_id).exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_the_endpoint_and_both_formats(client, fmt, settings):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == HTTPStatus.OK
    if fmt == "json":
        document = response.json()
        [endpoint] = document["endpoints"]
        formats = endpoint["formats"]
    else:
        root = xml(response)
        assert root.tag == "discovery"
        endpoint = {child.tag: child.text for child in root.find("endpoints/endpoint")}
        formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"{settings.SITE_URL}/open311/v2"
    assert endpoint["type"] == "production"
    assert set(formats) == {"application/json", "text/xml"}


@pytest.mark.parametrize("code", ["parker", "nope"])
def test_a_service_definition_is_the_spec_error_list_not_an_html_page(client, topics, code):
    as_json = client.get(f"{BASE}/services/{code}.json")
    as_xml = client.get(f"{BASE}/services/{code}.xml")

    assert as_json.status_code == as_xml.status_code == HTTPStatus.NOT_FOUND
    [error] = as_json.json()
    assert error["code"] == 404 and code in error["description"]
    root = xml(as_xml)
    assert root.tag == "errors"
    assert root.find("error").findtext("code") == "404"
    assert root.find("error").findtext("description") == error["description"]


# ---------------------------------------------------------------- posting


def post_fields(api_key, **change):
    return {
        "api_key": api_key,
        "service_code": "parker",
        "lat": "59.91",
        "long": "10.75",
        "description": "Knust benk i parken.",
        **change,
    }


def test_a_json_body_is_accepted_like_a_form(client, api_key, topics, areas):
    fields = {**post_fields(api_key), "lat": 59.93, "long": 10.75, "first_name": "Kari"}
    response = client.post(f"{BASE}/requests.json", fields, content_type="application/json")

    assert response.status_code == HTTPStatus.OK
    idea = Idea.objects.get(pk=response.json()[0]["service_request_id"])
    assert (idea.lat, idea.lon, idea.author_name) == (59.93, 10.75, "Kari")
    assert idea.topics.get().slug == "parker"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        ("{not json", "application/json", HTTPStatus.BAD_REQUEST, "not valid JSON"),
        ('["a list"]', "application/json", HTTPStatus.BAD_REQUEST, "must be an object"),
        ("api_key=x", "text/plain", HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "application/json"),
    ],
)
def test_a_body_that_cannot_be_read_says_what_is_wrong(
    client, topics, body, content_type, status, says
):
    response = client.post(f"{BASE}/requests.json", body, content_type=content_type)
    assert response.status_code == status
    [error] = response.json()
    assert says in error["description"]
    assert "api_key" not in error["description"] or content_type == "text/plain"
    assert not Idea.objects.exists()


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.parametrize(
    ("missing", "says"),
    [
        (("service_code",), "service_code is required"),
        (("lat", "long"), "A location is required"),
        (("long",), "A location is required"),
    ],
)
def test_a_post_without_a_service_or_a_place_is_refused(
    client, api_key, topics, as_json, missing, says
):
    fields = {k: v for k, v in post_fields(api_key).items() if k not in missing}
    extra = {"content_type": "application/json"} if as_json else {}
    response = client.post(f"{BASE}/requests.json", fields, **extra)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert says in response.json()[0]["description"]
    assert not Idea.objects.exists()


def test_an_address_id_is_a_place_of_the_gazetteer(client, api_key, topics, areas):
    place = Place.objects.create(name="Torget", lat=59.9125, lon=10.749)
    fields = post_fields(api_key, lat="", long="", address_id=str(place.pk))

    response = client.post(f"{BASE}/requests.json", fields)
    unknown = client.post(f"{BASE}/requests.json", {**fields, "address_id": "999999"})

    idea = Idea.objects.get(pk=response.json()[0]["service_request_id"])
    assert (idea.lat, idea.lon, idea.address) == (59.9125, 10.749, "Torget")
    assert unknown.status_code == HTTPStatus.BAD_REQUEST
    assert unknown.json()[0]["description"] == "address_id is not a known address"


# ---------------------------------------------------------------- media_url


def png_upload(name="benk.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 200, 10)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_media_url_is_the_public_address_of_the_ideas_photo(client, make_idea, settings):
    with_photo = make_idea(title="Benk med bilde", photos=[png_upload()])
    without = make_idea(title="Uten bilde")
    photo = with_photo.photos.get()

    [read] = client.get(f"{BASE}/requests/{with_photo.pk}.json").json()
    [plain] = client.get(f"{BASE}/requests/{without.pk}.json").json()
    [as_xml] = xml(client.get(f"{BASE}/requests/{with_photo.pk}.xml")).findall("request")

    assert read["media_url"].startswith(settings.SITE_URL + "/")
    assert read["media_url"].endswith(f"/{with_photo.pk}/foto/{photo.pk}/")
    assert as_xml.findtext("media_url") == read["media_url"]
    assert plain["media_url"] == ""
    served = client.get(read["media_url"].removeprefix(settings.SITE_URL))
    assert served.status_code == HTTPStatus.OK
    assert served["Content-Type"] == "image/png"


# ---------------------------------------------------------------- errors in the requested format


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        ("get", "requests/999999", None, HTTPStatus.NOT_FOUND),
        ("get", "requests", {"status": "maybe"}, HTTPStatus.BAD_REQUEST),
        ("get", "requests", {"end_date": "yesterday"}, HTTPStatus.BAD_REQUEST),
        ("post", "requests", {"api_key": "wrong"}, HTTPStatus.FORBIDDEN),
        ("post", "services", {}, HTTPStatus.METHOD_NOT_ALLOWED),
        ("delete", "requests", None, HTTPStatus.METHOD_NOT_ALLOWED),
        ("get", "no-such-endpoint", None, HTTPStatus.NOT_FOUND),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_every_error_is_the_spec_error_list_in_the_requested_format(
    client, topics, method, path, data, status, fmt
):
    response = getattr(client, method)(f"{BASE}/{path}.{fmt}", data)

    assert response.status_code == status
    if fmt == "json":
        assert response["Content-Type"] == "application/json"
        [error] = response.json()
        code, description = error["code"], error["description"]
    else:
        root = xml(response)
        assert root.tag == "errors"
        [error] = root.findall("error")
        code, description = int(error.findtext("code")), error.findtext("description")
    assert code == status.value
    assert description


def test_too_many_posts_are_a_429_in_xml_too(client, api_key, topics, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311": {"user": ["1/m"], "ip": ["9/m"]}}
    fields = post_fields(api_key)
    assert client.post(f"{BASE}/requests.xml", fields).status_code == HTTPStatus.OK
    response = client.post(f"{BASE}/requests.xml", fields)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Retry-After"]
    assert xml(response).find("error").findtext("code") == "429"


# ---------------------------------------------------------------- a third-party client, live


# serialized_rollback: the flush after a committing test must not take the migrations' rows
# (Wagtail's locale and root page, the role groups) from the tests that run after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_from_pypi_reads_and_posts_through_every_endpoint(
    live_server, settings, make_idea, make_user, topics, fmt
):
    """The `georeport` package (PyPI) against the running server. It has no call for the
    discovery document or for posting, so those go through `requests` and `xmltodict`, the
    HTTP library and XML parser the client itself uses."""
    import requests
    import xmltodict
    from georeport import GeoReport

    settings.SITE_URL = live_server.url  # so media_url points at this server
    root = f"{live_server.url}{BASE}"
    bench = make_idea(
        title="Benk",
        body="Ny benk.",
        topics=["parker"],
        lat=59.91,
        lon=10.75,
        photos=[png_upload()],
    )
    make_idea(title="Lys i parken", topics=["parker"], lat=59.92, lon=10.76)
    _app, key = do_create_open311_client("Bymelding", make_user(name="Bymelding-appen"))
    geo = GeoReport(root, output_format=fmt)

    def parse(response):
        return response.json() if fmt == "json" else xmltodict.parse(response.content)

    discovery = parse(requests.get(f"{root}/discovery.{fmt}", timeout=10))
    if fmt == "xml":
        discovery = discovery["discovery"]
        discovery["endpoints"] = [discovery["endpoints"]["endpoint"]]
    assert discovery["endpoints"][0]["url"] == root

    services = geo.get_service_list()
    assert [s["service_code"] for s in services] == ["kultur", "parker", "trafikk"]
    assert str(services[0]["metadata"]).lower() == "false"

    with pytest.raises(requests.HTTPError) as no_definition:
        geo.get_service_definition("parker")
    assert no_definition.value.response.status_code == HTTPStatus.NOT_FOUND
    error = parse(no_definition.value.response)
    error = error[0] if fmt == "json" else error["errors"]["error"]
    assert int(error["code"]) == 404 and "parker" in error["description"]

    listed = geo.get_service_requests(service_code="parker", status="open")
    assert {r["service_request_id"] for r in listed} == {str(i.pk) for i in Idea.objects.all()}

    one = geo.get_service_request(str(bench.pk))
    assert one["description"] == "Ny benk."
    assert (float(one["lat"]), float(one["long"])) == (59.91, 10.75)
    photo = requests.get(one["media_url"], timeout=10)
    assert photo.status_code == HTTPStatus.OK
    assert photo.headers["Content-Type"] == "image/png"

    posted = requests.post(
        f"{root}/requests.{fmt}",
        data={
            "api_key": key,
            "service_code": "trafikk",
            "lat": "59.93",
            "long": "10.75",
            "description": "Hull i veien.",
        },
        timeout=10,
    )
    assert posted.status_code == HTTPStatus.OK
    answer = parse(posted)
    answer = answer[0] if fmt == "json" else answer["service_requests"]["request"]
    new = Idea.objects.get(pk=answer["service_request_id"])
    assert geo.get_service_request(str(new.pk))["service_code"] == "trafikk"

    refused = requests.post(
        f"{root}/requests.{fmt}", json={"api_key": key, "description": "Uten sted."}, timeout=10
    )
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    error = parse(refused)
    error = error[0] if fmt == "json" else error["errors"]["error"]
    assert error["description"] == "service_code is required"

    with pytest.raises(requests.HTTPError) as missing:
        geo.get_service_request("999999")
    assert missing.value.response.status_code == HTTPStatus.NOT_FOUND


def test_xml_stays_readable_when_an_answer_or_an_address_holds_a_control_character(
    client, make_idea, planner
):
    idea = make_idea(title="Lys")
    do_set_status(planner, idea, IdeaStatus.DONE, "Ferdig\x0b fra\x1f kommunen.")

    [request] = xml(client.get(f"{BASE}/requests/{idea.pk}.xml")).findall("request")
    error = xml(client.get(f"{BASE}/services/a%0Bb.xml")).find("error")

    assert request.findtext("status_notes").startswith("Ferdig")
    assert error.findtext("code") == "404"
