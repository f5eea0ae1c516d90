"""Open311 GeoReport v2 (JSON only): services, requests (list, one, post).

Services are the official topics (service_code = topic slug). Service requests are ideas:
a posted request becomes an Idea (source "open311") through the same `do_post_idea` and the
same moderation as ideas posted on the site; only published ideas are ever returned.
What is returned is the text the site shows (personal data redacted, a moderator's edit
kept); the e-mail address and phone number a client may post are not stored (we publish
names, not contact details).
"""

from datetime import timedelta
from http import HTTPStatus

from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ideabank import operations
from ideabank.geocoding import search_places
from ideabank.models import Idea, IdeaStatus, Topic
from participation.contributions.operations import ContributionError
from participation.ratelimit import RateLimited, check_rate

CLOSED = {IdeaStatus.DONE, IdeaStatus.NOT_PURSUED}
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000


def _error(status: HTTPStatus, description: str) -> JsonResponse:
    return JsonResponse(
        [{"code": status.value, "description": description}], status=status, safe=False
    )


def _w3c(moment) -> str | None:
    return moment.isoformat() if moment else None


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
        "media_url": "",
    }


@require_GET
def services(request):
    return JsonResponse(
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
            for topic in Topic.objects.filter(official=True).order_by("name")
        ],
        safe=False,
    )


def _parse_date(raw: str, name: str):
    moment = parse_datetime(raw)
    if moment is None:
        raise ValueError(f"{name} must be a W3C date and time, e.g. 2026-01-31T12:00:00Z")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request):
    if request.method == "POST":
        return _post_request(request)
    ideas = operations.listed_ideas().prefetch_related("topics")
    params = request.GET
    if params.get("service_request_id"):
        ids = [i for i in params["service_request_id"].split(",") if i.strip().isdigit()]
        ideas = ideas.filter(pk__in=ids)
    else:
        try:
            end = _parse_date(params["end_date"], "end_date") if params.get("end_date") else None
            start = (
                _parse_date(params["start_date"], "start_date")
                if params.get("start_date")
                else None
            )
        except ValueError as exc:
            return _error(HTTPStatus.BAD_REQUEST, str(exc))
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
                return _error(HTTPStatus.BAD_REQUEST, "status must be open or closed")
            if wanted == {"open"}:
                ideas = ideas.exclude(status__in=CLOSED)
            elif wanted == {"closed"}:
                ideas = ideas.filter(status__in=CLOSED)
    ideas = ideas.order_by("-published_at", "-pk")[:MAX_REQUESTS]
    return JsonResponse(
        [service_request(idea, list(idea.topics.all())) for idea in ideas], safe=False
    )


@require_GET
def request_detail(request, pk):
    idea = operations.listed_ideas().filter(pk=pk).prefetch_related("topics").first()
    if idea is None:
        return _error(HTTPStatus.NOT_FOUND, f"No service request {pk}")
    return JsonResponse([service_request(idea, list(idea.topics.all()))], safe=False)


def _post_request(request):
    data = request.POST
    client = operations.client_for_key(data.get("api_key", ""))
    try:
        # Per client and per address; a wrong key counts against the address too.
        check_rate(request, "open311", user=client.account if client else None)
    except RateLimited as error:
        response = _error(
            HTTPStatus.TOO_MANY_REQUESTS,
            f"Too many requests; try again in {error.retry_after} seconds",
        )
        response["Retry-After"] = str(error.retry_after)
        return response
    if client is None:
        return _error(HTTPStatus.FORBIDDEN, "api_key is missing or not valid")
    topic = Topic.objects.filter(official=True, slug=data.get("service_code", "")).first()
    if topic is None:
        return _error(HTTPStatus.BAD_REQUEST, "service_code is missing or not a known service")
    description = data.get("description", "")
    if not description.strip():
        return _error(HTTPStatus.BAD_REQUEST, "description is required")
    lat, lon = data.get("lat"), data.get("long")
    address = data.get("address_string", "")
    if not (lat and lon):
        lat = lon = None
        if not address.strip():
            return _error(HTTPStatus.BAD_REQUEST, "lat and long, or address_string, is required")
        found = search_places(address, limit=1)
        if found:
            lat, lon = found[0].lat, found[0].lon
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
        return _error(HTTPStatus.BAD_REQUEST, str(error.message))
    notice = "" if idea.is_public else "Published when a moderator has read it."
    return JsonResponse(
        [{"service_request_id": str(idea.pk), "service_notice": notice, "account_id": None}],
        safe=False,
    )
