"""Optional dependencies (the cache, the channel layer) that may fail without failing HTTP.

Each is a `Dependency`: code that uses it reports `failed(exc)` or `ok()`; the first failure
of an incident logs one WARNING line and the first success after it one INFO line, per process,
however many requests fail in between. While it is down, `skip()` says so for a short while, so
that each request does not wait for a connection timeout of its own (a circuit breaker).
"""

import logging
import threading
import time

logger = logging.getLogger("participation.degraded")

# After a failure, how long calls skip the dependency before trying it again.
RETRY_AFTER_SECONDS = 1.0


class Dependency:
    def __init__(self, name: str, consequence: str):
        self.name = name
        self.consequence = consequence
        self.down_since: float | None = None  # time.time() of the incident's first failure
        self._retry_at = 0.0
        self._lock = threading.Lock()

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def skip(self) -> bool:
        """True while a recent failure says not to try yet."""
        return self.down_since is not None and time.monotonic() < self._retry_at

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + RETRY_AFTER_SECONDS
            if self.down_since is not None:
                return
            self.down_since = time.time()
        logger.warning(
            "%s unavailable (%s: %s); %s until it answers again",
            self.name,
            type(exc).__name__,
            exc,
            self.consequence,
        )

    def ok(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            logger.info("%s answers again after %.0f s", self.name, time.time() - since)


cache = Dependency("Cache (Redis)", "pages are served uncached and rate limits are not counted")
channel_layer = Dependency("Channel layer (Redis)", "live updates are paused")
