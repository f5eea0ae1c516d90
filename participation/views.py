"""Site-wide views: health check and error pages in the user's language, never a traceback."""

from http import HTTPStatus

from django.http import HttpResponse
from django.shortcuts import render


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


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
