from hashlib import sha256

import pytest

from initiatives import operations
from participation.contributions import moderation


@pytest.fixture
def make_resident(make_user):
    """A resident logged in with ID-porten: a verified name and an identity hash."""
    counter = iter(range(1, 100_000))

    def make(name=None, language="nb", level="substantial", **fields):
        n = next(counter)
        return make_user(
            name=name or f"Innbygger {n}",
            email=f"innbygger{n}@example.org",
            assurance_level=level,
            pid_hash=sha256(f"person-{n}".encode()).hexdigest(),
            preferred_language=language,
            name_source="eid",
            **fields,
        )

    return make


@pytest.fixture
def moderator(make_user):
    return make_user(email="mona@kommune.no", name="Mona Moderator", roles=["moderator"])


@pytest.fixture
def planner(make_user):
    return make_user(email="per@kommune.no", name="Per Planlegger", roles=["planner"])


@pytest.fixture
def make_initiative(make_resident, moderator):
    """An initiative started by an eID resident through the real operation and, unless
    `publish=False`, published by a moderator in the shared moderation queue."""

    def make(title="Gatelys i Storgata", author=None, publish=True, **kwargs):
        author = author or make_resident(name="Forslag Stiller")
        initiative, _created = operations.do_start(
            author,
            title=title,
            proposal=kwargs.get("proposal", "Kommunestyret vedtar å sette opp gatelys."),
            justification=kwargs.get("justification", "Det er mørkt og farlig om vinteren."),
        )
        if publish:
            moderation.do_publish(moderator, initiative)
            initiative.refresh_from_db()
        return initiative

    return make
