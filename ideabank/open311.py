"""Open311 GeoReport v2 in JSON and XML: discovery, services, service definitions, requests
(list, one, post).

Services are the official topics (service_code = topic slug). Service requests are ideas:
a posted request becomes an Idea (source "open311") through the same `do_post_idea` and the
same moderation as ideas posted on the site; only published ideas are ever returned.
What is returned is the text the site shows (personal data redacted, a moderator's edit
kept); the e-mail address and phone number a client may post are not stored (we publish
names, not contact details).

Every view builds a Python structure and `_render` writes it as JSON or XML (the spec's
element names), so both formats say the same; every error is the spec's error list.
"""

import json
import re
from datetime import timedelta
from functools import wraps
from http import HTTPStatus
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from ideabank import operations
from ideabank.geocoding import search_places
from ideabank.models import Idea, IdeaStatus, Place, Topic
from participation.contributions.operations import ContributionError
from participation.ratelimit import RateLimited, check_rate

CLOSED = {IdeaStatus.DONE, IdeaStatus.NOT_PURSUED}
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed in a way a client would notice (the discovery's changeset).
CHANGESET = "2026-12-07T00:00:00Z"
CONTENT_TYPES = {"json": "application/json", "xml": "text/xml; charset=utf-8"}
# The XML element of each item of a list, by the element of the list (the spec's shapes).
ITEM_ELEMENTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry (a planner's answer or a code in the address may hold one):
# dropped, or the whole document would be unreadable to every client.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Open311Error(Exception):
    def __init__(self, status: HTTPStatus, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def _xml_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _xml_fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        for child in value:
            _xml_fill(ET.SubElement(element, ITEM_ELEMENTS[element.tag]), child)
    else:
        element.text = _xml_text(value)


def _render(data, fmt: str, root: str, status: HTTPStatus = HTTPStatus.OK) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root` (lists get ITEM_ELEMENTS items)."""
    if fmt == "xml":
        element = ET.Element(root)
        _xml_fill(element, data)
        body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    else:
        body = json.dumps(data, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def _error(status: HTTPStatus, description: str, fmt: str = "json") -> HttpResponse:
    return _render([{"code": status.value, "description": description}], fmt, "errors", status)


def api(*methods):
    """An Open311 view: the format from the URL, other methods refused and every
    Open311Error answered in the spec's error list, in that format."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, fmt="json", **kwargs):
            if request.method not in methods:
                response = _error(
                    HTTPStatus.METHOD_NOT_ALLOWED,
                    f"Method {request.method} is not allowed here; use {', '.join(methods)}",
                    fmt,
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return _error(error.status, error.description, fmt)

        return wrapper

    return decorator


def _w3c(moment) -> str | None:
    return moment.isoformat() if moment else None


def _media_url(idea: Idea) -> str:
    photos = list(idea.photos.all())
    if not photos:
        return ""
    # The public photo view, which answers 404 while the idea is not published; one language
    # so the address does not depend on the client's Accept-Language.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("ideabank:photo", args=[idea.pk, photos[0].pk])
    return settings.SITE_URL + path


def service_request(idea: Idea, topics: list[Topic]) -> dict:
    topic = topics[0] if topics else None
    return {
        "service_request_id": str(idea.pk),
        "status": "closed" if idea.status in CLOSED else "open",
        "status_notes": idea.answer,
        "service_name": topic.name if topic else "",
        "service_code": topic.slug if topic else "",
        "description": idea.public_text,
        "agency_responsible": "",
        "service_notice": "",
        "requested_datetime": _w3c(idea.published_at or idea.created_at),
        "updated_datetime": _w3c(idea.status_changed_at or idea.published_at or idea.created_at),
        "expected_datetime": None,
        "address": idea.public_address,
        "address_id": "",
        "zipcode": "",
        "lat": idea.lat,
        "long": idea.lon,
        "media_url": _media_url(idea),
    }


def _services():
    return Topic.objects.filter(official=True).order_by("name")


@api("GET")
def discovery(request, fmt):
    base = settings.SITE_URL + reverse("open311:services").removesuffix("services.json")
    return _render(
        {
            "changeset": CHANGESET,
            "contact": settings.CONTACT_EMAIL,
            "key_service": (
                "Ask the municipality for an api_key (needed only to post service requests)"
                + (f": {settings.CONTACT_EMAIL}" if settings.CONTACT_EMAIL else "")
            ),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base.rstrip("/"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
        fmt,
        "discovery",
    )


@api("GET")
def services(request, fmt):
    return _render(
        [
            {
                "service_code": topic.slug,
                "service_name": topic.name,
                "description": "",
                "metadata": False,
                "type": "batch",
                "keywords": "",
                "group": "",
            }
            for topic in _services()
        ],
        fmt,
        "services",
    )


@api("GET")
def service_definition(request, code, fmt):
    # No service has attributes (metadata is false for all): the spec's answer is an error.
    if not _services().filter(slug=code).exists():
        raise Open311Error(HTTPStatus.NOT_FOUND, f"No service with service_code {code}")
    raise Open311Error(
        HTTPStatus.NOT_FOUND,
        f"Service {code} has no service definition (metadata is false): post without attributes",
    )


def _parse_date(raw: str, name: str):
    moment = parse_datetime(raw)
    if moment is None:
        raise Open311Error(
            HTTPStatus.BAD_REQUEST,
            f"{name} must be a W3C date and time, e.g. 2026-01-31T12:00:00Z",
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@api("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    ideas = operations.listed_ideas().prefetch_related("topics", "photos")
    params = request.GET
    if params.get("service_request_id"):
        ids = [i for i in params["service_request_id"].split(",") if i.strip().isdigit()]
        ideas = ideas.filter(pk__in=ids)
    else:
        end = _parse_date(params["end_date"], "end_date") if params.get("end_date") else None
        start = (
            _parse_date(params["start_date"], "start_date") if params.get("start_date") else None
        )
        # The spec's default: the last 90 days.
        if start is None and end is None:
            start = timezone.now() - timedelta(days=DEFAULT_DAYS)
        if start:
            ideas = ideas.filter(published_at__gte=start)
        if end:
            ideas = ideas.filter(published_at__lte=end)
        if params.get("service_code"):
            codes = [c.strip() for c in params["service_code"].split(",") if c.strip()]
            ideas = ideas.filter(topics__slug__in=codes).distinct()
        status = params.get("status", "")
        if status:
            wanted = {s.strip() for s in status.split(",")}
            if not wanted <= {"open", "closed"}:
                raise Open311Error(HTTPStatus.BAD_REQUEST, "status must be open or closed")
            if wanted == {"open"}:
                ideas = ideas.exclude(status__in=CLOSED)
            elif wanted == {"closed"}:
                ideas = ideas.filter(status__in=CLOSED)
    ideas = ideas.order_by("-published_at", "-pk")[:MAX_REQUESTS]
    return _render(
        [service_request(idea, list(idea.topics.all())) for idea in ideas],
        fmt,
        "service_requests",
    )


@api("GET")
def request_detail(request, pk, fmt):
    idea = operations.listed_ideas().filter(pk=pk).prefetch_related("topics", "photos").first()
    if idea is None:
        raise Open311Error(HTTPStatus.NOT_FOUND, f"No service request {pk}")
    return _render([service_request(idea, list(idea.topics.all()))], fmt, "service_requests")


@api("GET", "POST")
def not_found(request, fmt="json", **kwargs):
    raise Open311Error(
        HTTPStatus.NOT_FOUND,
        "No such endpoint; see discovery.json, services.json, services/<service_code>.json, "
        "requests.json and requests/<service_request_id>.json (or .xml)",
    )


def _post_data(request) -> dict:
    """The posted fields, from a form (urlencoded or multipart) or a JSON object."""
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.POST
    if content_type == "application/json":
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Open311Error(HTTPStatus.BAD_REQUEST, "The body is not valid JSON") from exc
        if not isinstance(data, dict):
            raise Open311Error(
                HTTPStatus.BAD_REQUEST, "The JSON body must be an object of the request's fields"
            )
        return {k: "" if v is None else str(v) for k, v in data.items() if isinstance(k, str)}
    raise Open311Error(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        "Post the fields as application/x-www-form-urlencoded, multipart/form-data "
        "or application/json",
    )


def _location(data) -> tuple:
    """(lat, lon, address) from lat+long, address_id (a place of the gazetteer) or
    address_string (looked up; kept without a point if not found)."""
    lat, lon = data.get("lat", ""), data.get("long", "")
    address = data.get("address_string", "")
    if lat and lon:
        return lat, lon, address
    if data.get("address_id", "").strip():
        raw = data["address_id"].strip()
        place = Place.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if place is None:
            raise Open311Error(HTTPStatus.BAD_REQUEST, "address_id is not a known address")
        return place.lat, place.lon, address or place.name
    if not address.strip():
        raise Open311Error(
            HTTPStatus.BAD_REQUEST,
            "A location is required: lat and long, address_string or address_id",
        )
    found = search_places(address, limit=1)
    if found:
        return found[0].lat, found[0].lon, address
    return None, None, address


def _post_request(request, fmt):
    try:
        data, problem = _post_data(request), None
    except Open311Error as error:
        data, problem = {}, error
    client = operations.client_for_key(data.get("api_key", ""))
    try:
        # Per client and per address; a wrong key counts against the address too.
        check_rate(request, "open311", user=client.account if client else None)
    except RateLimited as error:
        response = _error(
            HTTPStatus.TOO_MANY_REQUESTS,
            f"Too many requests; try again in {error.retry_after} seconds",
            fmt,
        )
        response["Retry-After"] = str(error.retry_after)
        return response
    if problem is not None:
        raise problem
    if client is None:
        raise Open311Error(HTTPStatus.FORBIDDEN, "api_key is missing or not valid")
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(HTTPStatus.BAD_REQUEST, "service_code is required")
    topic = _services().filter(slug=code).first()
    if topic is None:
        raise Open311Error(HTTPStatus.BAD_REQUEST, f"service_code {code} is not a known service")
    description = data.get("description", "")
    if not description.strip():
        raise Open311Error(HTTPStatus.BAD_REQUEST, "description is required")
    lat, lon, address = _location(data)
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p)
    title = description.strip().splitlines()[0][:80]
    if len(title) < operations.MIN_TITLE_CHARS:
        title = topic.name
    try:
        idea, _created = operations.do_post_idea(
            client.account,
            title=title,
            body=description,
            topics=[topic],
            lat=lat,
            lon=lon,
            address=address,
            source=Idea.Source.OPEN311,
            open311_client=client,
            author_name=name.strip(),
        )
    except ContributionError as error:
        raise Open311Error(HTTPStatus.BAD_REQUEST, str(error.message)) from error
    notice = "" if idea.is_public else "Published when a moderator has read it."
    return _render(
        [{"service_request_id": str(idea.pk), "service_notice": notice, "account_id": None}],
        fmt,
        "service_requests",
    )
