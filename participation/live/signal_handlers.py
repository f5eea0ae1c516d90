"""Logging out closes the live sockets of that login session (a moderator's queue included)."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from participation.live.streams import session_group

logger = logging.getLogger(__name__)


def close_sockets_of_session(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    layer = get_channel_layer()
    if not key or layer is None:
        return
    try:
        async_to_sync(layer.group_send)(session_group(key), {"type": "live.close"})
    except Exception:
        # Logging out must work with Redis down; the socket's next privileged event is then
        # refused by the recheck against the (now ended) session.
        logger.warning("Could not close the live sockets of a session that logged out")
