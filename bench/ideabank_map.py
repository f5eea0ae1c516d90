"""The neighbourhood map's data endpoint with 20,000 ideas, as a ratio of a minimal view.

    .venv/bin/python bench/ideabank_map.py [--ideas 20000] [--seconds 3]

Baseline, through the same middleware in the same process: a view that returns "ok". The map
endpoint is asked for the whole municipality (more than the 500-feature limit: truncated), for
a neighbourhood (some tens of ideas), and for a neighbourhood filtered by topic; all without
the anonymous page cache, and once more through it.
"""

import argparse
import random

from harness import rate, report, setup_django

# Around settings.MAP_CENTER (59.91, 10.75): about 30 km x 20 km.
SOUTH, NORTH, WEST, EAST = 59.80, 60.00, 10.50, 11.00


def populate(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from ideabank.models import Idea, TaggedIdea, Topic
    from ideabank.operations import ideabank_discussion
    from participation.accounts.models import User
    from participation.contributions.models import Contribution, Discussion

    rng = random.Random(42)
    author = User.objects.create_user(email="bench-ideas@example.org", name="Bench")
    topics = [Topic.objects.create(name=f"Topic {i}", slug=f"topic-{i}") for i in range(10)]
    bank = ideabank_discussion()
    now = timezone.now()
    statuses = ["received", "considering", "planned", "done", "not_pursued"]
    with transaction.atomic():
        discussions = Discussion.objects.bulk_create(
            [Discussion(kind="idea", title=f"Idea {i}") for i in range(count)]
        )
        # Multi-table inheritance has no bulk_create: the parent rows in bulk, the child rows
        # one by one with save_base(raw=True), which writes only the ideabank_idea row.
        parents = Contribution.objects.bulk_create(
            [
                Contribution(
                    kind="idea",
                    discussion=bank,
                    author=author,
                    author_name="Bench",
                    body=f"Idea {i}",
                    public_html=f"<p>Idea {i}</p>",
                    state="published",
                    published_at=now,
                )
                for i in range(count)
            ]
        )
        for i, (parent, discussion) in enumerate(zip(parents, discussions, strict=True)):
            idea = Idea(
                contribution_ptr_id=parent.pk,
                title=f"Idea {i}",
                public_title=f"Idea {i}",
                lat=rng.uniform(SOUTH, NORTH),
                lon=rng.uniform(WEST, EAST),
                status=rng.choice(statuses),
                support_count=rng.randint(0, 200),
                comments_discussion=discussion,
            )
            idea.save_base(raw=True)
        TaggedIdea.objects.bulk_create(
            [TaggedIdea(content_object_id=p.pk, tag=rng.choice(topics)) for p in parents]
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django("ideabank_map")

    from django.conf import settings
    from django.test import Client

    populate(args.ideas)
    # The endpoint's own cost: anonymous responses are otherwise served from the page cache
    # (participation/pagecache.py); one row below measures that path on its own.
    cache_seconds = settings.PAGE_CACHE_SECONDS or 60
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    city = f"{WEST},{SOUTH},{EAST},{NORTH}"
    # About 2 km x 1.5 km in the middle.
    hood = "10.735,59.905,10.765,59.915"
    url = "/ideer/kart/data.geojson"
    whole = client.get(url, {"bbox": city}).json()
    part = client.get(url, {"bbox": hood}).json()
    for response in (client.get(url, {"bbox": city}), client.get("/bench/minimal/")):
        assert response.status_code == 200, response.status_code
    cases = [
        ("minimal view (baseline)", lambda: client.get("/bench/minimal/")),
        (
            f"whole municipality ({len(whole['features'])} features, truncated)",
            lambda: client.get(url, {"bbox": city}),
        ),
        (
            f"a neighbourhood ({len(part['features'])} features)",
            lambda: client.get(url, {"bbox": hood}),
        ),
        ("a neighbourhood, one topic", lambda: client.get(url, {"bbox": hood, "topic": "topic-3"})),
        ("whole municipality, from the anonymous page cache", lambda: cached(city)),
    ]

    def cached(bbox):
        settings.PAGE_CACHE_SECONDS = cache_seconds
        try:
            # Its own address, so the other rows never find this one's cache entry.
            return client.get(url, {"bbox": bbox, "cached": "1"})
        finally:
            settings.PAGE_CACHE_SECONDS = 0

    # Interleaved rounds, best of each: a busy machine slows a round, never speeds one up.
    best = [0.0] * len(cases)
    for _round in range(args.rounds):
        for i, (_label, call) in enumerate(cases):
            best[i] = max(best[i], rate(call, seconds=args.seconds))
    rows = [(label, value) for (label, _call), value in zip(cases, best, strict=True)]
    minimal = best[0]
    report(f"Map data (GeoJSON) with {args.ideas} published ideas", rows, minimal)


if __name__ == "__main__":
    main()
