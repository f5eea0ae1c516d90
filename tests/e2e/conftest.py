"""Real-browser tests: Debian's Chromium, driven by Playwright, against a real ASGI server.

How it fits together, and why:

- The browser talks to a separate **uvicorn process** serving `participation.asgi`
  (through `tests/e2e/asgi.py`, which only adds static files from the finders). A real ASGI
  server speaks WebSocket, so live pages work as in production; pytest-django's
  `live_server` is a threaded WSGI server in the test process and cannot.
- That process must see the data a test writes, so:
  * every test that uses the server (the `site_url` fixture, through `page`) runs with
    `transactional_db`: what it writes is committed, not hidden in a rolled-back
    transaction. Afterwards the tables are flushed, and *serialized rollback* restores the
    rows the migrations made (Wagtail's root page and locale, the role groups), so each test
    starts from a freshly migrated database;
  * on SQLite the test database becomes a file in the temp folder, named after this pytest
    process, whenever such a test is selected (pytest-django's default is in-memory, which
    another process cannot open; a per-process name keeps side-by-side runs apart). On
    PostgreSQL the test database (`test_<name>`) is already shared.
  The server gets `DATABASE_URL` pointing at that test database, `CONN_MAX_AGE=0` (so the
  PostgreSQL test database can be dropped at the end) and `ENVIRONMENT=test`.
- These tests run **last**, after pytest-django's own ordering, so the flush never touches
  another test's data.
- Playwright lives in a thread of its own (tests/e2e/browser.py): its sync API keeps an
  event loop marked running in its thread, where Django would refuse the ORM and
  `async_to_sync` (used by `broadcast()`). The test's thread stays a plain Django thread,
  so a test may call operations and fixtures such as `demo_site` directly.
- One browser for the session, a fresh context (cookies, storage) per test, locale nb.
- Every tab is watched by a `PageGuard`: a Content-Security-Policy violation or a request to
  a host other than the server's fails the test. The configured map tiles are answered here
  with an empty tile, so no test reaches the internet (docs/security.md).

Limits to know: the server has its own memory mailbox (`mail.outbox` in the test does not
see its e-mail) and, without REDIS_URL, its own in-memory channel layer (a group message sent
from the test process does not reach the browser's socket; drive changes through the browser,
or run with REDIS_URL as CI does).
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.e2e.browser import Remote, start_browser_thread, stop_browser_thread

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERVER_START_TIMEOUT = 60


def _uses_the_server(item: pytest.Item) -> bool:
    return "site_url" in getattr(item, "fixturenames", ())


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    # Before `-m` deselects: a test that drives the browser is an e2e test, marked or not.
    for item in items:
        if _uses_the_server(item) and not item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.e2e)
    result = yield
    # After deselection and pytest-django's ordering: browser tests last, in their order.
    browser_tests = [item for item in items if _uses_the_server(item)]
    if browser_tests:
        items[:] = [item for item in items if not _uses_the_server(item)] + browser_tests
        _share_the_sqlite_test_database()
    return result


_SHARED_SQLITE_FILES: list[Path] = []


def _share_the_sqlite_test_database() -> None:
    from django.db import connections

    for alias in connections:
        settings_dict = connections[alias].settings_dict
        test_settings = settings_dict.setdefault("TEST", {})
        if settings_dict["ENGINE"].endswith("sqlite3") and not test_settings.get("NAME"):
            path = Path(tempfile.gettempdir()) / f"medvirkning-e2e-{os.getpid()}-{alias}.sqlite3"
            test_settings["NAME"] = str(path)
            _SHARED_SQLITE_FILES.append(path)


def pytest_unconfigure(config):
    # Django removes the test database file, but not SQLite's WAL files beside it.
    for path in _SHARED_SQLITE_FILES:
        if not path.exists():
            for sidecar in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                sidecar.unlink(missing_ok=True)


def _database_url_for_the_server() -> str:
    """DATABASE_URL naming the test database this session created."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    # Keep user, host and options of the configured URL; only the database differs.
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    log = log_path.read_text(errors="replace")[-4000:]
    raise RuntimeError(f"The e2e server did not start at {url}. Its output:\n{log}")


