"""Fan-out of a published comment to 100, 500 and 1,000 connected sockets.

Every socket is a real connection through the project's ASGI application (origin check, auth,
the live consumer), subscribed to a hearing's discussion stream. Two ways to reach them are
measured in the same run, on the same sockets:

- baseline: a bare Channels `group_send` of a ready-made event to the stream's group;
- platform: a resident's comment on a post-moderated hearing, through `do_comment` – the row,
  the event log row in the same transaction, the broadcast on commit.

Latency is from just before the send (or the call) to each socket's receipt; p50 and p99 over
every delivery of every round, with the delivery count (lost = expected − delivered). The
ratio is platform ÷ baseline. Uses REDIS_URL's layer when set, the in-memory layer otherwise.

    .venv/bin/python bench/live_fanout.py [--rounds 5] [--sizes 100,500,1000]
"""

import argparse
import asyncio
import statistics
import time

from harness import setup_django

ORIGIN = b"http://localhost"
WAIT = 30.0


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def open_sockets(application, stream, count):
    from channels.testing import WebsocketCommunicator

    sockets = []
    for _ in range(count):
        ws = WebsocketCommunicator(application, "/ws/live/", headers=[(b"origin", ORIGIN)])
        connected, _ = await ws.connect(timeout=WAIT)
        assert connected, "a socket was refused"
        await ws.send_json_to({"type": "subscribe", "stream": stream})
        sockets.append(ws)
    for ws in sockets:
        answer = await ws.receive_json_from(timeout=WAIT)
        assert answer["type"] == "subscribed", answer
    return sockets


async def deliveries(sockets, started, marker):
    """Seconds from `started` to each socket's receipt of the event carrying `marker`."""

    async def one(ws):
        deadline = time.perf_counter() + WAIT
        while (left := deadline - time.perf_counter()) > 0:
            try:
                event = await ws.receive_json_from(timeout=left)
            except TimeoutError:
                return None
            if marker in str(event):
                return time.perf_counter() - started
        return None

    results = await asyncio.gather(*(one(ws) for ws in sockets))
    return [r for r in results if r is not None]


async def measure(application, hearing, resident, size, rounds):
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from hearings.operations import do_comment

    stream = hearing.discussion.stream
    sockets = await open_sockets(application, stream, size)
    layer = get_channel_layer()
    base, plat = [], []
    base_lost = plat_lost = 0
    try:
        for n in range(rounds):
            marker = f"baseline-{size}-{n}"
            started = time.perf_counter()
            receive = asyncio.ensure_future(deliveries(sockets, started, marker))
            await layer.group_send(
                stream,
                {"type": "live.event", "event": {"id": 0, "type": "bench", "text": marker}},
            )
            got = await receive
            base += got
            base_lost += size - len(got)

            marker = f"platform-{size}-{n}"
            started = time.perf_counter()
            receive = asyncio.ensure_future(deliveries(sockets, started, marker))
            await sync_to_async(do_comment)(resident, hearing, f"Kommentar {marker}")
            got = await receive
            plat += got
            plat_lost += size - len(got)
    finally:
        for ws in sockets:
            await ws.disconnect()
    return base, base_lost, plat, plat_lost


def row(label, size, rounds, latencies, lost):
    ms = [1000 * x for x in latencies]
    return (
        f"  {label:<9} {size:>6} {len(latencies):>9}/{size * rounds:<7} {lost:>5}"
        f" {statistics.median(ms) if ms else float('nan'):>9.1f}"
        f" {percentile(ms, 0.99):>9.1f}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="100,500,1000")
    args = parser.parse_args()
    setup_django("live_fanout")

    from datetime import timedelta

    from asgiref.sync import async_to_sync
    from django.conf import settings
    from django.utils import timezone

    from hearings.operations import do_create_hearing
    from participation.accounts.models import User
    from participation.accounts.roles import ensure_roles
    from participation.asgi import application
    from participation.contributions.models import ModerationMode

    ensure_roles()
    now = timezone.now()
    hearing = do_create_hearing(
        title="Benk",
        case_number="2026/9999",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=42),
        identity_level="none",
        is_published=True,
    )
    hearing.discussion.moderation = ModerationMode.POST
    hearing.discussion.save(update_fields=["moderation"])
    resident = User.objects.create_user(email="benk@example.org", password="x" * 20, name="Benk")

    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"\nLive fan-out of one published comment ({layer}, {args.rounds} rounds per size)")
    print(f"  {'path':<9} {'sockets':>6} {'delivered':>17} {'lost':>5} {'p50 ms':>9} {'p99 ms':>9}")
    summary = []
    for size in [int(s) for s in args.sizes.split(",")]:

        async def run(size=size):
            try:
                return await measure(application, hearing, resident, size, args.rounds)
            finally:
                from channels.layers import get_channel_layer

                # A Redis layer keeps connections per event loop; this loop ends here.
                current = get_channel_layer()
                if hasattr(current, "close_pools"):
                    await current.close_pools()

        base, base_lost, plat, plat_lost = async_to_sync(run)()
        print(row("baseline", size, args.rounds, base, base_lost))
        print(row("platform", size, args.rounds, plat, plat_lost))
        summary.append((size, base, plat, base_lost + plat_lost))
    print("\n  sockets  p50 ratio  p99 ratio  (platform ÷ bare group_send; lost must be 0)")
    for size, base, plat, lost in summary:
        p50 = statistics.median(plat) / statistics.median(base)
        p99 = percentile(plat, 0.99) / percentile(base, 0.99)
        print(f"  {size:>7} {p50:>9.2f}× {p99:>9.2f}×   lost {lost}")


if __name__ == "__main__":
    main()
