import pytest

from hearings.models import Submission
from hearings.operations import do_submit
from participation.contributions.models import Contribution
from participation.geo.models import Area
from tests.hearings.conftest import make_hearing, resident  # noqa: F401  (shared fixtures)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.0, 60.0], [5.1, 60.0], [5.1, 60.1], [5.0, 60.1], [5.0, 60.0]]],
}


@pytest.fixture
def make_area(db):
    def make(name, slug):
        return Area.objects.create(
            name=name,
            slug=slug,
            geometry=SQUARE,
            min_lat=60.0,
            max_lat=60.1,
            min_lon=5.0,
            max_lon=5.1,
        )

    return make


@pytest.fixture
def make_submission(make_user):
    """A submission sent the ordinary way (so the text is redacted as in production), then put
    in the given moderation state."""
    counter = iter(range(1, 100_000))

    def make(hearing, body="Jeg er imot planen.", state="published", author=None, **fields):
        n = next(counter)
        author = author or make_user(name=f"Innbygger {n}")
        submission, _ = do_submit(author, hearing, body, idempotency_key=f"feed-{n}")
        Submission.objects.filter(pk=submission.pk).update(
            state=state,
            published_at=submission.created_at if state == Contribution.State.PUBLISHED else None,
            **fields,
        )
        submission.refresh_from_db()
        return submission

    return make


@pytest.fixture
def plan_page(demo_site):
    from tests.plans import publish_plan_page

    return publish_plan_page
