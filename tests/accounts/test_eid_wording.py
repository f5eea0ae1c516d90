"""What a resident who logs in with ID-porten reads: their name, the level, a cancel, a connect.

Driven through the real OpenID Connect provider process (see conftest).
"""

from http import HTTPStatus
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.urls import reverse

from participation.accounts.models import AssuranceLevel, User

from .test_eid_login import PIDS, SUBSTANTIAL, logged_in_user, new_sub


def test_an_idporten_user_without_a_name_is_never_shown_the_internal_username(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[0], acr=SUBSTANTIAL)

    response = eid.login(sub, next_url="/en/", prefix="/en")
    page = eid.client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    user = logged_in_user(eid.client)
    assert user.username.startswith("user-")
    assert user.username not in page
    assert "You are logged in." in page  # the welcome message, without a name
    assert 'href="/en/accounts/profile/">ID-porten user</a>' in page  # the header
    assert user.username not in str(user)
    assert user.username not in user.get_full_name()


def test_an_idporten_user_without_a_name_is_not_named_by_username_in_mail_or_admin(
    eid, idporten, client, make_user
):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[1], acr=SUBSTANTIAL)
    eid.login(sub)
    user = logged_in_user(eid.client)
    user.email = "ola@example.org"  # added later on the e-mail page; still no name
    user.save()
    greeting = render_to_string("notifications/email/base.txt", {"user": user})
    staff = make_user(email="admin@example.org", is_superuser=True, is_staff=True)
    staff.groups.add(*Group.objects.all())
    client.force_login(staff)

    admin_list = client.get("/admin/users/").content.decode()

    assert user.username not in greeting
    assert greeting.startswith("Hei ola,")
    assert "ola@example.org" in admin_list  # the account is listed ...
    assert user.username not in admin_list  # ... by its address, not its username


def test_a_refused_step_up_says_which_level_was_used_and_which_is_needed(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[1], acr=SUBSTANTIAL)
    eid.login(sub)
    user = logged_in_user(eid.client)

    response = eid.login(
        sub, acr="high", query="process=connect", prefix="/en", next_url="/en/horinger/1/send/"
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    page = response.content.decode()
    assert "You are not logged in" not in page
    assert "A higher security level is needed" in page
    assert "You logged in at ID-porten with eID, substantial level" in page
    assert "but this needs eID, high level" in page
    assert "You are still logged in as before." in page
    # The retry raises this account's level and goes back to the hearing.
    retry = page.split("Log in with ID-porten again")[0].rsplit("<form", 1)[1]
    assert "process=connect" in retry and "acr=high" in retry
    assert 'href="/en/horinger/1/send/"' in page
    assert logged_in_user(eid.client) == user
    user.refresh_from_db()
    assert user.assurance_level == AssuranceLevel.SUBSTANTIAL


def test_a_refused_step_up_is_explained_in_nynorsk(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[2], acr=SUBSTANTIAL)
    eid.login(sub)

    response = eid.login(sub, acr="high", query="process=connect", prefix="/nn")

    page = response.content.decode()
    assert '<html lang="nn"' in page
    assert "Du er ikkje logga inn" not in page
    assert "Du har logga inn i ID-porten med" in page


def test_connecting_idporten_to_an_email_account_says_so_by_name(eid, idporten, make_user):
    user = make_user(email="kari@example.org", name="Kari")
    eid.client.force_login(user)
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[2], acr=SUBSTANTIAL)

    authorize_url = eid.start(
        query="process=connect", prefix="/nn", next_url="/nn/accounts/profile/"
    )
    page = eid.client.get(eid.finish(eid.authorize(authorize_url, sub)).url).content.decode()

    assert "ID-porten er no kopla til kontoen din" in page
    assert "Tredjepartskontoen" not in page


def test_a_cancel_at_idporten_without_state_is_reported_as_a_cancel(eid):
    authorize_url = eid.start(prefix="/en")
    # What ID-porten answers to "Avbryt" before the login form: an error and no state.
    answer = requests.post(
        authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=10
    )
    callback = urlsplit(answer.headers["Location"])
    query = parse_qs(callback.query)
    query.pop("state", None)
    assert query["error"] == ["access_denied"]

    response = eid.finish(urlunsplit(callback._replace(query=urlencode(query, doseq=True))))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "You cancelled the login at ID-porten" in page
    assert "taken too long" not in page
    assert logged_in_user(eid.client) is None


def test_an_answer_without_state_or_cancel_is_still_reported_as_an_unfinished_login(eid):
    response = eid.client.get(
        reverse("openid_connect_callback", kwargs={"provider_id": "idporten"}) + "?code=abc"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "cancelled" not in response.content.decode()


def test_a_cancelled_step_up_leaves_the_person_logged_in_and_says_so(eid, idporten):
    sub = new_sub()
    idporten.add_person(sub, pid=PIDS[3], acr=SUBSTANTIAL)
    eid.login(sub)

    response = eid.finish(eid.deny(eid.start(acr="high", query="process=connect", prefix="/en")))

    assert "You are still logged in as before." in response.content.decode()
    assert logged_in_user(eid.client) is not None
    assert User.objects.get().assurance_level == AssuranceLevel.SUBSTANTIAL
