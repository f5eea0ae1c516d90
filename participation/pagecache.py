"""Public pages for people who are not logged in, served from the cache.

The evening before a deadline hundreds of people read the same plan page. For a reader with
no session, the page is the same for everyone in one language, so it is rendered once and
kept until anything visible changes: every live event (a post published, hidden, edited)
and every CMS publication bumps one content version, which is part of the key. Time-driven
changes (days left, a hearing closing) are covered by a short lifetime.

Never cached: logged-in people, anyone with a session or pending messages, non-GET requests,
responses that set a cookie or use a CSRF token, staff and account pages, the health checks.

The cache is an accelerator: with Redis down, the fail-soft backend (participation/cache.py)
makes every read a miss and drops every write, so pages are rendered for each request instead.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

VERSION_KEY = "pagecache:content-version"
# /healthz and /readyz must say what is true now and touch nothing they do not check.
SKIP_PREFIXES = (
    "/healthz",
    "/readyz",
    "/admin/",
    "/django-admin/",
    "/static/",
    "/media/",
    "/documents/",
)
SKIP_SEGMENTS = ("/accounts/",)


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_content_version(*args, **kwargs) -> None:
    """Call on commit of anything the public can see; old keys simply expire."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, timeout=None)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path
    if path.startswith(SKIP_PREFIXES) or any(s in path for s in SKIP_SEGMENTS):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return not request.user.is_authenticated


def _cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _key(request) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pagecache:{content_version()}:{get_language()}:{digest}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(request, response):
            cache.set(
                key,
                (response.content, response.get("Content-Type")),
                settings.PAGE_CACHE_SECONDS,
            )
            response["X-Page-Cache"] = "miss"
        return response
