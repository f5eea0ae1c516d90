"""The fixtures the security tests share with the module tests they cross."""

import pytest
from django.utils import translation

from tests.hearings.conftest import make_hearing  # noqa: F401
from tests.ideabank.conftest import make_idea, premoderated  # noqa: F401


@pytest.fixture
def resident(make_user):
    return make_user(name="Kari Nordmann", email="kari@example.org")


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request to /en/ or /nn/ leaves that language active in the thread (LocaleMiddleware
    does not reset it): without this, the next module's reverse() would build /en/ URLs."""
    yield
    translation.deactivate()
