import io

import pytest
from PIL import Image

from ideabank import operations
from ideabank.models import Topic
from participation.contributions.models import Discussion, ModerationMode
from participation.geo.operations import do_save_area


def box(west, south, east, north):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def areas(db):
    return {
        "nord": do_save_area("Nord", box(10.72, 59.925, 10.78, 59.95), slug="nord"),
        "sentrum": do_save_area("Sentrum", box(10.72, 59.90, 10.78, 59.925), slug="sentrum"),
        "sor": do_save_area("Sør", box(10.72, 59.875, 10.78, 59.90), slug="sor"),
    }


@pytest.fixture
def topics(db):
    return {
        slug: Topic.objects.create(name=name, slug=slug, official=True)
        for name, slug in [("Trafikk", "trafikk"), ("Parker", "parker"), ("Kultur", "kultur")]
    }


@pytest.fixture
def resident(make_user):
    return make_user(name="Kari Nordmann", email="kari@example.org")


@pytest.fixture
def planner(make_user):
    return make_user(name="Per Planlegger", email="per@example.org", roles=["planner"])


@pytest.fixture
def premoderated(db):
    bank = operations.ideabank_discussion()
    bank.moderation = ModerationMode.PRE
    bank.save()
    return bank


@pytest.fixture
def make_idea(make_user):
    """Post an idea as a resident through the real operation; published by default."""
    counter = iter(range(1, 100_000))

    def make(title=None, body="A good idea for the town.", author=None, **kwargs):
        n = next(counter)
        author = author or make_user(name=f"Author {n}")
        idea, _created = operations.do_post_idea(
            author, title=title or f"Idea number {n}", body=body, **kwargs
        )
        return idea

    return make


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying EXIF GPS tags, as a phone camera writes it."""
    image = Image.new("RGB", (8, 8), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (59.0, 54.0, 36.0)
    gps[3] = "E"
    gps[4] = (10.0, 45.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def idea_bank_discussion(db) -> Discussion:
    return operations.ideabank_discussion()
