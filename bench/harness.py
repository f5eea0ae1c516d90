"""Shared set-up for benchmarks: a fresh database, a client, and a rate measurement.

Benchmarks print ratios against a baseline measured in the same run on the same machine, so
the figures mean something on any hardware. They never assert a time.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation.settings")
    os.environ.setdefault("ENVIRONMENT", "test")
    # As in production: background work is queued in the database, not run inline.
    os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("PAGE_CACHE_SECONDS", "60")
    if "DATABASE_URL" not in os.environ:
        db = Path(tempfile.gettempdir()) / f"medvirkning-bench-{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)
    if "postgres" in os.environ["DATABASE_URL"]:
        call_command("flush", verbosity=0, interactive=False)


def rate(fn, *, seconds: float = 3.0, warmup: int = 20) -> float:
    """Calls per second of `fn`, after a warm-up."""
    for _ in range(warmup):
        fn()
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        calls += 1
    return calls / elapsed


def report(title: str, rows: list[tuple[str, float]], baseline: float) -> None:
    print(f"\n{title}")
    print(f"  {'what':<52} {'req/s':>10} {'ratio':>8}")
    for label, value in rows:
        print(f"  {label:<52} {value:>10.1f} {value / baseline:>8.1%}")
