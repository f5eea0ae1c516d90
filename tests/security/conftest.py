"""The fixtures the security tests share with the module tests they cross."""

import pytest

from tests.hearings.conftest import make_hearing  # noqa: F401
from tests.ideabank.conftest import make_idea, premoderated  # noqa: F401


@pytest.fixture
def resident(make_user):
    return make_user(name="Kari Nordmann", email="kari@example.org")