@contextmanager
def asgi_server(log_path: Path, **extra_env):
    """A uvicorn process serving the project against this session's test database.

    Yields (url, process); terminates the process afterwards unless a test already killed it.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "DJANGO_SETTINGS_MODULE": "participation.settings",
        "DATABASE_URL": _database_url_for_the_server(),
        "CONN_MAX_AGE": "0",
        "SITE_URL": url,
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "uvicorn",
                "tests.e2e.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(url, process, log_path)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def site_url(django_db_setup, tmp_path_factory):
    """Base URL of a uvicorn process serving the project against this session's test DB."""
    log_path = tmp_path_factory.mktemp("e2e-server") / "server.log"
    with asgi_server(log_path) as (url, _process):
        yield url


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session (Debian's; Playwright never downloads one).

    It lives in a thread of its own (tests/e2e/browser.py): the fixtures hand out proxies.
    """
    from playwright.sync_api import sync_playwright

    thread = start_browser_thread()
    playwright = thread.call(lambda: sync_playwright().start())
    try:
        chromium = thread.call(
            playwright.chromium.launch, executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            yield Remote(chromium)
        finally:
            thread.call(chromium.close)
    finally:
        thread.call(playwright.stop)
        stop_browser_thread()


# Reported to the console by the page itself: Chromium logs a blocked load or script as
# "Refused to ... Content Security Policy", but the event also names the directive and source.
_REPORT_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` in ${e.sourceFile || document.location.href}:${e.lineNumber}`);
});"""
# A 1×1 transparent PNG, served in place of every map tile.
_EMPTY_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


class PageGuard:
    """Fails the test on a Content-Security-Policy violation or a request to a foreign host.

    Every browser test gets it through `page`: a page that runs an inline script, loads
    something the policy forbids, or asks a third party for anything (a Gravatar, a font, a
    tracker) fails, whatever the test itself checks. The configured map tiles are the only
    other host allowed; they are answered here with an empty tile, so no test reaches the
    internet.
    """

    def __init__(self, site_url: str) -> None:
        from django.conf import settings

        self.site = urlsplit(site_url).netloc
        self.tile_host = urlsplit(settings.MAP_TILE_URL).netloc
        self.csp_violations: list[str] = []
        self.foreign_requests: list[str] = []

    def watch(self, context) -> None:
        # The handlers run in the browser thread (tests/e2e/browser.py): plain Playwright there.
        context.add_init_script(script=_REPORT_CSP_VIOLATIONS)
        context.on("console", self._on_console)
        context.on("request", self._on_request)
        if self.tile_host:
            context.route(f"*://{self.tile_host}/**", self._serve_empty_tile)

    def _on_console(self, message) -> None:
        text = message.text
        if message.type == "error" and (
            "Content Security Policy" in text or text.startswith("CSP violation")
        ):
            self.csp_violations.append(f"{text} (at {message.page.url if message.page else '?'})")

    def _on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc not in {
            self.site,
            self.tile_host,
        }:
            self.foreign_requests.append(f"{request.method} {request.url}")

    @staticmethod
    def _serve_empty_tile(route) -> None:
        route.fulfill(status=200, content_type="image/png", body=_EMPTY_TILE)

    def problems(self) -> str:
        lines = []
        if self.csp_violations:
            lines.append("Content-Security-Policy violations (see docs/security.md):")
            lines.extend(f"- {line}" for line in dict.fromkeys(self.csp_violations))
        if self.foreign_requests:
            lines.append(f"Requests to hosts other than {self.site} and the map tiles:")
            lines.extend(f"- {line}" for line in dict.fromkeys(self.foreign_requests))
        return "\n".join(lines)


def _new_tab(browser, site_url, guards):
    """A tab in a browser context of its own (own cookies, own session) in Norwegian bokmål,
    watched by a PageGuard."""
    context = browser.new_context(
        base_url=site_url, locale="nb-NO", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    guard = PageGuard(site_url)
    guard.watch(context)
    guards.append(guard)
    yield context.new_page()
    context.close()
    if problems := guard.problems():
        pytest.fail(problems, pytrace=False)


@pytest.fixture
def page_guards():
    """The PageGuard of each tab of this test, `page`'s first (a test of a guard reads it)."""
    return []


@pytest.fixture
def page(browser, site_url, transactional_db, django_db_serialized_rollback, page_guards):
    """A fresh browser tab (own cookies) in Norwegian bokmål; `page.goto("/")` is the site."""
    yield from _new_tab(browser, site_url, page_guards)


@pytest.fixture
def second_page(browser, site_url, page_guards):
    """Another person's browser beside `page`: its own context, so its own cookies and
    session."""
    yield from _new_tab(browser, site_url, page_guards)


class Violations(str):
    """What axe-core found, as a readable report: empty (falsy) when there is nothing.

    A `str`, so that `assert not violations, violations` prints the whole report (pytest
    shortens any other kind of assertion message). The raw results are in `.found`.
    """

    found: list

    def __new__(cls, found: list):
        report = cls._report(found) if found else ""
        instance = super().__new__(cls, report)
        instance.found = found
        return instance

    @property
    def ids(self) -> list[str]:
        return [violation["id"] for violation in self.found]

    @staticmethod
    def _report(found: list) -> str:
        lines = [f"{len(found)} accessibility violation(s) (axe-core, WCAG 2.0/2.1 A+AA):"]
        for violation in found:
            lines.append(
                f"- {violation['id']} [{violation['impact']}]: {violation['help']}"
                f" ({violation['helpUrl']})"
            )
            for node in violation["nodes"]:
                lines.append(f"    at {' '.join(node['target'])}: {node['html'][:200]}")
                lines.extend(f"      {line}" for line in node["summary"].splitlines())
        return "\n".join(lines)


_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.map(String), html: n.html,
                                summary: n.failureSummary || ""})),
  }));
}"""


def run_axe(page) -> Violations:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's tooling, not as a <script> the page's CSP would refuse.
        page.evaluate(AXE_JS.read_text())
    return Violations(page.evaluate(_AXE_RUN, AXE_TAGS))


@pytest.fixture
def axe():
    """`violations = axe(page); assert not violations, violations` – WCAG 2.0/2.1 A and AA.

    No rule is switched off: fix the page instead.
    """
    return run_axe


def log_in(page, email: str, password: str) -> None:
    """Log in through the login form, as a person would; fails with the page's message."""
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    password_field = page.locator('input[name="password"]')
    password_field.fill(password)
    password_field.press("Enter")
    page.wait_for_load_state()
    if page.locator('form[action*="/accounts/logout/"]').count() == 0:
        raise AssertionError(
            f"Logging in as {email} failed at {page.url}:\n{page.locator('main').inner_text()}"
        )


@pytest.fixture
def login():
    """`login(page, email, password)`: log in with an e-mail account through the form."""
    return log_in
