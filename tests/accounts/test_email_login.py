"""Local e-mail accounts: sign up, confirm, log in, reset the password, log out."""

import re
from http import HTTPStatus

from django.core import mail
from django.urls import reverse

from participation.accounts.models import AssuranceLevel, User

from ..conftest import PASSWORD

NEW_PASSWORD = "another-long-password-77"


def link_in(message) -> str:
    match = re.search(r"https?://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def logged_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_signing_up_sends_a_link_that_confirms_and_logs_in(client, db):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "Kari@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert logged_in_user(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kari@example.org"]

    confirm_page = client.get(link_in(mail.outbox[0]))
    assert confirm_page.status_code == HTTPStatus.OK
    assert "Confirm that kari@example.org is your e-mail address" in confirm_page.content.decode()
    confirmed = client.post(link_in(mail.outbox[0]))

    user = logged_in_user(client)
    assert user.email == "kari@example.org"
    assert user.emailaddress_set.get().verified
    assert user.assurance_level == AssuranceLevel.NONE
    # No name yet: asked for one first.
    assert confirmed.url.startswith(reverse("declare_name"))
    client.post(reverse("declare_name"), {"name": "Kari Nordmann"})
    home = client.get(reverse("profile")).content.decode()
    assert "Not verified by eID" in home


def test_a_failed_signup_shows_an_error_summary_tied_to_the_fields(client, db):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "not-an-address", "password1": PASSWORD, "password2": "something else"},
    )

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert 'class="ds-error-summary"' in page
    assert '<a class="ds-link" href="#id_email">' in page
    assert '<label class="ds-label" for="id_email">' in page
    assert re.search(r'<input[^>]*aria-describedby="id_email-error"[^>]*>', page)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_email"', page) or re.search(
        r'<input[^>]*id="id_email"[^>]*aria-invalid="true"', page
    )
    assert 'id="id_email-error"' in page
    assert not User.objects.exists()
    assert not mail.outbox


def test_a_wrong_password_is_refused_with_a_clear_message(client, make_user):
    make_user(email="kari@example.org")

    response = client.post(
        "/en/accounts/login/", {"login": "kari@example.org", "password": "wrong-password-1"}
    )

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "The email address and/or password you specified are not correct." in page
    assert 'class="ds-error-summary"' in page
    assert logged_in_user(client) is None


def test_the_wrong_password_message_is_in_the_users_language(client, make_user):
    make_user(email="kari@example.org")

    response = client.post(
        "/accounts/login/", {"login": "kari@example.org", "password": "wrong-password-1"}
    )

    page = response.content.decode()
    assert '<html lang="nb"' in page
    assert "The email address and/or password you specified are not correct." not in page
    assert logged_in_user(client) is None


def test_an_unconfirmed_address_cannot_log_in_and_is_told_why(client, make_user):
    make_user(email="ola@example.org", verified=False)

    response = client.post(
        "/en/accounts/login/", {"login": "ola@example.org", "password": PASSWORD}, follow=True
    )

    assert logged_in_user(client) is None
    page = response.content.decode()
    assert "You can log in once your e-mail address is confirmed" in page
    # A new link is on its way.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ola@example.org"]


def test_the_password_is_reset_through_a_link_by_mail(client, make_user):
    make_user(email="kari@example.org")

    sent = client.post("/en/accounts/password/reset/", {"email": "kari@example.org"})
    assert sent.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    assert form_page.status_code == HTTPStatus.OK
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link_in(mail.outbox[0]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done.status_code == HTTPStatus.FOUND

    client.logout()
    client.post("/en/accounts/login/", {"login": "kari@example.org", "password": NEW_PASSWORD})
    assert logged_in_user(client).email == "kari@example.org"


def test_a_used_reset_link_says_so(client, make_user):
    make_user(email="kari@example.org")
    client.post("/en/accounts/password/reset/", {"email": "kari@example.org"})
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    url = form_page.redirect_chain[-1][0]
    client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()

    again = client.get(link_in(mail.outbox[0]), follow=True)

    assert "This link is not valid any more" in again.content.decode()


def test_logging_out_takes_a_post(client, make_user):
    client.force_login(make_user())

    page = client.get("/en/accounts/logout/")
    assert page.status_code == HTTPStatus.OK
    assert logged_in_user(client) is not None

    client.post("/en/accounts/logout/")
    assert logged_in_user(client) is None


def test_the_login_page_offers_idporten_first_when_it_is_configured(client, db, idporten):
    page = client.get("/en/accounts/login/?next=/en/hearing/").content.decode()

    assert page.index("Log in with ID-porten") < page.index("Log in with e-mail")
    login_url = "/en/accounts/oidc/idporten/login/?process=login&amp;next=%2Fen%2Fhearing%2F"
    assert f'action="{login_url}"' in page


def test_the_login_page_offers_only_email_when_idporten_is_not_configured(client, db):
    page = client.get("/en/accounts/login/").content.decode()

    assert "Log in with ID-porten" not in page
    assert "Log in with e-mail" in page
