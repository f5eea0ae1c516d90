"""Django's Redis cache, failing soft: Redis is an accelerator, never a dependency of HTTP.

Everything that reads or writes the cache (the page cache, Wagtail's site-root lookup in every
page, allauth's login limits, our post limits) goes through this one backend, so one place makes
all of them survive Redis being down: a read is a miss, a write is dropped, `incr` raises
ValueError as for a missing key (what django-ratelimit and the page cache already handle). The
outage is logged once (participation.degraded), and for a second after a failure calls skip
Redis instead of each waiting for a connection timeout of its own.
"""

import socket

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from participation import degraded

# What a Redis that is down, restarting or unreachable raises (ConnectionError and TimeoutError
# are RedisErrors; a refused or reset socket can surface as OSError, a bad host as gaierror).
FAILURES = (RedisError, OSError, socket.gaierror)


def _soft(call, fallback):
    state = degraded.cache
    if state.skip():
        return fallback()
    try:
        result = call()
    except FAILURES as exc:
        state.failed(exc)
        return fallback()
    state.ok()
    return result


def _fail_soft(name: str, fallback):
    """RedisCacheClient.<name>, answering `fallback(*args)` when Redis fails."""
    original = getattr(RedisCacheClient, name)

    def method(self, *args):
        return _soft(lambda: original(self, *args), lambda: fallback(*args))

    method.__name__ = name
    return method


def _no_such_key(key, delta):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


class FailSoftRedisCacheClient(RedisCacheClient):
    get = _fail_soft("get", lambda key, default: default)
    get_many = _fail_soft("get_many", lambda keys: {})
    has_key = _fail_soft("has_key", lambda key: False)
    add = _fail_soft("add", lambda key, value, timeout: False)
    set = _fail_soft("set", lambda key, value, timeout: None)
    set_many = _fail_soft("set_many", lambda data, timeout: [])
    touch = _fail_soft("touch", lambda key, timeout: False)
    delete = _fail_soft("delete", lambda key: False)
    delete_many = _fail_soft("delete_many", lambda keys: None)
    clear = _fail_soft("clear", lambda: False)
    # As for a missing key: django-ratelimit and the page cache handle that already.
    incr = _fail_soft("incr", _no_such_key)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient


def ping() -> str:
    """The cache's state for /readyz: "ok", "down", or "local" (no Redis configured)."""
    from django.core.cache import caches

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return "local"
    try:
        # Straight to Redis, past the fail-soft layer and its circuit breaker.
        RedisCacheClient.get_client(cache._cache, write=True).ping()
    except FAILURES as exc:
        degraded.cache.failed(exc)
        return "down"
    degraded.cache.ok()
    return "ok"
