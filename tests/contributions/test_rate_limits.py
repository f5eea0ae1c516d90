"""How often a person and an address may post: the 11th comment in a minute is refused with a
page that keeps the text; other people are not affected; limits reset; a failing cache lets
posts through. Counters live in the cache, which tests/conftest.py empties around each test."""

import logging
import time
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from ideabank.operations import do_create_open311_client
from participation.contributions.models import Comment, ModerationMode
from tests.ideabank.conftest import topics  # noqa: F401 - the Open311 services
from tests.initiatives.conftest import make_initiative, make_resident  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_hearing(make_hearing):
    return make_hearing(moderation=ModerationMode.POST)


def comment_on(client, hearing, body, address="127.0.0.1"):
    return client.post(
        reverse("hearings:comment", args=[hearing.pk]), {"body": body}, REMOTE_ADDR=address
    )


def test_the_eleventh_comment_in_a_minute_is_refused_and_its_text_is_kept(
    client, resident, open_hearing
):
    client.force_login(resident)
    for n in range(10):
        assert comment_on(client, open_hearing, f"Innlegg {n}").status_code == HTTPStatus.FOUND
    response = comment_on(client, open_hearing, "Det ellevte innlegget, skrevet med omhu.")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "You have sent many posts in a short time" in page
    # The text comes back in a form that sends it again to the same address.
    assert "Det ellevte innlegget, skrevet med omhu." in page
    assert f'action="{reverse("hearings:comment", args=[open_hearing.pk])}"' in page
    assert Comment.objects.filter(author=resident).count() == 10


