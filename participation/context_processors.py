from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def site(request):
    path = request.get_full_path()
    current = get_language()
    return {
        "MUNICIPALITY_NAME": settings.MUNICIPALITY_NAME,
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
