"""The application the e2e server runs: the project's ASGI app with two test-only adjustments.

- Static files come from the finders (node_modules, app folders) rather than a collected
  STATIC_ROOT, so no `collectstatic` is needed before a browser test.
- Without Redis the cache is a dummy one: a per-process memory cache here would keep Wagtail's
  site root paths from an earlier test after the test process flushed the database and made
  new pages. With Redis both processes share the cache, and Wagtail's invalidation reaches it.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation.settings")

from django.conf import settings  # noqa: E402

settings.WHITENOISE_USE_FINDERS = True
if not settings.REDIS_URL:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

from participation.asgi import application  # noqa: E402

__all__ = ["application"]
