"""The crisis front page (krisemodus) as a ratio of a minimal Django view.

    .venv/bin/python bench/crisis.py [--seconds 3]

The evening of a flood, everyone opens the front page at once. Baseline, through the same
middleware in the same process: a view that returns "ok". Then the crisis page for an anonymous
reader served from the page cache, for a logged-in reader (rendered every time, but with no
per-person work), with every cache cold, and the normal front page for comparison.
"""

import argparse

from harness import rate, report, setup_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    setup_django("crisis")

    from django.core.cache import cache
    from django.test import Client
    from wagtail.models import Site

    from cms.models import CrisisSettings
    from participation import demo
    from participation.accounts.models import User

    demo.load()
    client = Client()
    reader = Client()
    reader.force_login(User.objects.get(email="innbygger@demo.medvirkning.no"))

    def cold():
        cache.clear()
        client.get("/")

    minimal = rate(lambda: client.get("/bench/minimal/"), seconds=args.seconds)
    normal = rate(lambda: reader.get("/"), seconds=args.seconds)

    crisis = CrisisSettings.for_site(Site.objects.get(is_default_site=True))
    crisis.enabled = True
    crisis.headline = "Flom i sentrum"
    crisis.message = "Hold deg unna elvebredden. Evakuerte møter opp på rådhuset.\n" * 3
    crisis.contact_phone = "51 50 70 90"
    crisis.links = [
        ("link", {"title": f"Offisiell kilde {i}", "url": f"https://example.org/{i}"})
        for i in range(5)
    ]
    crisis.save()
    cache.clear()
    assert b"Flom i sentrum" in client.get("/").content

    anonymous = rate(lambda: client.get("/"), seconds=args.seconds)
    logged_in = rate(lambda: reader.get("/"), seconds=args.seconds)
    uncached = rate(cold, seconds=args.seconds, warmup=3)
    report(
        "Front page in crisis mode",
        [
            ("minimal view (baseline)", minimal),
            ("crisis page, anonymous reader (page cache)", anonymous),
            ("crisis page, logged-in reader (rendered)", logged_in),
            ("crisis page, every cache cold", uncached),
            ("normal front page, logged-in reader", normal),
        ],
        minimal,
    )


if __name__ == "__main__":
    main()
