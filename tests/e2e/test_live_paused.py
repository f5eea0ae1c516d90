"""With Redis down, a reader of a live page is told politely that live updates are paused;
the page itself works and nothing takes the focus."""

import socket

import pytest

from tests.e2e.browser import expect
from tests.e2e.conftest import asgi_server

pytestmark = pytest.mark.e2e

PAUSED_NB = (
    "Direkteoppdateringene er satt på pause. Alt annet virker; nye innlegg dukker opp her når "
    "direkteoppdateringene er tilbake."
)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_reader_is_told_live_updates_are_paused_while_redis_is_down(
    browser, site_url, transactional_db, django_db_serialized_rollback, demo_site, tmp_path
):
    # site_url: the session's test database is shared with server processes (SQLite too).
    redis_down = f"redis://127.0.0.1:{closed_port()}/0"
    with asgi_server(tmp_path / "redis-down.log", REDIS_URL=redis_down) as (url, _process):
        context = browser.new_context(base_url=url)
        page = context.new_page()
        try:
            response = page.goto("/sentrum-skole-og-park/")
            assert response.ok  # the page is served with Redis down
            # The reader is somewhere on the page (here: the heading) when the notice comes.
            page.evaluate(
                "() => { const h = document.querySelector('h1'); h.tabIndex = -1; h.focus(); }"
            )
            status = page.locator("[data-live-status]")
            expect(status).to_have_text(PAUSED_NB)
            expect(status).to_be_visible()
            # Spoken once through the polite region; the reader's focus stays where it was.
            spoken = page.locator("[aria-live='polite']").filter(has_text="pause")
            expect(spoken).to_have_count(1)
            expect(spoken).to_have_text(PAUSED_NB)
            assert page.evaluate("document.activeElement === document.querySelector('h1')")
        finally:
            context.close()
