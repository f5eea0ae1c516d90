"""Staff open their admin account page (name, language, time zone) without an error."""

from http import HTTPStatus

from django.urls import reverse

from participation.accounts.models import User


def test_the_admin_account_page_opens_without_an_invalid_time_zone(client, db):
    admin = User.objects.create_superuser(email="admin@example.org", password="x-long-pass-42")
    client.force_login(admin)

    response = client.get(reverse("wagtailadmin_account"))

    assert response.status_code == HTTPStatus.OK
    # "localtime" is a name the system lists and Django refuses ("Invalid time zone").
    assert 'value="localtime"' not in response.content.decode()


def test_the_favicon_is_found_and_every_page_links_it(client, demo_site):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("img/favicon.ico")
    assert finders.find("img/favicon.ico")
    assert 'rel="icon"' in client.get("/").content.decode()
