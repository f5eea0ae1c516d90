"""ID-porten login, driven through a real OpenID Connect provider process (see conftest)."""

import itertools
import json
import logging
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import resolve, reverse

from participation.accounts import views
from participation.accounts.identity import hash_pid
from participation.accounts.models import AssuranceLevel, NameSource, User

from .conftest import EidLogin, free_port, point_idporten_at, start_mock_provider

# Valid numbers (both mod-11 check digits right); the last is a D-number.
PIDS = ["01017012343", "15038545660", "24129932119", "41017012337"]
SUBSTANTIAL = "idporten-loa-substantial"
HIGH = "idporten-loa-high"
_subs = itertools.count(1)


def new_sub() -> str:
    # ID-porten's sub is an opaque pairwise id; every test gets fresh ones.
    return f"pairwise-{next(_subs)}-x9QmZ"


def logged_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_the_idporten_login_and_callback_urls_are_served_by_our_wrappers(idporten):
    login = reverse("openid_connect_login", kwargs={"provider_id": "idporten"})
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "idporten"})
    assert resolve(login).func is views.eid_login
    assert resolve(callback).func is views.eid_callback


def test_a_first_login_creates_a_verified_account_at_the_level_in_the_token(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[0], acr=HIGH)

    response = eid.login(sub, next_url="/nn/")

    user = logged_in_user(eid.client)
    assert user is not None
    assert user.assurance_level == AssuranceLevel.HIGH
    assert user.is_eid_verified
    assert user.pid_hash == hash_pid(PIDS[0])
    assert user.eid_verified_at is not None
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).uid == sub
    # ID-porten sent no name: the person is asked for one before going on to /nn/.
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/accounts/name/?next=%2Fnn%2F"


def test_a_substantial_login_gives_the_substantial_level(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[1], acr=SUBSTANTIAL)

    eid.login(sub)

    assert logged_in_user(eid.client).assurance_level == AssuranceLevel.SUBSTANTIAL


def test_the_login_asks_for_the_minimum_level_with_pkce_and_the_users_language(eid):
    authorize = query_of(eid.start(prefix="/nn"))

    assert authorize["acr_values"] == SUBSTANTIAL
    assert authorize["code_challenge_method"] == "S256"
    assert len(authorize["code_challenge"]) >= 43
    assert authorize["ui_locales"] == "nn"
    assert set(authorize["scope"].split()) == {"openid", "profile"}


def test_the_query_string_cannot_lower_the_level_or_add_parameters(eid):
    authorize = query_of(
        eid.start(query="auth_params=acr_values%3Didporten-loa-low%26prompt%3Dnone&acr=low")
    )

    assert authorize["acr_values"] == SUBSTANTIAL
    assert "prompt" not in authorize


def test_a_second_login_is_the_same_account(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[0], acr=SUBSTANTIAL)
    eid.login(sub)
    first = logged_in_user(eid.client)
    eid.client.post(reverse("account_logout"))
    assert logged_in_user(eid.client) is None

    eid.login(sub)

    assert logged_in_user(eid.client) == first
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


def test_the_same_person_with_another_sub_is_the_same_account(eid, idporten):
    first_sub, second_sub = new_sub(), new_sub()
    idporten.add_person(first_sub, pid=PIDS[2], acr=SUBSTANTIAL)
    idporten.add_person(second_sub, pid=PIDS[2], acr=HIGH)
    eid.login(first_sub)
    first = logged_in_user(eid.client)
    eid.client.post(reverse("account_logout"))

    eid.login(second_sub)

    user = logged_in_user(eid.client)
    assert user == first
    assert User.objects.count() == 1
    assert set(user.socialaccount_set.values_list("uid", flat=True)) == {first_sub, second_sub}
    # The level recorded is the one this login reached.
    assert user.assurance_level == AssuranceLevel.HIGH


def test_a_d_number_is_an_identity_like_any_other(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[3], acr=SUBSTANTIAL)

    eid.login(sub)

    assert logged_in_user(eid.client).pid_hash == hash_pid(PIDS[3])


@pytest.mark.parametrize("claims", [{"acr": "idporten-loa-low"}, {}], ids=["low", "missing"])
def test_a_token_with_too_low_or_missing_acr_is_refused_and_nobody_is_logged_in(
    eid, idporten, claims
):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[0], **claims)

    response = eid.login(sub, prefix="/en")

    assert response.status_code == HTTPStatus.FORBIDDEN
    page = response.content.decode()
    assert '<html lang="en"' in page
    assert "does not give the security level we need" in page
    assert "Log in with ID-porten again" in page
    assert logged_in_user(eid.client) is None
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


