"""The politicians' digest: building every digest, as a ratio of rendering one digest mail.

    .venv/bin/python bench/digest.py [--followers 1000] [--posts 500] [--seconds 3]

A hearing (the demo plan) and an idea, each followed by N politicians, with P new posts in the
week (submissions, comments, replies in threads) in the hearing and P/5 comments on the idea.
Baseline: rendering one politician's digest mail (text + HTML, in their language) from a built
digest. Then `build_politician_digests` for everyone (the aggregate queries and the Python that
shares the counts out), and the whole task (build, queue the outbox rows, claim, render and send
every mail to Django's in-memory mail backend). Prints the queries of each, which must not grow
with N or P (tests/notifications/test_politician_digest.py pins them).
"""

import argparse
import time
from datetime import timedelta

from harness import setup_django


def per_call(fn, *, seconds: float, warmup: int = 1) -> float:
    """Seconds per call of `fn`, after a warm-up."""
    for _ in range(warmup):
        fn()
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds or calls < 3:
        fn()
        calls += 1
    return elapsed / calls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    setup_django("digest")

    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hearings.models import Hearing
    from hearings.operations import do_comment, do_submit
    from ideabank.operations import do_comment_on_idea, do_post_idea
    from participation import demo
    from participation.accounts.models import User
    from participation.contributions.models import Contribution
    from participation.notifications.models import Follow, Notification
    from participation.notifications.politician_digest import (
        build_politician_digests,
        period_for,
        period_key_for,
        render_digest,
        send_politician_digests,
    )

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    demo.load()
    hearing = Hearing.objects.order_by("pk").first()
    residents = [
        User.objects.create_user(email=f"bench{i}@example.org", name=f"Innbygger {i}")
        for i in range(20)
    ]
    idea, _ = do_post_idea(residents[0], title="Benker langs elva", body="Flere benker.")
    politicians = User.objects.bulk_create(
        [
            User(
                username=f"politiker{i}",
                email=f"politiker{i}@example.org",
                name=f"Politiker {i}",
                political_role="Bystyret",
                preferred_language=("nb", "nn", "en")[i % 3],
            )
            for i in range(args.followers)
        ]
    )
    Group.objects.get(name="politician").user_set.add(*politicians)
    Follow.objects.bulk_create(
        [Follow(user=p, hearing=hearing) for p in politicians]
        + [Follow(user=p, idea=idea) for p in politicians]
    )
    roots = []
    for i in range(args.posts):
        author = residents[i % len(residents)]
        if i % 5 == 0:
            do_submit(author, hearing, f"Uttalelse {i}: ring 412 34 567.", idempotency_key=f"s{i}")
        elif i % 3 == 0 and roots:
            do_comment(author, hearing, f"Svar {i}", parent=roots[i % len(roots)])
        else:
            roots.append(do_comment(author, hearing, f"Kommentar {i} om planen.")[0])
    for i in range(args.posts // 5):
        do_comment_on_idea(residents[i % len(residents)], idea, f"Om ideen {i}")
    now = timezone.now()
    start, _end = period_for("weekly", now)
    Contribution.objects.filter(
        discussion__in=[hearing.discussion_id, idea.comments_discussion_id]
    ).update(state="published", published_at=start + timedelta(days=3))

    build_politician_digests("weekly", now)  # warm Wagtail's cache of site root paths
    with CaptureQueriesContext(connection) as queries:
        digests = build_politician_digests("weekly", now)
    build_queries = len(queries)
    # The demo's own politician may follow something too.
    assert len(digests) >= args.followers
    one = digests[-1]

    render = per_call(lambda: render_digest(one, now), seconds=args.seconds, warmup=5)
    build = per_call(lambda: build_politician_digests("weekly", now), seconds=args.seconds)

    key = period_key_for("weekly", now)

    def send_all():
        Notification.objects.all().delete()
        mail.outbox = []
        send_politician_digests.call("weekly", key)

    with CaptureQueriesContext(connection) as queries:
        send_all()
    send_queries = len(queries)
    assert len(mail.outbox) == len(digests)
    send = per_call(send_all, seconds=args.seconds, warmup=0)

    print(
        f"\nPoliticians' digest: {args.followers} followers of a hearing and an idea, "
        f"{one.new_submissions + one.new_comments} new posts"
    )
    print(f"  {'what':<52} {'ms':>10} {'× one mail':>11} {'queries':>8}")
    rows = [
        ("render one digest mail (baseline)", render, "–"),
        (f"build all {args.followers} digests", build, build_queries),
        (f"send all {args.followers} (build, claim, render, send)", send, send_queries),
    ]
    for label, seconds, n in rows:
        print(f"  {label:<52} {seconds * 1000:>10.2f} {seconds / render:>11.1f} {n!s:>8}")


if __name__ == "__main__":
    main()
