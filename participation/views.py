"""Site-wide views: health and readiness checks, error pages in the user's language (never a
traceback)."""

from http import HTTPStatus

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def healthz(request):
    """Liveness: the process answers. Touches nothing (no database, cache or session), so a
    Redis or database outage never makes the supervisor restart healthy workers."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """Readiness for the proxy and monitoring: each dependency's state as JSON.

    503 only when the database does not answer (nothing can be served then). Redis down is
    "degraded" with 200: pages are still served, uncached, and posts still work; taking every
    worker out of the proxy for it would turn a slower site into no site.
    """
    from participation.health import dependency_states

    states = dependency_states()
    if states["database"] != "ok":
        status, code = "unavailable", HTTPStatus.SERVICE_UNAVAILABLE
    elif "down" in states.values():
        status, code = "degraded", HTTPStatus.OK
    else:
        status, code = "ok", HTTPStatus.OK
    response = JsonResponse({"status": status, **states}, status=code)
    response["Cache-Control"] = "no-store"
    return response


def _error(request, template, status):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error(request, "errors/400.html", HTTPStatus.BAD_REQUEST)


def permission_denied(request, exception=None):
    return _error(request, "errors/403.html", HTTPStatus.FORBIDDEN)


def page_not_found(request, exception=None):
    return _error(request, "errors/404.html", HTTPStatus.NOT_FOUND)


def server_error(request):
    # No context processors: the failure may be in them.
    from django.template import loader

    return HttpResponse(
        loader.get_template("errors/500.html").render({}),
        status=HTTPStatus.INTERNAL_SERVER_ERROR,
    )


def csrf_failure(request, reason=""):
    """Usually an expired session: say so, and point back rather than show a 403 page."""
    return _error(request, "errors/csrf.html", HTTPStatus.FORBIDDEN)