def test_a_page_can_ask_for_a_high_level_login(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[1], acr=HIGH)

    authorize_url = eid.start(acr="high", next_url="/hearing/")
    assert query_of(authorize_url)["acr_values"] == HIGH
    response = eid.finish(eid.authorize(authorize_url, sub))

    assert response.status_code == HTTPStatus.FOUND
    assert logged_in_user(eid.client).assurance_level == AssuranceLevel.HIGH


def test_a_substantial_login_is_refused_when_high_was_asked_for(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[1], acr=SUBSTANTIAL)

    response = eid.login(sub, acr="high", prefix="/en", next_url="/en/hearing/")

    assert response.status_code == HTTPStatus.FORBIDDEN
    page = response.content.decode()
    assert "This needs a login at a high security level" in page
    # The retry asks for the same level and goes back to the same page.
    assert "acr=high" in page
    assert 'name="next" value="/en/hearing/"' in page
    assert logged_in_user(eid.client) is None
    assert not User.objects.exists()


def test_a_refused_login_does_not_lower_an_existing_accounts_level(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[0], acr=HIGH)
    eid.login(sub)
    eid.client.post(reverse("account_logout"))
    idporten.add_person(sub, pid=PIDS[0], acr="idporten-loa-low")

    response = eid.login(sub)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert logged_in_user(eid.client) is None
    assert User.objects.get().assurance_level == AssuranceLevel.HIGH


