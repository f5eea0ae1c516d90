"""No identity number or e-mail address reaches a log line or an error mail.

Logging is configured once per process, and the servers configure theirs before Django, so
the check runs in a subprocess that starts as uvicorn does: uvicorn's logging first, then
Django's. It then logs an exception (with traceback and stack) through every logger that a
request can reach, catches what each configured handler writes, and prints it as JSON.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IDENTITY_NUMBER = "01017012343"
EMAIL = "kari.nordmann@example.no"

_PROBE = r"""
import io, json, logging, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "participation.settings"
from uvicorn.config import LOGGING_CONFIG, Config
Config(app="participation.asgi:application", log_config=LOGGING_CONFIG).configure_logging()
import django
django.setup()
from django.conf import settings
from django.core import mail
from django.test.utils import setup_test_environment
setup_test_environment()  # a memory outbox for the admins' mail
settings.ADMINS = [("Drift", "drift@kommune.example")]

fnr, email = sys.argv[1], sys.argv[2]
streams = {}
loggers = [logging.getLogger()] + [
    logger for logger in logging.Logger.manager.loggerDict.values()
    if isinstance(logger, logging.Logger)
]
for logger in loggers:
    for handler in logger.handlers:
        if isinstance(handler, logging.StreamHandler):
            if id(handler) not in streams:
                streams[id(handler)] = ([], io.StringIO(), type(handler).__name__)
                handler.setStream(streams[id(handler)][1])
            streams[id(handler)][0].append(logger.name)

try:
    try:
        raise KeyError(f"no account for {email}")
    except KeyError as cause:
        raise ValueError(f"Kunne ikkje lagre innlegget frå {fnr} ({email})") from cause
except ValueError:
    for name in ("django.request", "django.server", "django.channels.server", "uvicorn.error",
                 "uvicorn", "participation", "hearings", ""):
        logging.getLogger(name).error("Feil for %s i %s", email, name, exc_info=True,
                                      stack_info=True)
# The access logs, as each server writes them: uvicorn's positional arguments ...
logging.getLogger("uvicorn.access").info(
    '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
    f"/ideer/?q={email}&fnr={fnr}", "1.1", 200)
# ... and daphne's (make run) named ones.
logging.getLogger("django.channels.server").info(
    "HTTP %(method)s %(path)s %(status)s [%(time_taken).2f, %(client)s]",
    {"method": "GET", "path": f"/ideer/?q={email}", "status": 200, "time_taken": 0.1,
     "client": "127.0.0.1:5000"})

outputs = {
    f"{'+'.join(names)}:{kind}": stream.getvalue() for names, stream, kind in streams.values()
}
for message in mail.outbox:
    outputs[f"mail to the admins: {message.subject}"] = "\n".join(
        [message.subject, message.body, *(content for content, _ in message.alternatives)])
print(json.dumps(outputs))
"""


@pytest.fixture(scope="module")
def logged():
    """What each configured handler wrote, by `logger+logger:HandlerClass`."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_LEVEL"}},
        "ENVIRONMENT": "test",
    }
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, IDENTITY_NUMBER, EMAIL],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_handler_the_servers_and_django_log_through_is_checked(logged):
    # Guards the test itself: each kind of output was caught and holds the exception.
    names = set(logged)
    # Django's console is the root logger's; uvicorn keeps its own two handlers.
    assert "root+django+django.server:StreamHandler" in names
    assert {"uvicorn:StreamHandler", "uvicorn.access:StreamHandler"} <= names
    assert any(name.startswith("mail to the admins") for name in names)
    everything = "\n".join(logged.values())
    assert "Kunne ikkje lagre innlegget" in everything
    assert "Traceback" in everything
    assert "/ideer/?q=" in logged["uvicorn.access:StreamHandler"]


def test_no_handler_writes_an_identity_number_or_an_e_mail_address(logged):
    for name, output in logged.items():
        assert output, f"{name} wrote nothing"
        assert IDENTITY_NUMBER not in output, f"{name} wrote the identity number:\n{output}"
        assert EMAIL not in output, f"{name} wrote the e-mail address:\n{output}"


def test_the_masks_say_what_was_removed(logged):
    everything = "\n".join(logged.values())
    assert "[fnr]" in everything
    assert "[e-post]" in everything
    # The access line keeps its shape: uvicorn's formatter still reads its arguments.
    assert (
        '"GET /ideer/?q=[e-post]&fnr=[fnr] HTTP/1.1" 200' in logged["uvicorn.access:StreamHandler"]
    )
