import io
import json

import pytest

from ideabank.geocoding import KartverketAddressGeocoder, LocalGazetteer, parse_place_token
from ideabank.models import Place

pytestmark = pytest.mark.django_db


def test_local_gazetteer_finds_places_and_areas_names_starting_with_the_query_first(areas):
    Place.objects.create(name="Nordre park", lat=59.935, lon=10.755)
    Place.objects.create(name="Parken nord", lat=59.94, lon=10.75)
    names = [r.name for r in LocalGazetteer().search("nord")]
    assert names == ["Nord", "Nordre park", "Parken nord"]


def test_an_areas_point_lies_inside_the_area(areas):
    [result] = LocalGazetteer().search("Sør")
    assert 59.875 < result.lat < 59.90 and 10.72 < result.lon < 10.78


def test_one_letter_finds_nothing(areas):
    assert LocalGazetteer().search("n") == []


def test_a_place_token_travels_through_a_form_and_back():
    place = parse_place_token("59.912500,10.749000|Torget")
    assert (place.lat, place.lon, place.name) == (59.9125, 10.749, "Torget")
    assert parse_place_token("not a token") is None
    assert parse_place_token("100,10|Nowhere") is None


def test_kartverket_backend_reads_the_address_api(monkeypatch):
    answer = {
        "adresser": [
            {
                "adressetekst": "Karl Johans gate 1",
                "poststed": "OSLO",
                "representasjonspunkt": {"epsg": "EPSG:4258", "lat": 59.911, "lon": 10.750},
            }
        ]
    }
    seen = {}

    def fake_urlopen(url, timeout):
        seen["url"] = url
        return io.BytesIO(json.dumps(answer).encode())

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    [result] = KartverketAddressGeocoder().search("karl johans gate 1")
    assert result.name == "Karl Johans gate 1, OSLO"
    assert (result.lat, result.lon) == (59.911, 10.75)
    assert seen["url"].startswith("https://ws.geonorge.no/adresser/v1/sok?sok=karl+johans")


def test_kartverket_backend_finds_nothing_when_the_service_is_unreachable(monkeypatch):
    def unreachable(url, timeout):
        raise OSError("no network")

    monkeypatch.setattr("urllib.request.urlopen", unreachable)
    assert KartverketAddressGeocoder().search("Storgata") == []