def test_a_tampered_state_is_refused_with_a_clear_page(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[0], acr=SUBSTANTIAL)
    callback = eid.authorize(eid.start(prefix="/en"), sub)
    state = query_of(callback)["state"]

    response = eid.finish(callback.replace(f"state={state}", f"state={state[::-1]}x"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "The login could not be completed" in page
    assert "Traceback" not in page
    assert logged_in_user(eid.client) is None
    assert not User.objects.exists()


def test_a_replayed_callback_is_refused(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[0], acr=SUBSTANTIAL)
    callback = eid.authorize(eid.start(), sub)
    eid.finish(callback)
    eid.client.post(reverse("account_logout"))

    response = eid.finish(callback)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert logged_in_user(eid.client) is None


def test_cancelling_at_the_provider_gives_a_clear_page(eid):
    response = eid.finish(eid.deny(eid.start(prefix="/en")))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "You cancelled the login at ID-porten" in page
    assert '<html lang="en"' in page
    assert logged_in_user(eid.client) is None


def test_a_provider_that_is_down_when_the_login_starts_gives_a_clear_page(client, db, settings):
    point_idporten_at(settings, f"http://127.0.0.1:{free_port()}")

    response = client.post("/en/accounts/oidc/idporten/login/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    page = response.content.decode()
    assert "We could not reach ID-porten just now" in page
    assert "Traceback" not in page


def test_a_provider_that_goes_down_before_the_callback_gives_a_clear_page(client, db, settings):
    provider = start_mock_provider()
    try:
        point_idporten_at(settings, provider.url)
        flow = EidLogin(client, provider)
        sub = new_sub()
        provider.add_person(sub, pid=PIDS[0], acr=SUBSTANTIAL)
        callback = flow.authorize(flow.start(prefix="/en"), sub)
    finally:
        provider.stop()

    response = flow.finish(callback)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "We could not reach ID-porten just now" in response.content.decode()
    assert logged_in_user(client) is None


def test_a_name_from_the_provider_is_published_and_nothing_more_is_asked(eid, idporten):
    sub = new_sub()
    idporten.add_person(
        sub, pid=PIDS[0], acr=SUBSTANTIAL, given_name="Kari", family_name="Nordmann"
    )

    response = eid.login(sub, next_url="/en/")

    user = logged_in_user(eid.client)
    assert (user.name, user.name_source) == ("Kari Nordmann", NameSource.EID)
    assert response.url == "/en/"


def test_a_person_without_a_name_declares_one_once(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[0], acr=SUBSTANTIAL)
    response = eid.login(sub, next_url="/en/")
    form_page = eid.client.get(response.url)
    assert form_page.status_code == HTTPStatus.OK
    assert 'name="next" value="/en/"' in form_page.content.decode()

    declared = eid.client.post(reverse("declare_name"), {"name": " Ola  Nordmann ", "next": "/en/"})

    assert declared.url == "/en/"
    user = logged_in_user(eid.client)
    assert (user.name, user.name_source) == ("Ola Nordmann", NameSource.DECLARED)
    eid.client.post(reverse("account_logout"))
    assert eid.login(sub, next_url="/en/").url == "/en/"


def test_an_email_account_is_verified_by_adding_idporten(eid, idporten, make_user):
    user = make_user(email="kari@example.org", name="Kari")
    eid.client.force_login(user)
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[2], acr=SUBSTANTIAL)

    authorize_url = eid.start(query="process=connect", next_url="/accounts/profile/")
    response = eid.finish(eid.authorize(authorize_url, sub))

    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.assurance_level == AssuranceLevel.SUBSTANTIAL
    assert user.pid_hash == hash_pid(PIDS[2])
    assert user.socialaccount_set.get().uid == sub


def test_an_eid_that_belongs_to_another_account_cannot_be_added(eid, idporten, make_user):
    owner_sub = new_sub()
    idporten.add_person(owner_sub, pid=PIDS[2], acr=SUBSTANTIAL)
    eid.login(owner_sub)
    owner = logged_in_user(eid.client)
    other = make_user(email="other@example.org")
    eid.client.force_login(other)

    response = eid.finish(
        eid.authorize(eid.start(query="process=connect", prefix="/en"), owner_sub)
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "already belongs to another account" in response.content.decode()
    other.refresh_from_db()
    assert not other.is_eid_verified
    assert other.pid_hash is None
    assert owner.socialaccount_set.count() == 1


def test_a_broker_using_the_identity_number_as_sub_gets_a_hashed_uid(eid, idporten):
    idporten.add_person(PIDS[1], pid=PIDS[1], acr=SUBSTANTIAL)

    eid.login(PIDS[1])

    account = SocialAccount.objects.get()
    assert account.uid == f"hmac-pid:{hash_pid(PIDS[1])}"
    assert PIDS[1] not in json.dumps(account.extra_data)


# --- The identity number is nowhere -------------------------------------------------------


def database_text() -> str:
    """Every row of every table as text, and every session decoded."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks += [repr(row) for row in cursor.fetchall()]
    chunks += [json.dumps(s.get_decoded(), default=str) for s in Session.objects.all()]
    return "\n".join(chunks)


class RawRecords(logging.Handler):
    """Sees each record before the site's redacting log filter can rewrite it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())
        if record.exc_info:
            self.messages.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def raw_logs(caplog):
    caplog.set_level(logging.DEBUG)
    handler = RawRecords()
    root = logging.getLogger()
    root.handlers.insert(0, handler)
    yield handler.messages
    root.removeHandler(handler)


def test_no_clear_identity_number_is_kept_in_the_database_the_session_or_the_logs(
    eid, idporten, caplog, raw_logs
):
    ok_sub, low_sub, other_sub = new_sub(), new_sub(), new_sub()
    idporten.add_person(ok_sub, pid=PIDS[0], acr=HIGH, name="Per Hansen")
    idporten.add_person(low_sub, pid=PIDS[1], acr="idporten-loa-low")
    idporten.add_person(other_sub, pid=PIDS[0], acr=SUBSTANTIAL)

    eid.login(ok_sub)
    session_after_login = dict(eid.client.session)
    eid.client.post(reverse("account_logout"))
    eid.login(low_sub)
    eid.login(other_sub)
    eid.finish(eid.deny(eid.start()))

    assert logged_in_user(eid.client).name == "Per Hansen"
    assert SocialAccount.objects.count() == 2
    assert not SocialToken.objects.exists()
    stored = database_text()
    assert hash_pid(PIDS[0]) in stored  # the search does see what is stored
    logs = "\n".join([caplog.text, *raw_logs])
    assert "eID login failed" in logs  # and it does see what is logged
    for pid in PIDS[:2]:
        assert pid not in stored
        assert pid not in json.dumps(session_after_login, default=str)
        assert pid not in json.dumps(dict(eid.client.session), default=str)
        assert pid not in logs


def test_a_login_link_followed_by_get_asks_to_continue_and_keeps_the_level(eid, idporten):
    url = "/en/accounts/oidc/idporten/login/?acr=high&next=/en/hearing/"

    page = eid.client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Log in with ID-porten" in page.content.decode()
    assert logged_in_user(eid.client) is None
    started = eid.client.post(url)

    assert started.status_code == HTTPStatus.FOUND
    assert query_of(started.url)["acr_values"] == HIGH