def test_the_refusal_is_in_the_persons_language(client, resident, open_hearing, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": {"user": ["1/m"]}}
    client.force_login(resident)
    with translation.override("nn"):
        url = reverse("hearings:comment", args=[open_hearing.pk])
    client.post(url, {"body": "Fyrste"})
    response = client.post(url, {"body": "Andre"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Vent litt før du sender igjen" in response.content.decode()


def test_another_person_can_still_comment_when_one_is_limited(
    client, resident, make_user, open_hearing
):
    client.force_login(resident)
    for n in range(11):
        comment_on(client, open_hearing, f"Innlegg {n}")
    assert comment_on(client, open_hearing, "Igjen").status_code == HTTPStatus.TOO_MANY_REQUESTS
    client.force_login(make_user(name="Ola"))
    assert comment_on(client, open_hearing, "Mitt første").status_code == HTTPStatus.FOUND


def test_one_address_is_limited_across_accounts_and_another_address_is_not(
    client, make_user, open_hearing, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": {"user": ["10/m"], "ip": ["2/m"]}}
    for n in range(2):
        client.force_login(make_user())
        assert comment_on(client, open_hearing, f"Konto {n}").status_code == HTTPStatus.FOUND
    client.force_login(make_user())
    assert comment_on(client, open_hearing, "Ny konto").status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )
    assert comment_on(client, open_hearing, "Ny konto", address="10.0.0.7").status_code == (
        HTTPStatus.FOUND
    )


def test_the_limit_lifts_when_the_minute_has_passed(
    client, resident, open_hearing, settings, monkeypatch
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": {"user": ["2/m", "60/h"]}}
    client.force_login(resident)
    comment_on(client, open_hearing, "En")
    comment_on(client, open_hearing, "To")
    assert comment_on(client, open_hearing, "Tre").status_code == HTTPStatus.TOO_MANY_REQUESTS
    later = time.time() + 61
    monkeypatch.setattr("django_ratelimit.core.time.time", lambda: later)
    assert comment_on(client, open_hearing, "Tre").status_code == HTTPStatus.FOUND


def test_an_hourly_limit_holds_after_the_minute(
    client, resident, open_hearing, settings, monkeypatch
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": {"user": ["10/m", "3/h"]}}
    client.force_login(resident)
    for body in ("En", "To", "Tre"):
        comment_on(client, open_hearing, body)
    later = time.time() + 61
    monkeypatch.setattr("django_ratelimit.core.time.time", lambda: later)
    assert comment_on(client, open_hearing, "Fire").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_comment_on_an_idea_is_limited_too_and_the_reply_fields_are_carried(
    client, resident, settings
):
    from ideabank.operations import do_post_idea

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": {"user": ["1/m"]}}
    idea, _ = do_post_idea(resident, title="Benker i parken", body="Flere benker, takk.")
    client.force_login(resident)
    url = reverse("ideabank:comment", args=[idea.pk])
    client.post(url, {"body": "Første"})
    response = client.post(url, {"body": "Mitt svar", "parent": "7", "idempotency_key": "k-1"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    page = response.content.decode()
    assert "Mitt svar" in page
    assert 'name="parent" value="7"' in page
    assert 'name="idempotency_key" value="k-1"' in page


def test_a_failing_cache_lets_posts_through_and_is_logged_once(
    client, resident, open_hearing, settings, monkeypatch, caplog
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": {"user": ["1/m"]}}

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "add", down)
    client.force_login(resident)
    with caplog.at_level(logging.WARNING, logger="participation.ratelimit"):
        for body in ("En", "To", "Tre"):
            assert comment_on(client, open_hearing, body).status_code == HTTPStatus.FOUND
    warnings = [r for r in caplog.records if r.name == "participation.ratelimit"]
    assert len(warnings) == 1
    assert "cache failed" in warnings[0].getMessage()


def test_every_kind_of_post_on_the_site_is_limited_and_keeps_its_text(
    client, resident, make_hearing, post_comment, make_user, settings, request
):
    from ideabank.operations import do_post_idea

    settings.RATE_LIMITS = {action: {"user": ["0/m"]} for action in settings.RATE_LIMITS}
    hearing = make_hearing(moderation=ModerationMode.POST)
    comment = post_comment(hearing, author=make_user())
    idea, _ = do_post_idea(make_user(), title="Benker i parken", body="Flere benker, takk.")
    initiative = request.getfixturevalue("make_initiative")()
    client.force_login(resident)
    posts = [
        (reverse("hearings:submit", args=[hearing.pk]), {"action": "preview", "body": "Uttale"}),
        (reverse("ideabank:post"), {"title": "Ny idé her", "body": "Idéteksten"}),
        (reverse("ideabank:support", args=[idea.pk]), {}),
        (reverse("contributions:report", args=[comment.pk]), {"reason": "spam", "text": "Reklame"}),
        (reverse("initiatives:sign", args=[initiative.pk]), {}),
        (reverse("initiatives:start"), {"title": "Forslagstittel", "proposal": "Forslaget"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS, url
        page = response.content.decode()
        for name in ("body", "title", "text", "proposal"):
            if name in data:
                assert data[name] in page, (url, name)


@pytest.fixture
def open311_key(make_user):
    def make(name):
        _client, key = do_create_open311_client(name, make_user(name=name))
        return key

    return make


def open311_post(client, key, address="127.0.0.1"):
    return client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "trafikk",
            "lat": "59.93",
            "long": "10.75",
            "description": "Hull i veien ved krysset.",
        },
        REMOTE_ADDR=address,
    )


@pytest.mark.usefixtures("topics")
def test_open311_answers_429_in_the_georeport_error_format(client, open311_key, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311": {"user": ["2/m"], "ip": ["9/m"]}}
    key = open311_key("Bymelding")
    for _ in range(2):
        assert open311_post(client, key).status_code == HTTPStatus.OK
    response = open311_post(client, key)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    [error] = response.json()
    assert error["code"] == HTTPStatus.TOO_MANY_REQUESTS
    assert "try again" in error["description"]
    assert int(response["Retry-After"]) > 0
    # Another client is not affected.
    assert open311_post(client, open311_key("Annen app")).status_code == HTTPStatus.OK


@pytest.mark.usefixtures("topics")
def test_open311_limits_an_address_across_clients_and_wrong_keys(client, open311_key, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311": {"user": ["9/m"], "ip": ["2/m"]}}
    assert open311_post(client, "wrong-key").status_code == HTTPStatus.FORBIDDEN
    assert open311_post(client, open311_key("A")).status_code == HTTPStatus.OK
    assert open311_post(client, open311_key("B")).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert open311_post(client, open311_key("C"), address="10.1.2.3").status_code == (HTTPStatus.OK)
