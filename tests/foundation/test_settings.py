"""Start-up in production: what an operator sees when the environment is wrong, or right.

Settings are read once per process, so each case starts `manage.py` in a subprocess.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def variables_read_by_settings() -> set[str]:
    """Every environment variable settings.py reads, found in its source."""
    source = (ROOT / "participation" / "settings.py").read_text()
    return set(re.findall(r'(?:\benv(?:\.\w+)?|_required)\(\s*"([A-Z][A-Z0-9_]*)"', source))


PRODUCTION = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "t3st-0nly-Zq8mV2xK9pL4wR7nB1cF6hJ0dS5gA3eY8uI2oT4kM9vX7-prod-like",
    "PID_HMAC_KEY": "test-only-pid-hmac-key-4f7a9c2e1b8d6035",
    "DATABASE_URL": "postgres://medvirkning:secret@db.internal:5432/medvirkning",
    "ALLOWED_HOSTS": "medvirkning.example.kommune.no",
    "EMAIL_URL": "smtp+tls://noreply:secret@smtp.example.no:587",
    "SITE_URL": "https://medvirkning.example.kommune.no",
}
REQUIRED = ["SECRET_KEY", "PID_HMAC_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_URL", "SITE_URL"]


def start(*args, **overrides):
    """Run manage.py with the production environment plus `overrides` (None removes one)."""
    # Nothing from the machine running the tests (a DATABASE_URL, a REDIS_URL) leaks in.
    env = {k: v for k, v in os.environ.items() if k not in variables_read_by_settings()}
    env.update(PRODUCTION)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_refused_naming(result, variable):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    # One line for the operator, not a traceback to scroll through.
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ImproperlyConfigured: ")
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("variable", REQUIRED)
def test_production_refuses_to_start_without_a_required_variable_and_names_it(variable):
    assert_refused_naming(start("check", **{variable: None}), variable)


@pytest.mark.parametrize("variable", REQUIRED)
def test_production_treats_an_empty_required_variable_as_missing(variable):
    assert_refused_naming(start("check", **{variable: ""}), variable)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "notaurl"),
        ("EMAIL_URL", "notaurl"),
        ("DEBUG", "maybe"),
        ("MAX_UPLOAD_BYTES", "abc"),
        ("SECURE_HSTS_SECONDS", "a year"),
        ("SECRET_KEY", "too-short"),
        ("SECRET_KEY", "x" * 80),
        ("PID_HMAC_KEY", "short"),
        ("ALLOWED_HOSTS", "*"),
        ("SITE_URL", "http://medvirkning.example.kommune.no"),
    ],
)
def test_production_refuses_to_start_with_a_malformed_variable_and_names_it(variable, value):
    assert_refused_naming(start("check", **{variable: value}), variable)


def test_production_refuses_to_start_with_debug_on():
    assert_refused_naming(start("check", DEBUG="true"), "DEBUG")


def test_a_malformed_value_is_refused_outside_production_too():
    # A typo in a developer's .env should not silently become False either.
    assert_refused_naming(start("check", ENVIRONMENT="development", DEBUG="ja"), "DEBUG")


def test_a_properly_configured_production_passes_the_deployment_checks():
    result = start("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_spelled_as_a_word_is_accepted():
    result = start("check", DEBUG="off")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_settings_read_the_variables_this_test_knows_about():
    # Guards the source scan above: if it found nothing, the other tests would prove little.
    assert set(REQUIRED) | {"ENVIRONMENT", "DEBUG", "REDIS_URL"} <= variables_read_by_settings()


def test_every_environment_variable_is_documented_in_the_deployment_guide():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    undocumented = {name for name in variables_read_by_settings() if f"`{name}`" not in guide}
    assert not undocumented, f"add to docs/deploy.md: {sorted(undocumented)}"


def test_production_redirects_plain_http_to_https_except_the_health_check():
    probe = (
        "from django.test import Client; c = Client(HTTP_HOST='medvirkning.example.kommune.no'); "
        "r = c.get('/horinger/'); print(r.status_code, r['Location']); "
        "print(c.get('/healthz').status_code)"
    )
    result = start("shell", "-c", probe)
    assert result.returncode == 0, result.stderr
    redirect, health = result.stdout.strip().splitlines()[-2:]
    assert redirect == "301 https://medvirkning.example.kommune.no/horinger/"
    assert health == "200"
