"""Logging out after an ID-porten login ends the ID-porten session too; an e-mail login's
logout stays on the site."""

import json
import re
from http import HTTPStatus

import jwt
import requests
from django.conf import settings
from django.urls import reverse

from participation.accounts.eid_logout import SESSION_KEY

from ..conftest import PASSWORD
from .conftest import CLIENT_ID
from .test_eid_login import PIDS, SUBSTANTIAL, logged_in_user, new_sub, query_of


def test_logging_out_after_an_idporten_login_ends_the_idporten_session_and_comes_back(
    eid, idporten
):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[0], acr=SUBSTANTIAL)
    eid.login(sub)

    response = eid.client.post(reverse("account_logout"))

    assert logged_in_user(eid.client) is None
    assert response.status_code == HTTPStatus.FOUND
    discovery = requests.get(f"{idporten.url}/.well-known/openid-configuration", timeout=10)
    assert response.url.startswith(discovery.json()["end_session_endpoint"] + "?")
    query = query_of(response.url)
    assert query["post_logout_redirect_uri"] == f"{settings.SITE_URL}/"
    # The hint is the ID token the provider issued for this very login.
    claims = jwt.decode(query["id_token_hint"], options={"verify_signature": False})
    assert claims["sub"] == sub
    assert claims["aud"] in (CLIENT_ID, [CLIENT_ID])

    # At the provider: the session ends and the browser is sent back to the site.
    page = requests.get(response.url, timeout=10)
    assert page.status_code == HTTPStatus.OK
    assert "id_token_hint</code> not set" not in page.text
    back_to = re.search(r'name="redirect_uri" value="([^"]+)"', page.text).group(1)
    confirm = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    ended = requests.post(
        f"{idporten.url}{confirm}",
        data={"redirect_uri": back_to},
        allow_redirects=False,
        timeout=10,
    )
    assert ended.status_code == HTTPStatus.FOUND
    assert ended.headers["Location"] == f"{settings.SITE_URL}/"


def test_the_session_keeps_neither_the_id_token_nor_the_identity_number_readable(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[3], acr=SUBSTANTIAL)
    eid.login(sub)
    stored = json.dumps(dict(eid.client.session), default=str)

    response = eid.client.post(reverse("account_logout"))

    id_token = query_of(response.url)["id_token_hint"]
    assert SESSION_KEY in stored  # the search does see the sealed hint
    assert id_token not in stored
    assert id_token.split(".")[1][:40] not in stored
    assert PIDS[3] not in stored


def test_an_email_logout_stays_on_the_site(client, make_user):
    user = make_user()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert logged_in_user(client) == user

    response = client.post(reverse("account_logout"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/"
    assert logged_in_user(client) is None


def test_an_email_login_after_a_refused_idporten_login_logs_out_locally(eid, idporten, make_user):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[1], acr="idporten-loa-low")
    refused = eid.login(sub)
    assert refused.status_code == HTTPStatus.FORBIDDEN
    other = make_user()
    eid.client.post("/accounts/login/", {"login": other.email, "password": PASSWORD})
    assert logged_in_user(eid.client) == other

    response = eid.client.post(reverse("account_logout"))

    assert response.url == "/"
