"""Playwright in a thread of its own, so that the test's thread never has an event loop.

Playwright's sync API keeps its asyncio loop marked as running in the thread that uses it,
between calls too. In that thread Django refuses ORM calls (SynchronousOnlyOperation) and
asgiref refuses `async_to_sync` – which the platform's `broadcast()` uses on every commit
that readers should see live. So the e2e tests keep Django in the test's thread and put the
browser in another one: every Playwright object the fixtures hand out is a `Remote`, a thin
proxy that runs each call in the browser thread and wraps what comes back.

Use it like Playwright (`page.goto("/")`, `page.get_by_role(...).click()`,
`with page.expect_navigation(): ...`), with one difference: import `expect` from here,
not from `playwright.sync_api`.

Callbacks given to Playwright (`page.on(...)`, `page.route(...)`) run in the browser thread;
keep Django out of them.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from playwright.sync_api import expect as _playwright_expect


class BrowserThread:
    """One worker thread that owns every Playwright object of the session."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._ident = self._executor.submit(threading.get_ident).result()

    def call(self, function, /, *args, **kwargs):
        if threading.get_ident() == self._ident:
            # A callback running in the browser thread calls back into Playwright.
            return function(*args, **kwargs)
        return self._executor.submit(function, *args, **kwargs).result()

    def stop(self) -> None:
        self._executor.shutdown(wait=True)


_thread: BrowserThread | None = None


def start_browser_thread() -> BrowserThread:
    global _thread  # noqa: PLW0603 - one browser thread per session
    if _thread is None:
        _thread = BrowserThread()
    return _thread


def stop_browser_thread() -> None:
    global _thread  # noqa: PLW0603
    if _thread is not None:
        _thread.stop()
        _thread = None


def _call(function, /, *args, **kwargs):
    assert _thread is not None, "the browser thread is not running (use the `browser` fixture)"
    return _thread.call(function, *args, **kwargs)


def _is_playwright(value: Any) -> bool:
    return type(value).__module__.startswith("playwright.")


def wrap(value: Any) -> Any:
    if _is_playwright(value):
        return Remote(value)
    if isinstance(value, list):
        return [wrap(item) for item in value]
    if isinstance(value, tuple):
        return tuple(wrap(item) for item in value)
    if isinstance(value, dict):
        return {key: wrap(item) for key, item in value.items()}
    return value


def unwrap(value: Any) -> Any:
    if isinstance(value, Remote):
        return object.__getattribute__(value, "_target")
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    if isinstance(value, tuple):
        return tuple(unwrap(item) for item in value)
    if isinstance(value, dict):
        return {key: unwrap(item) for key, item in value.items()}
    return value


def _remote_call(function, /, *args, **kwargs):
    return wrap(_call(function, *unwrap(args), **unwrap(kwargs)))


class Remote:
    """A Playwright object that lives in the browser thread; each use of it runs there."""

    __slots__ = ("_target",)

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    def __getattr__(self, name: str) -> Any:
        target = object.__getattribute__(self, "_target")
        value = _call(getattr, target, name)
        if callable(value) and not _is_playwright(value):
            return lambda *args, **kwargs: _remote_call(value, *args, **kwargs)
        return wrap(value)

    def __setattr__(self, name: str, value: Any) -> None:
        _call(setattr, object.__getattribute__(self, "_target"), name, unwrap(value))

    def __enter__(self) -> Any:
        return _remote_call(object.__getattribute__(self, "_target").__enter__)

    def __exit__(self, *exc_info: Any) -> Any:
        return _call(object.__getattribute__(self, "_target").__exit__, *exc_info)

    def __eq__(self, other: object) -> bool:
        return object.__getattribute__(self, "_target") == unwrap(other)

    def __hash__(self) -> int:
        return hash(object.__getattribute__(self, "_target"))

    def __repr__(self) -> str:
        return _call(repr, object.__getattribute__(self, "_target"))

    def __str__(self) -> str:
        return _call(str, object.__getattribute__(self, "_target"))


def expect(actual: Any, message: str | None = None) -> Any:
    """Playwright's `expect`, for the proxies the fixtures hand out (auto-waiting included)."""
    return _remote_call(_playwright_expect, actual, message)
