"""Finding a place from what a person types: a pluggable backend, local by default.

settings.IDEABANK_GEOCODER names the backend class (dotted path). The default looks in the
local gazetteer: the areas' names and the `Place` table (named places, streets). Kartverket's
open address API (`KartverketAddressGeocoder`) can be plugged in where the server may reach
ws.geonorge.no; it falls back to nothing (not an error page) when the service is unreachable.
A backend is a class with `search(query: str, limit: int) -> list[PlaceResult]`.
"""

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from shapely.geometry import shape

from ideabank.models import Place
from participation.geo.models import Area

DEFAULT_GEOCODER = "ideabank.geocoding.LocalGazetteer"
MAX_QUERY_CHARS = 100
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlaceResult:
    name: str
    lat: float
    lon: float
    kind: str = "place"

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def token(self) -> str:
        """How a chosen place travels through a form without JavaScript."""
        return f"{self.lat:.6f},{self.lon:.6f}|{self.name}"


def parse_place_token(token: str) -> PlaceResult | None:
    try:
        point, name = token.split("|", 1)
        lat, lon = (float(v) for v in point.split(","))
    except (ValueError, AttributeError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return PlaceResult(name=name[:255], lat=lat, lon=lon)


class LocalGazetteer:
    def search(self, query: str, limit: int = 8) -> list[PlaceResult]:
        query = query.strip()[:MAX_QUERY_CHARS]
        if len(query) < 2:
            return []
        results = [
            PlaceResult(p.name, p.lat, p.lon, p.kind)
            for p in Place.objects.filter(name__icontains=query).order_by("name")[:limit]
        ]
        for area in Area.objects.filter(name__icontains=query).order_by("name")[:limit]:
            point = shape(area.geometry).representative_point()
            results.append(PlaceResult(area.name, point.y, point.x, "area"))
        # Names starting with what was typed first, then the rest alphabetically.
        folded = query.casefold()
        results.sort(key=lambda r: (not r.name.casefold().startswith(folded), r.name.casefold()))
        return results[:limit]


class KartverketAddressGeocoder:
    """Kartverket's open address search (https://ws.geonorge.no/adresser/v1/)."""

    url = "https://ws.geonorge.no/adresser/v1/sok"
    timeout = 3

    def search(self, query: str, limit: int = 8) -> list[PlaceResult]:
        query = query.strip()[:MAX_QUERY_CHARS]
        if len(query) < 2:
            return []
        params = urllib.parse.urlencode(
            {"sok": query, "treffPerSide": limit, "utkoordsys": 4258, "fuzzy": "true"}
        )
        try:
            with urllib.request.urlopen(f"{self.url}?{params}", timeout=self.timeout) as response:  # noqa: S310 - fixed https URL
                data = json.load(response)
        except (OSError, ValueError) as exc:
            log.warning("Address search failed: %s", exc)
            return []
        results = []
        for address in data.get("adresser", [])[:limit]:
            point = address.get("representasjonspunkt") or {}
            if "lat" not in point or "lon" not in point:
                continue
            name = ", ".join(
                part for part in (address.get("adressetekst"), address.get("poststed")) if part
            )
            results.append(PlaceResult(name, float(point["lat"]), float(point["lon"]), "address"))
        return results


def get_geocoder():
    return import_string(getattr(settings, "IDEABANK_GEOCODER", "") or DEFAULT_GEOCODER)()


def search_places(query: str, limit: int = 8) -> list[PlaceResult]:
    return get_geocoder().search(query, limit)
