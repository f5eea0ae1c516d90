from datetime import timedelta

import pytest
from django.utils import timezone

from hearings.models import IdentityLevel
from hearings.operations import do_create_hearing


@pytest.fixture
def make_hearing(db):
    counter = iter(range(1, 100_000))

    def make(phase="open", identity_level=IdentityLevel.EMAIL, **fields):
        now = timezone.now()
        opens, closes = {
            "draft": (now - timedelta(days=1), now + timedelta(days=41)),
            "upcoming": (now + timedelta(days=1), now + timedelta(days=43)),
            "open": (now - timedelta(days=1), now + timedelta(days=41)),
            "closed": (now - timedelta(days=43), now - timedelta(days=1)),
            "responded": (now - timedelta(days=43), now - timedelta(days=1)),
        }[phase]
        n = next(counter)
        hearing = do_create_hearing(
            title=fields.pop("title", f"Plan {n}"),
            case_number=fields.pop("case_number", f"2026/{1000 + n}"),
            opens_at=opens,
            closes_at=closes,
            identity_level=identity_level,
            is_published=phase != "draft",
            responses_published_at=now if phase == "responded" else None,
            **fields,
        )
        assert hearing.phase() == phase
        return hearing

    return make


@pytest.fixture
def resident(make_user):
    return make_user(email="kari@example.org", name="Kari Nordmann")
