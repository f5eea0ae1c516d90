"""The state of each dependency, for /readyz and for the logs.

Each check is short (timeouts well under a second for Redis) and goes straight to the
dependency, past the fail-soft cache layer, so it says what is true now.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.utils import InterfaceError, OperationalError
from redis import Redis

from participation import degraded
from participation.cache import FAILURES as REDIS_FAILURES
from participation.cache import ping as ping_cache

logger = logging.getLogger("participation.degraded")


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "down"
    return "ok"


def channel_layer_state() -> str:
    layer = settings.CHANNEL_LAYERS["default"]
    hosts = layer.get("CONFIG", {}).get("hosts")
    if not hosts:
        return "local"
    address = hosts[0]["address"] if isinstance(hosts[0], dict) else hosts[0]
    client = Redis.from_url(address, socket_connect_timeout=0.25, socket_timeout=0.5)
    try:
        client.ping()
    except REDIS_FAILURES as exc:
        degraded.channel_layer.failed(exc)
        return "down"
    finally:
        client.close()
    return "ok"


def dependency_states() -> dict[str, str]:
    return {
        "database": database_state(),
        "cache": ping_cache(),
        "channel_layer": channel_layer_state(),
    }


def log_lost_database_connection(sender, request=None, **kwargs) -> None:
    """One line when a request fails because the database connection went away (a restart,
    a failover, pg_terminate_backend). The next request takes a checked connection from the
    pool, so recovery is immediate; this line says why that one request failed."""
    import sys

    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.warning(
            "Database connection lost during %s %s (%s); the next request uses a new one",
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            type(exc).__name__,
        )
