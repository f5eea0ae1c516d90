"""Logging in, or visiting a login page while logged in, keeps the reader's language."""

from http import HTTPStatus

import pytest

from tests.conftest import PASSWORD


@pytest.mark.parametrize(("prefix", "front_page"), [("", "/"), ("/nn", "/nn/"), ("/en", "/en/")])
def test_a_logged_in_visit_to_a_login_page_goes_to_the_front_page_in_its_language(
    client, make_user, prefix, front_page
):
    client.force_login(make_user())

    response = client.get(f"{prefix}/accounts/login/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == front_page


def test_logging_in_from_the_english_login_page_lands_on_the_english_front_page(client, make_user):
    user = make_user()

    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/en/"
