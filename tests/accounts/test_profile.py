"""The profile page and the page where a person declares the name to publish."""

from http import HTTPStatus

from django.urls import reverse
from django.utils import timezone

from participation.accounts.models import (
    AssuranceLevel,
    Membership,
    NameSource,
    Organisation,
)


def test_the_profile_needs_a_login(client, db):
    response = client.get("/en/accounts/profile/")

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith("/en/accounts/login/")


def test_the_profile_shows_name_email_level_and_organisations(client, make_user):
    user = make_user(email="kari@example.org", name="Kari Nordmann")
    user.assurance_level = AssuranceLevel.HIGH
    user.eid_verified_at = timezone.now()
    user.save()
    organisation = Organisation.objects.create(name="Vel for Nordre Aker")
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    client.force_login(user)

    page = client.get("/en/accounts/profile/").content.decode()

    assert "Kari Nordmann" in page
    assert "kari@example.org" in page
    assert "eID, high level" in page
    assert "Vel for Nordre Aker – Manages members" in page
    assert reverse("account_change_password") in page
    assert reverse("account_email") in page
    assert f'action="{reverse("account_logout")}"' in page


def test_an_email_account_is_shown_as_not_verified(client, make_user):
    client.force_login(make_user(name="Ola"))

    page = client.get("/en/accounts/profile/").content.decode()

    assert "Not verified by eID" in page
    assert "You do not act for any organisation." in page


def test_a_declared_name_is_saved_and_marked_declared(client, make_user):
    user = make_user(name="")
    client.force_login(user)

    response = client.post(reverse("declare_name"), {"name": "Ola Nordmann", "next": "/en/"})

    assert response.url == "/en/"
    user.refresh_from_db()
    assert (user.name, user.name_source) == ("Ola Nordmann", NameSource.DECLARED)


def test_a_name_with_an_identity_number_or_email_is_refused(client, make_user):
    user = make_user(name="")
    client.force_login(user)

    for name in ("Ola 01017012343", "ola@example.org"):
        response = client.post("/en/accounts/name/", {"name": name})
        assert response.status_code == HTTPStatus.OK
        page = response.content.decode()
        assert "Write only your name" in page
        assert 'class="ds-error-summary"' in page
    user.refresh_from_db()
    assert user.name == ""


def test_a_declared_name_does_not_redirect_off_site(client, make_user):
    client.force_login(make_user(name=""))

    response = client.post(
        reverse("declare_name"), {"name": "Ola", "next": "https://evil.example/"}
    )

    assert response.url == reverse("profile")


def test_a_name_from_the_eid_cannot_be_changed_by_hand(client, make_user):
    user = make_user(name="Kari Nordmann", name_source=NameSource.EID)
    client.force_login(user)

    response = client.post(reverse("declare_name"), {"name": "Someone Else"})

    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.name == "Kari Nordmann"
