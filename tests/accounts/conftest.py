"""A real OpenID Connect provider process for the ID-porten login tests.

oidc-provider-mock runs as a separate process on a free port. A test registers a person
with the claims it wants (PUT /users/<sub>) and picks that `sub` on the mock's authorize
form, the way a person picks an eID at ID-porten. The mock puts every non-standard claim
(pid, acr) into both the ID token and the userinfo response; it ignores acr_values and
does not check the PKCE verifier, so tests assert what we *send* for those.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests

from participation.accounts.eid_settings import socialaccount_providers

CLIENT_ID = "medvirkning-test"
LOGIN_PATH = "/accounts/oidc/idporten/login/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class MockProvider:
    url: str
    process: subprocess.Popen

    def add_person(self, sub: str, **claims) -> None:
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_mock_provider() -> MockProvider:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    provider = MockProvider(url=f"http://127.0.0.1:{port}", process=process)
    # Wait for it to answer; give up (and say why) if it dies or never does.
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"oidc_provider_mock exited with {process.returncode}")
        try:
            if requests.get(f"{provider.url}/.well-known/openid-configuration", timeout=1).ok:
                return provider
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    provider.stop()
    raise RuntimeError("oidc_provider_mock did not start")


@pytest.fixture(scope="session")
def oidc_provider():
    provider = start_mock_provider()
    yield provider
    provider.stop()


def point_idporten_at(settings, url: str) -> None:
    """Configure the ID-porten login as settings.py would with IDPORTEN_SERVER_URL=url."""
    settings.IDPORTEN_SERVER_URL = url
    settings.IDPORTEN_CLIENT_ID = CLIENT_ID
    settings.IDPORTEN_CLIENT_SECRET = "test-secret"
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
        server_url=url,
        client_id=CLIENT_ID,
        secret=settings.IDPORTEN_CLIENT_SECRET,
        acr_values=settings.IDPORTEN_ACR_VALUES,
        token_auth_method=settings.IDPORTEN_TOKEN_AUTH_METHOD,
    )


class EidLogin:
    """Drives the real redirect flow: our login view -> the provider -> our callback."""

    def __init__(self, client, provider: MockProvider):
        self.client = client
        self.provider = provider

    def start(self, *, next_url: str = "", acr: str = "", prefix: str = "", query: str = ""):
        """POST the login button; returns the authorize URL at the provider."""
        params = {"acr": acr} if acr else {}
        url = f"{prefix}{LOGIN_PATH}"
        if params or query:
            url += "?" + "&".join(filter(None, [urlencode(params), query]))
        response = self.client.post(url, {"next": next_url} if next_url else {})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response.url.startswith(self.provider.url)
        return response.url

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Open the provider's authorize page and pick `sub`; returns our callback URL."""
        page = requests.get(authorize_url, timeout=10)
        assert page.status_code == 200
        answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        assert answer.status_code == 302
        return answer.headers["Location"]

    def deny(self, authorize_url: str) -> str:
        """Press the provider's "Deny"; returns our callback URL with error=access_denied.

        The mock leaves `state` out of its error redirect; ID-porten (like RFC 6749
        §4.1.2.1 requires) sends it back, so it is put back here.
        """
        answer = requests.post(
            authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=10
        )
        assert answer.status_code == 302
        callback = urlsplit(answer.headers["Location"])
        query = parse_qs(callback.query)
        assert query["error"] == ["access_denied"]
        query.setdefault("state", parse_qs(urlsplit(authorize_url).query)["state"])
        return urlunsplit(callback._replace(query=urlencode(query, doseq=True)))

    def finish(self, callback_url: str):
        parts = urlsplit(callback_url)
        assert parts.netloc == "testserver", callback_url
        return self.client.get(f"{parts.path}?{parts.query}")

    def login(self, sub: str, **start_kwargs):
        return self.finish(self.authorize(self.start(**start_kwargs), sub))


@pytest.fixture
def idporten(settings, oidc_provider):
    point_idporten_at(settings, oidc_provider.url)
    return oidc_provider


@pytest.fixture
def eid(client, idporten, db):
    return EidLogin(client, idporten)
