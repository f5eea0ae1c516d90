import uuid

import pytest
from channels.layers import get_channel_layer

from tests.contributions.conftest import (  # noqa: F401 - fixtures shared with contributions
    hearing,
    make_hearing,
    moderator,
    other_moderator,
    post_comment,
    resident,
)


@pytest.fixture(autouse=True)
def keep_the_test_transaction(monkeypatch):
    """Channels closes stale connections around each query; in a test that would end the
    test's transaction (see tests/foundation/test_asgi.py)."""
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)


@pytest.fixture(autouse=True)
def private_channel_layer(settings):
    """A prefix of its own, so parallel runs on one Redis never see each other's events."""
    layer = dict(settings.CHANNEL_LAYERS["default"])
    if "CONFIG" in layer:
        layer["CONFIG"] = {**layer["CONFIG"], "prefix": f"test-{uuid.uuid4().hex}"}
    settings.CHANNEL_LAYERS = {"default": layer}
    yield get_channel_layer()
