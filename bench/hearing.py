"""The hearing (plan) page and the submission POST, as ratios of minimal Django views.

    .venv/bin/python bench/hearing.py [--submissions 1000]

Baselines, through the same middleware in the same process: a view that returns "ok", and a
view that does one INSERT. The hearing page shows a plan with N published submissions and N
comments with replies (paged, so the page does the same work at 10 as at 10,000).
"""

import argparse
import itertools

from harness import rate, report, setup_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    setup_django("hearing")

    from django.test import Client

    from cms.models import PlanPage
    from hearings.models import Hearing
    from hearings.operations import do_comment, do_submit
    from participation import demo
    from participation.accounts.models import User

    demo.load()
    hearing = Hearing.objects.get()
    page = PlanPage.objects.get(hearing=hearing)
    users = [
        User.objects.create_user(email=f"bench{i}@example.org", name=f"Person {i}")
        for i in range(20)
    ]
    for i in range(args.submissions):
        author = users[i % len(users)]
        do_submit(author, hearing, f"Uttalelse {i}: ring 412 34 567. " * 5, idempotency_key=f"b{i}")
        comment, _ = do_comment(author, hearing, f"Kommentar {i}", idempotency_key=f"c{i}")
        do_comment(author, hearing, f"Svar {i}", parent=comment, idempotency_key=f"r{i}")

    from django.core.cache import cache

    client = Client()
    reader = Client()
    reader.force_login(users[1])
    minimal = rate(lambda: client.get("/bench/minimal/"), seconds=args.seconds)
    anonymous = rate(lambda: client.get(page.url), seconds=args.seconds)
    logged_in = rate(lambda: reader.get(page.url), seconds=args.seconds)

    def cold():
        cache.clear()
        client.get(page.url)

    uncached = rate(cold, seconds=args.seconds, warmup=3)
    report(
        f"Hearing page with {args.submissions} submissions and {2 * args.submissions} comments",
        [
            ("minimal view (baseline)", minimal),
            ("plan page, anonymous reader (page cache)", anonymous),
            ("plan page, logged-in reader (list cache)", logged_in),
            ("plan page, every cache cold", uncached),
        ],
        minimal,
    )

    writer = Client()
    writer.force_login(users[0])
    counter = itertools.count()
    insert = rate(
        lambda: client.post("/bench/insert/", {"body": "Uttalelse"}), seconds=args.seconds
    )
    submit_url = f"/horinger/{hearing.pk}/send/"

    def submit():
        writer.post(
            submit_url,
            {
                "body": "Jeg er imot planen. Ring 412 34 567.",
                "action": "send",
                "idempotency_key": f"k{next(counter)}",
            },
        )

    submission = rate(submit, seconds=args.seconds)
    report(
        "Submission POST (redaction, receipt task, event log, audit)",
        [("view doing one INSERT (baseline)", insert), ("submission POST", submission)],
        insert,
    )


if __name__ == "__main__":
    main()
