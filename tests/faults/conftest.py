"""The fault suite's world: the real server as deployed, and a Redis it may stop.

- PostgreSQL: this session's test database (pytest-django creates it).
- Redis: a private `redis-server` on port 6390 (FAULTS_REDIS_PORT), never the one at 6379 that
  CI and the other tests use, so stopping it disturbs nobody.
- The server: `uvicorn participation.asgi:application --workers 2` with the production settings
  (tests/faults/settings.py: static files from the finders, nothing else changed), behind no
  proxy; each client sends its own X-Forwarded-For, as a proxy would, so the per-address post
  limits see many people rather than one.

Runs only with FAULTS=1 (`make faults`), PostgreSQL and REDIS_URL: `make test` never collects it.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENABLED = os.environ.get("FAULTS") == "1"
collect_ignore_glob = [] if ENABLED else ["test_*.py"]

REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6390"))
SECRET_KEY = "faults-only-Zq8mV2xK9pL4wR7nB1cF6hJ0dS5gA3eY8uI2oT4kM9vX7-not-a-secret"
CSRF = "f" * 16 + "a" * 16  # a CSRF secret of our own: cookie and form field agree
START_TIMEOUT = 90  # seconds; a ceiling for a loaded CI machine, not a measurement
PEOPLE = 64


def pytest_collection_modifyitems(config, items):
    if not ENABLED:
        return
    url = os.environ.get("DATABASE_URL", "")
    problems = []
    if not url.startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must name PostgreSQL")
    if not os.environ.get("REDIS_URL"):
        problems.append("REDIS_URL must be set")
    if not shutil.which("redis-server"):
        problems.append("redis-server must be installed")
    if problems:
        pytest.exit("make faults: " + "; ".join(problems), returncode=2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the suite's own that it stops and starts."""

    def __init__(self, port: int, log: Path):
        self.port, self.log, self.process = port, log, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - Debian's redis-server
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not start; see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Site:
    """The server as deployed: a uvicorn supervisor with two worker processes."""

    def __init__(self, url, process, log, database, people, hearing_id, stream):
        self.url, self.process, self.log = url, process, log
        self.database, self.people = database, people
        self.hearing_id, self.stream = hearing_id, stream

    def workers(self) -> list[int]:
        out = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        # The supervisor also starts a resource tracker; workers are the ones that listen.
        return [int(pid) for pid in out.split() if _serves(int(pid))]

    def wait_for_workers(self, count: int = 2, timeout: float = START_TIMEOUT) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.workers()
            if len(pids) >= count and _healthy(self.url):
                return pids
            time.sleep(0.2)
        raise RuntimeError(f"{count} workers did not come up:\n{self.log_tail()}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def log_tail(self) -> str:
        return self.log_text()[-4000:]


def _serves(pid: int) -> bool:
    """A worker (spawned by multiprocessing), not the supervisor's resource tracker."""
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _server_database_url() -> str:
    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + str(connection.settings_dict["NAME"])))


def _make_people_and_hearing():
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from hearings.models import IdentityLevel
    from hearings.operations import do_create_hearing
    from participation.accounts.models import User
    from participation.contributions.models import ModerationMode

    now = timezone.now()
    hearing = do_create_hearing(
        title="Kommuneplanens arealdel (feiltest)",
        case_number="2026/4242",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=41),
        identity_level=IdentityLevel.EMAIL,
        is_published=True,
    )
    # Published at once: every comment is a live event on the hearing's stream.
    hearing.discussion.moderation = ModerationMode.POST
    hearing.discussion.save(update_fields=["moderation"])
    people = []
    for n in range(PEOPLE):
        email = f"feil{n}@example.org"
        user = User.objects.create_user(email=email, password=None, name=f"Person {n}")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        people.append(
            {
                "id": user.pk,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={CSRF}",
                # Each person from an address of their own, as behind a proxy.
                "address": f"10.{n // 250}.{n % 250}.{1 + n % 200}",
            }
        )
    return people, hearing.pk, hearing.discussion.stream


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    redis = PrivateRedis(REDIS_PORT, tmp_path_factory.mktemp("faults") / "redis.log")
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(scope="session")
def site(django_db_setup, django_db_blocker, private_redis, tmp_path_factory):
    from django.conf import settings

    # The sessions made here must be valid on the server: both sign with this key.
    previous_key, settings.SECRET_KEY = settings.SECRET_KEY, SECRET_KEY
    try:
        with django_db_blocker.unblock():
            people, hearing_id, stream = _make_people_and_hearing()
    finally:
        settings.SECRET_KEY = previous_key

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Kept where the report says, for reading after a failed run.
    log = Path(os.environ.get("FAULTS_LOG", "/tmp/medvirkning-faults-server.log"))
    log.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        "ENVIRONMENT": "production",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "PID_HMAC_KEY": "faults-only-pid-hmac-key-0123456789abcdef",
        "DATABASE_URL": _server_database_url(),
        "REDIS_URL": private_redis.url,
        "ALLOWED_HOSTS": "127.0.0.1,medvirkning.example",
        "SITE_URL": "https://medvirkning.example",
        # Nothing is mailed: receipts are counted as queued tasks; no task worker runs.
        "EMAIL_URL": "smtp://127.0.0.1:9",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CACHE_REDIS_URL", None)
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "uvicorn",
                "participation.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
                "--proxy-headers",
                "--forwarded-allow-ips",
                "127.0.0.1",
                "--lifespan",
                "off",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Site(url, process, log, env["DATABASE_URL"], people, hearing_id, stream)
    try:
        running.wait_for_workers()
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def report():
    """What each fault scenario counted; printed at the end of the session."""
    lines: list[str] = []
    yield lines
    print("\n\n==== make faults: results ====")
    for line in lines:
        print(line)
    print(f"server log: {os.environ.get('FAULTS_LOG', '/tmp/medvirkning-faults-server.log')}")
