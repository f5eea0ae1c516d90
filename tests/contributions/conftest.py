from datetime import timedelta

import pytest
from django.utils import timezone, translation

from hearings.models import IdentityLevel
from hearings.operations import do_comment, do_create_hearing
from participation.contributions.models import ModerationMode


@pytest.fixture
def make_hearing(db):
    counter = iter(range(1, 100_000))

    def make(moderation=ModerationMode.PRE, published=True, **fields):
        now = timezone.now()
        n = next(counter)
        hearing = do_create_hearing(
            title=fields.pop("title", f"Plan {n}"),
            case_number=fields.pop("case_number", f"2026/{2000 + n}"),
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=41),
            identity_level=IdentityLevel.EMAIL,
            is_published=published,
            **fields,
        )
        hearing.discussion.moderation = moderation
        hearing.discussion.save(update_fields=["moderation"])
        return hearing

    return make


@pytest.fixture
def resident(make_user):
    return make_user(email="kari@example.org", name="Kari Nordmann")


@pytest.fixture
def moderator(make_user):
    return make_user(email="mona@kommune.no", name="Mona Moderator", roles=["moderator"])


@pytest.fixture
def other_moderator(make_user):
    return make_user(email="ola@kommune.no", name="Ola Moderator", roles=["moderator"])


@pytest.fixture
def hearing(make_hearing):
    return make_hearing()


@pytest.fixture
def post_comment(resident):
    def post(hearing, body="Bygg sykkelvei langs elva.", author=None):
        comment, _ = do_comment(author or resident, hearing, body)
        return comment

    return post


@pytest.fixture(autouse=True)
def in_english():
    """Operations' messages are checked in the source language, whatever the catalogues say."""
    with translation.override("en"):
        yield
