"""The production settings the fault suite's server runs with, but one thing: static files come
from the finders (no `collectstatic` before the suite). Everything else is read from the same
environment variables as in production (ENVIRONMENT=production, DEBUG off, PostgreSQL, Redis)."""

from participation.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
