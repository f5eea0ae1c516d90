from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, override


def site(request):
    path = request.get_full_path()
    current = get_language()
    return {
        "MUNICIPALITY_NAME": settings.MUNICIPALITY_NAME,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        # Lazy: costs nothing on a page that does not show the footer.
        "accessibility_statement": SimpleLazyObject(lambda: accessibility_statement(request)),
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
    }


def accessibility_statement(request) -> dict | None:
    """The statement page's title and URL in the current language, one query per request.

    The universal-design rules require a link to it from every page (the footer).
    """
    cached = getattr(request, "_accessibility_statement", _MISSING)
    if cached is not _MISSING:
        return cached
    from cms.models import AccessibilityStatementPage

    language = get_language()
    pages = list(AccessibilityStatementPage.objects.live().select_related("locale"))
    page = next((p for p in pages if p.locale.language_code == language), None) or next(
        iter(pages), None
    )
    statement = None
    if page is not None:
        url = page.get_url(request)
        if url:
            # A page not yet translated is still served under the reader's language prefix.
            with override(page.locale.language_code):
                url = translate_url(url, language)
            statement = {"title": page.title, "url": url}
    request._accessibility_statement = statement
    return statement


_MISSING = object()
