"""Every way to log in has the same guard: the one allauth login, its limits and, for staff,
the second factor."""

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings

from participation.accounts.models import User
from tests.conftest import PASSWORD
from tests.live.sockets import run, socket_for

ADMIN_LOGINS = [("/admin/login/", "/admin/"), ("/django-admin/login/", "/django-admin/")]


def logged_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # the middle one: now
    return format_hotp_value(hotp_value(secret, counter))


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def planner(make_user):
    return make_user(email="planlegger@example.org", roles=["planner"])


@pytest.fixture
def superuser(make_user):
    return make_user(email="admin@example.org", is_superuser=True, is_staff=True)


# ------------------------------------------------------------------ the admins' own login pages


@pytest.mark.parametrize(("login_path", "home"), ADMIN_LOGINS)
def test_a_right_password_posted_to_an_admin_login_logs_nobody_in(
    client, superuser, login_path, home
):
    response = client.post(
        login_path, {"username": superuser.email, "password": PASSWORD, "next": home}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"/accounts/login/?next={home.replace('/', '%2F')}"
    assert logged_in_user(client) is None


@pytest.mark.parametrize(("login_path", "home"), ADMIN_LOGINS)
def test_guessing_at_an_admin_login_never_reaches_a_password_check(
    client, superuser, login_path, home, monkeypatch
):
    checked = []
    from django.contrib.auth.backends import ModelBackend

    original = ModelBackend.authenticate
    monkeypatch.setattr(
        ModelBackend,
        "authenticate",
        lambda self, *a, **kw: checked.append(kw) or original(self, *a, **kw),
    )

    answers = {
        client.post(login_path, {"username": superuser.email, "password": f"guess-{n}"}).status_code
        for n in range(50)
    }

    assert answers == {HTTPStatus.FOUND}
    assert checked == []
    assert logged_in_user(client) is None


@pytest.mark.parametrize(("login_path", "home"), ADMIN_LOGINS)
def test_an_anonymous_visit_to_an_admin_page_ends_at_the_site_login_keeping_the_page(
    client, db, login_path, home
):
    page = f"{home}users/" if home == "/admin/" else f"{home}accounts/user/"

    response = client.get(page, follow=True)

    assert response.redirect_chain[-1][0] == f"/accounts/login/?next={page.replace('/', '%2F')}"
    assert response.status_code == HTTPStatus.OK
    assert 'name="password"' in response.content.decode()


def test_a_staff_member_logs_in_at_the_site_login_and_lands_in_the_admin(client, superuser):
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": superuser.email, "password": PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_logged_in_resident_at_the_admin_is_refused_not_sent_round_the_login(client, make_user):
    client.force_login(make_user())

    response = client.get("/admin/", follow=True)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert len(response.redirect_chain) <= 2


# ------------------------------------------------------------------- staff need a second factor


@pytest.fixture
def staff_mfa(settings):
    settings.STAFF_REQUIRE_MFA = True


def password_login(client, user, next_url="/admin/"):
    return client.post(
        f"/accounts/login/?next={next_url}", {"login": user.email, "password": PASSWORD}
    )


def test_the_second_factor_is_required_of_staff_by_default_only_in_production():
    # Tests run with ENVIRONMENT=test: off unless a test turns it on.
    assert settings.STAFF_REQUIRE_MFA is False


def test_a_planner_without_an_authenticator_is_sent_to_set_one_up_before_any_page(
    client, planner, staff_mfa
):
    password_login(client, planner)
    assert logged_in_user(client) == planner

    for path in ["/admin/", "/admin/pages/", "/django-admin/", "/horinger/", "/"]:
        response = client.get(path)
        assert response.status_code == HTTPStatus.FOUND, path
        assert response.url == "/accounts/2fa/totp/activate/", path
    # allauth asks for the password again before an authenticator is added; that page opens.
    setup = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert setup.status_code == HTTPStatus.OK
    assert 'name="password"' in setup.content.decode()


# Committing for real: allauth announces the new authenticator once its transaction commits.
# (serialized_rollback: the role groups and their permissions are there, whatever ran before.)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_setting_up_the_authenticator_opens_the_admin_without_asking_for_a_code_again(
    client, planner, staff_mfa
):
    password_login(client, planner)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret

    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})

    assert Authenticator.objects.filter(user=planner, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_planner_with_an_authenticator_gives_the_code_at_login_before_the_admin(
    client, planner, staff_mfa
):
    secret = with_totp(planner)

    response = password_login(client, planner)

    assert response.url.startswith("/accounts/2fa/authenticate/")
    assert logged_in_user(client) is None
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_staff_session_from_before_the_setting_must_give_the_code_first(
    client, planner, staff_mfa
):
    secret = with_totp(planner)
    client.force_login(planner)  # a session without a second factor, however it came to be

    response = client.get("/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"
    response = client.post(response.url, {"code": current_code(secret)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_an_old_session_cannot_swap_the_authenticator_or_the_password_without_the_code(
    client, planner, staff_mfa
):
    with_totp(planner)
    client.force_login(planner)

    for path in [
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/password/change/",
        "/accounts/reauthenticate/",
    ]:
        response = client.get(path)
        assert response.status_code == HTTPStatus.FOUND, path
        assert response.url.startswith("/accounts/2fa/reauthenticate/?next="), path
    assert Authenticator.objects.filter(user=planner).exists()


def test_a_resident_is_not_asked_for_a_second_factor(client, make_user, staff_mfa):
    resident = make_user()
    password_login(client, resident, next_url="/accounts/profile/")

    assert client.get("/accounts/profile/").status_code == HTTPStatus.OK


def test_without_the_setting_staff_reach_the_admin_with_a_password(client, planner):
    password_login(client, planner)

    assert client.get("/admin/").status_code == HTTPStatus.OK


async def _subscribe_moderation(cookie: bytes) -> dict:
    ws = socket_for(cookie)
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "subscribe", "stream": "moderation"})
    answer = await ws.receive_json_from(timeout=5)
    await ws.disconnect()
    return answer


def _cookie(client) -> bytes:
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


# The socket's database work closes the thread's connection (Channels' close_old_connections),
# which a test inside a transaction cannot survive on PostgreSQL: commit for real.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_moderator_session_without_its_second_factor_cannot_join_the_moderation_stream(
    client, make_user, staff_mfa
):
    moderator = make_user(email="moderator@example.org", roles=["moderator"])
    secret = with_totp(moderator)
    client.force_login(moderator)
    answers = []

    run(lambda: _record(answers, _subscribe_moderation(_cookie(client))))
    client.post("/accounts/2fa/reauthenticate/", {"code": current_code(secret)})
    run(lambda: _record(answers, _subscribe_moderation(_cookie(client))))

    assert answers == [
        {"type": "denied", "stream": "moderation"},
        {"type": "subscribed", "stream": "moderation"},
    ]


async def _record(answers, coroutine):
    answers.append(await coroutine)


def test_the_deployment_check_names_a_production_site_without_the_staff_second_factor(settings):
    from django.core.checks import run_checks

    settings.PRODUCTION = True
    settings.STAFF_REQUIRE_MFA = False
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "accounts.W001" in ids

    settings.STAFF_REQUIRE_MFA = True
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "accounts.W001" not in ids
