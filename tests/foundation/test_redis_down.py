"""Redis is an accelerator, not a dependency of HTTP.

With Redis down (here: a port where nothing listens) pages are served uncached, posts are
stored and answered as usual, the outage is logged once, /healthz touches nothing and /readyz
says what is down.
"""

import json
import logging
import socket
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db.utils import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from participation import degraded
from tests.foundation.test_settings import start


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reset_states():
    for state in (degraded.cache, degraded.channel_layer):
        state.down_since, state._retry_at = None, 0.0


@pytest.fixture(autouse=True)
def fresh_states():
    reset_states()
    yield
    reset_states()


@pytest.fixture
def redis_down(settings):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "participation.cache.FailSoftRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": url, "socket_connect_timeout": 0.25}]},
        }
    }
    return url


def open_hearing():
    from datetime import timedelta

    from django.utils import timezone

    from hearings.models import IdentityLevel
    from hearings.operations import do_create_hearing
    from participation.contributions.models import ModerationMode

    now = timezone.now()
    hearing = do_create_hearing(
        title="Plan",
        case_number="2026/9001",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=41),
        identity_level=IdentityLevel.EMAIL,
        is_published=True,
    )
    hearing.discussion.moderation = ModerationMode.POST
    hearing.discussion.save(update_fields=["moderation"])
    return hearing


@pytest.fixture
def plan_url(demo_site):
    from cms.models import PlanPage

    return PlanPage.objects.get().url


def test_production_settings_use_the_fail_soft_cache_when_redis_is_configured():
    probe = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = start("shell", "-c", probe, REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "participation.cache.FailSoftRedisCache"


def test_with_redis_down_an_anonymous_reader_still_gets_the_plan_page(redis_down, client, plan_url):
    response = client.get(plan_url)
    assert response.status_code == HTTPStatus.OK
    assert "<h1" in response.content.decode()


def test_with_redis_down_a_comment_is_stored_and_answered_as_usual(
    redis_down, client, make_user, django_capture_on_commit_callbacks
):
    from participation.contributions.models import Comment

    hearing = open_hearing()
    client.force_login(make_user())
    # The commit callbacks (broadcast, cache bump) run here: before, they raised and the
    # person got a 500 for a comment that was stored.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hearings:comment", args=[hearing.pk]),
            {"body": "Sendt mens Redis var nede", "idempotency_key": "redis-down"},
        )
    assert response.status_code == HTTPStatus.FOUND
    assert Comment.objects.filter(body="Sendt mens Redis var nede").count() == 1


def test_an_outage_is_logged_once_however_many_requests_meet_it(
    redis_down, client, plan_url, caplog
):
    caplog.set_level(logging.INFO, logger="participation.degraded")
    reset_states()  # loading the demo site met the outage already
    for _ in range(5):
        assert client.get(plan_url).status_code == HTTPStatus.OK
    lines = [r for r in caplog.records if r.name == "participation.degraded"]
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING
    assert "Cache (Redis) unavailable" in lines[0].getMessage()


def test_the_cache_says_miss_and_drops_writes_while_redis_is_down(redis_down):
    assert cache.get("anything", "default") == "default"
    assert cache.add("anything", 1) is False
    assert cache.set("anything", 1) is None
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_the_cache_logs_that_it_is_back_when_redis_answers_again(redis_down, caplog, settings):
    caplog.set_level(logging.INFO, logger="participation.degraded")
    degraded.cache.failed(ConnectionError("refused"))
    degraded.cache.ok()
    messages = [r.getMessage() for r in caplog.records if r.name == "participation.degraded"]
    assert len(messages) == 2
    assert "answers again" in messages[1]


def test_healthz_answers_from_the_process_alone(
    client, monkeypatch, settings, db, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 60

    def touched(*args, **kwargs):
        raise AssertionError("the health check touched the cache")

    monkeypatch.setattr(cache, "get", touched, raising=False)
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"
    assert "X-Page-Cache" not in response


def test_readyz_says_redis_is_down_but_the_site_still_serves(redis_down, client, db):
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.OK
    assert json.loads(response.content) == {
        "status": "degraded",
        "database": "ok",
        "cache": "down",
        "channel_layer": "down",
    }
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_ok_when_every_dependency_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.OK
    assert json.loads(response.content)["status"] == "ok"


def test_readyz_is_unavailable_when_the_database_does_not_answer(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("participation.health.connection", Unreachable())
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert json.loads(response.content)["database"] == "down"


def test_a_request_that_loses_its_database_connection_is_logged_in_one_line(caplog):
    caplog.set_level(logging.WARNING, logger="participation.degraded")
    request = RequestFactory().get("/horinger/1/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        got_request_exception.send(sender=None, request=request)
    lines = [r.getMessage() for r in caplog.records if r.name == "participation.degraded"]
    assert lines == [
        "Database connection lost during GET /horinger/1/ (OperationalError); "
        "the next request uses a new one"
    ]
