"""Live updates across ASGI processes on one Redis channel layer, and through a server crash.

Real uvicorn processes serve the project against this session's test database (see
conftest.py); a Python WebSocket client (`websockets`) plays the browser. Waits are generous
timeouts, never timing asserts.
"""

import os
import re
import signal
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.e2e.conftest import asgi_server

pytestmark = [
    pytest.mark.e2e,
    # The sync client is used as a plain object, reconnected by hand, as live.js does.
    pytest.mark.filterwarnings("ignore:connect\\(\\) must be used:DeprecationWarning"),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: two server processes share a channel layer only through Redis",
    ),
]

WAIT = 15  # seconds; a generous ceiling, not a measurement


@contextmanager
def server(tmp_path, name):
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    with asgi_server(tmp_path / f"{name}.log", CHANNELS_PREFIX=prefix) as (url, process):
        yield url, process


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class Listener:
    """A moderator's socket, with live.js's rules: subscribe with the last id seen, drop what
    was seen, reconnect to wherever it is told."""

    def __init__(self, cookie: str, stream: str, last_id: int):
        self.cookie, self.stream, self.last_id = cookie, stream, last_id
        self.accepted: list[int] = []
        self.socket = None

    def connect(self, url: str) -> None:
        host = urlsplit(url).netloc
        self.socket = connect(
            f"ws://{host}/ws/live/",
            additional_headers={"Cookie": self.cookie},
            origin=url,
            open_timeout=WAIT,
        )
        self.socket.send(
            f'{{"type": "subscribe", "stream": "{self.stream}", "last_event_id": {self.last_id}}}'
        )
        assert '"subscribed"' in self.socket.recv(timeout=WAIT)

    def receive_until(self, wanted: set[int]) -> None:
        deadline = time.monotonic() + WAIT
        while not wanted <= set(self.accepted):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"missing events {sorted(wanted - set(self.accepted))}")
            self.take(self.socket.recv(timeout=remaining))

    def take(self, frame: str) -> None:
        import json

        event = json.loads(frame)
        if isinstance(event.get("id"), int) and event["id"] > self.last_id:
            self.accepted.append(event["id"])
            self.last_id = event["id"]

    def wait_for_close(self) -> None:
        deadline = time.monotonic() + WAIT
        try:
            while time.monotonic() < deadline:
                self.take(self.socket.recv(timeout=deadline - time.monotonic()))
        except ConnectionClosed:
            return
        raise AssertionError("the socket stayed open after its server was killed")


def moderation_ids_after(last_id: int) -> list[int]:
    from participation.live.models import Event

    return list(
        Event.objects.filter(stream="moderation", id__gt=last_id)
        .order_by("id")
        .values_list("id", flat=True)
    )


def latest_moderation_id() -> int:
    from participation.live.models import Event

    return (
        Event.objects.filter(stream="moderation")
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


@pytest.fixture
def open_hearing(site_url, transactional_db, django_db_serialized_rollback, demo_site):
    from cms.models import PlanPage
    from participation.contributions.models import ModerationMode

    hearing = PlanPage.objects.get(slug="sentrum-skole-og-park").hearing
    hearing.discussion.moderation = ModerationMode.PRE
    hearing.discussion.save(update_fields=["moderation"])
    return hearing


def post_comment_through(url: str, cookie: str, hearing, text: str) -> None:
    """A resident posts through the comment form of the server at `url`."""
    session = requests.Session()
    session.headers["Cookie"] = cookie
    from django.urls import reverse

    form_url = url + reverse("hearings:comment", args=[hearing.pk])
    page = session.get(form_url, timeout=WAIT)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.headers["Cookie"] = f"{cookie}; csrftoken={session.cookies.get('csrftoken')}"
    response = session.post(
        form_url,
        data={"csrfmiddlewaretoken": token, "body": text, "idempotency_key": text[:32]},
        allow_redirects=False,
        timeout=WAIT,
    )
    assert response.status_code == 302, response.text[:2000]


def test_a_moderator_on_one_server_sees_a_post_made_through_another(
    site_url, open_hearing, tmp_path
):
    from participation.accounts.models import User
    from participation.contributions.models import Comment
    from participation.live.models import Event

    moderator = User.objects.get(email="moderator@demo.medvirkning.no")
    resident = User.objects.get(email="innbygger@demo.medvirkning.no")
    listener = Listener(session_cookie(moderator), "moderation", latest_moderation_id())
    listener.connect(site_url)

    with server(tmp_path, "b") as (other_url, _):
        post_comment_through(other_url, session_cookie(resident), open_hearing, "Via B")
        comment = Comment.objects.get(body="Via B")
        created = Event.objects.get(
            stream="moderation", type="contribution.created", payload__contribution_id=comment.pk
        )
        listener.receive_until({created.id})
    listener.socket.close()

    assert comment.state == Comment.State.PENDING
    assert listener.accepted == [created.id]


def test_clients_of_a_killed_server_reconnect_to_another_and_miss_nothing_nor_see_twice(
    open_hearing, tmp_path
):
    from hearings.operations import do_comment
    from participation.accounts.models import User

    moderator = User.objects.get(email="moderator@demo.medvirkning.no")
    resident = User.objects.get(email="innbygger@demo.medvirkning.no")
    start = latest_moderation_id()
    cookie = session_cookie(moderator)
    listeners = [Listener(cookie, "moderation", start) for _ in range(3)]
    n = iter(range(1000))

    def post(count):
        for _ in range(count):
            do_comment(resident, open_hearing, f"Innlegg {next(n)}")

    with server(tmp_path, "a") as (url_a, process_a), server(tmp_path, "b") as (url_b, _):
        for listener in listeners:
            listener.connect(url_a)
        post(3)
        for listener in listeners:
            listener.receive_until(set(moderation_ids_after(start)))

        process_a.send_signal(signal.SIGKILL)
        process_a.wait(timeout=WAIT)
        for listener in listeners:
            listener.wait_for_close()
        post(4)  # while every client is cut off

        for listener in listeners:
            listener.connect(url_b)
        post(2)  # after they are back
        expected = moderation_ids_after(start)
        for listener in listeners:
            listener.receive_until(set(expected))
            listener.socket.close()

    assert len(expected) == 9
    for listener in listeners:
        assert listener.accepted == expected
