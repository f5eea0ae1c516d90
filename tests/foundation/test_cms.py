"""The editor's flow in the Wagtail admin, who gets into the admin, and organisations there."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import HomePage, StandardPage
from participation.accounts.models import Membership, Organisation, User
from participation.accounts.permissions import can_act_for
from tests.conftest import PASSWORD


def admin_login(client, email, password=PASSWORD):
    # Staff log in on the site's login page: the admin's own takes no password (see
    # tests/security/test_login_paths.py).
    return client.post(
        f"{reverse('account_login')}?next={reverse('wagtailadmin_home')}",
        {"login": email, "password": password},
    )


def site_login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def publish(client, page, intro, paragraph, **extra):
    """POST the page's edit form as the admin does when the editor presses Publish."""
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": intro,
            "body": streamfield([("paragraph", rich_text(f"<p>{paragraph}</p>"))]),
            "comments": {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            },
            "action-publish": "action-publish",
            **extra,
        }
    )
    return client.post(edit_url(page), data)


@pytest.fixture
def editor(demo_site, make_user):
    return make_user(email="redaktor@kommune.example", roles=["editor"])


# Logging in


def test_a_staff_account_gets_its_email_address_as_username(make_user):
    # The Wagtail admin's login form asks for the username.
    user = make_user(email="planlegger@kommune.example", roles=["planner"])
    assert user.username == "planlegger@kommune.example"


def test_someone_signing_up_on_the_site_gets_their_email_address_as_username(db, client):
    for email in ("ny.innbygger@example.org", "Enda.En@Example.org"):
        response = client.post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": "et-langt-passord-2026",
                "password2": "et-langt-passord-2026",
            },
        )
        assert response.status_code == HTTPStatus.FOUND, response.content
        client.logout()
    assert set(User.objects.values_list("username", flat=True)) == {
        "ny.innbygger@example.org",
        "enda.en@example.org",
    }


def test_an_editor_logs_into_the_wagtail_admin_with_their_email_address(editor, client):
    response = admin_login(client, "redaktor@kommune.example")
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK


def test_an_editor_logged_in_on_the_site_can_open_the_admin(editor, client):
    response = site_login(client, "redaktor@kommune.example")
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK


def test_the_admin_login_follows_a_changed_email_address(editor, client):
    editor.email = "rita.redaktor@kommune.example"
    editor.save()
    editor.emailaddress_set.update(email=editor.email)
    admin_login(client, "rita.redaktor@kommune.example")
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK


def test_a_wrong_password_does_not_open_the_admin(editor, client):
    response = admin_login(client, "redaktor@kommune.example", password="feil-passord")
    assert response.status_code == HTTPStatus.OK  # the form again, with an error
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.FOUND


# Editing pages


def test_an_editor_publishes_new_text_on_the_home_page(editor, client):
    home = HomePage.objects.get()
    admin_login(client, editor.email)
    assert client.get(edit_url(home)).status_code == HTTPStatus.OK

    response = publish(
        client, home, intro="Ny ingress fra redaksjonen.", paragraph="Kommunen åpner ny høring."
    )

    assert response.status_code == HTTPStatus.FOUND
    public = client.get("/").content.decode()
    assert "Ny ingress fra redaksjonen." in public
    assert "Kommunen åpner ny høring." in public


def test_an_editor_publishes_new_text_on_a_standard_page(editor, client):
    page = StandardPage.objects.get(slug="om-tjenesten")
    site_login(client, editor.email)

    response = publish(
        client,
        page,
        intro="Oppdatert om tjenesten.",
        paragraph="Vi svarer på alle innspill innen fire uker.",
    )

    assert response.status_code == HTTPStatus.FOUND
    public = client.get(page.url).content.decode()
    assert "Oppdatert om tjenesten." in public
    assert "Vi svarer på alle innspill innen fire uker." in public
    assert page.revisions.count() == 2


def test_saving_a_draft_does_not_change_the_public_page(editor, client):
    page = StandardPage.objects.get(slug="om-tjenesten")
    client.force_login(editor)
    response = client.post(
        edit_url(page),
        nested_form_data(
            {
                "title": page.title,
                "slug": page.slug,
                "intro": "Et utkast ingen skal se ennå.",
                "body": streamfield([("paragraph", rich_text("<p>Utkast</p>"))]),
                "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
            }
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "Et utkast ingen skal se ennå." not in client.get(page.url).content.decode()
    page.refresh_from_db()
    assert page.has_unpublished_changes
    assert page.get_latest_revision().content["intro"] == "Et utkast ingen skal se ennå."


@pytest.mark.parametrize("role", ["planner", "moderator"])
def test_planners_and_moderators_open_the_admin_but_cannot_edit_pages(
    demo_site, make_user, client, role
):
    client.force_login(make_user(roles=[role]))
    home = HomePage.objects.get()
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.OK

    assert client.get(edit_url(home)).status_code != HTTPStatus.OK
    response = publish(client, home, intro="Ikke tillatt", paragraph="Ikke tillatt")
    assert response.status_code != HTTPStatus.OK
    assert "Ikke tillatt" not in client.get("/").content.decode()
    assert home.revisions.count() == 1


def test_a_resident_gets_no_admin_access(demo_site, make_user, client):
    resident = make_user()
    client.force_login(resident)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("wagtailadmin_login") in response["Location"]
    assert client.get(edit_url(HomePage.objects.get())).status_code != HTTPStatus.OK


def test_a_resident_cannot_log_into_the_admin(demo_site, make_user, client):
    make_user(email="innbygger@example.org")
    admin_login(client, "innbygger@example.org")
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.FOUND


def test_a_politician_gets_no_admin_access(demo_site, make_user, client):
    client.force_login(make_user(roles=["politician"]))
    assert client.get(reverse("wagtailadmin_home")).status_code == HTTPStatus.FOUND


def test_the_demo_editor_may_add_pages_under_the_home_page(demo_site):
    editor = User.objects.get(email="redaktor@demo.medvirkning.no")
    home = HomePage.objects.get()
    permissions = home.permissions_for_user(editor)
    assert permissions.can_add_subpage()
    assert permissions.can_publish()
    assert not Page.get_first_root_node().permissions_for_user(editor).can_add_subpage()


# Organisations and their members


def snippet_url(model, action, *args):
    return reverse(f"wagtailsnippets_accounts_{model}:{action}", args=args)


@pytest.fixture
def planner(demo_site, make_user):
    return make_user(email="planlegger@kommune.example", roles=["planner"])


def test_a_planner_registers_an_organisation_and_a_member_who_may_then_act_for_it(
    planner, make_user, client
):
    member = make_user(email="leder@bygdelaget.example")
    client.force_login(planner)

    response = client.post(
        snippet_url("organisation", "add"),
        {"name": "Bygdelaget Nord", "organisation_number": "974 760 673"},
    )
    assert response.status_code == HTTPStatus.FOUND
    organisation = Organisation.objects.get(name="Bygdelaget Nord")
    assert organisation.organisation_number == "974760673"
    assert not can_act_for(member, organisation)

    response = client.post(
        snippet_url("membership", "add"),
        {"organisation": organisation.pk, "user": "Leder@Bygdelaget.example", "role": "member"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert can_act_for(member, organisation)

    listing = client.get(snippet_url("membership", "list"), {"organisation": organisation.pk})
    assert "leder@bygdelaget.example" in listing.content.decode()


def test_a_planner_removes_a_member_who_then_may_no_longer_act_for_it(planner, make_user, client):
    member = make_user()
    organisation = Organisation.objects.create(name="Elvelaget")
    membership = Membership.objects.create(user=member, organisation=organisation)
    client.force_login(planner)

    response = client.post(snippet_url("membership", "delete", membership.pk))

    assert response.status_code == HTTPStatus.FOUND
    assert not can_act_for(member, organisation)


def test_a_member_must_have_an_account_before_being_added(planner, client):
    organisation = Organisation.objects.create(name="Elvelaget")
    client.force_login(planner)

    response = client.post(
        snippet_url("membership", "add"),
        {"organisation": organisation.pk, "user": "ukjent@example.org", "role": "member"},
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["user"]
    assert not organisation.memberships.exists()


def test_a_person_is_added_to_an_organisation_only_once(planner, make_user, client):
    member = make_user(email="dobbel@example.org")
    organisation = Organisation.objects.create(name="Elvelaget")
    Membership.objects.create(user=member, organisation=organisation)
    client.force_login(planner)

    response = client.post(
        snippet_url("membership", "add"),
        {"organisation": organisation.pk, "user": "dobbel@example.org", "role": "admin"},
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].non_field_errors()
    assert organisation.memberships.get().role == Membership.Role.MEMBER


def test_an_invalid_organisation_number_is_refused(planner, client):
    client.force_login(planner)
    response = client.post(
        snippet_url("organisation", "add"), {"name": "Feil AS", "organisation_number": "123456789"}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["organisation_number"]
    assert not Organisation.objects.filter(name="Feil AS").exists()


def test_the_organisation_list_shows_how_many_members_each_has(planner, make_user, client):
    organisation = Organisation.objects.create(name="Elvelaget")
    for _ in range(3):
        Membership.objects.create(user=make_user(), organisation=organisation)
    client.force_login(planner)

    response = client.get(snippet_url("organisation", "list"), {"q": "Elvelaget"})

    assert response.status_code == HTTPStatus.OK
    soup = BeautifulSoup(response.content, "html.parser")
    row = next(tr for tr in soup.select("table.listing tbody tr") if "Elvelaget" in tr.text)
    assert [td.get_text(strip=True) for td in row.select("td")][-1] == "3"


@pytest.mark.parametrize("role", [None, "moderator", "editor", "politician"])
def test_only_planners_manage_organisations(demo_site, make_user, client, role):
    client.force_login(make_user(roles=[role] if role else []))
    response = client.post(snippet_url("organisation", "add"), {"name": "Snikelaget"})
    assert response.status_code != HTTPStatus.OK
    assert not Organisation.objects.filter(name="Snikelaget").exists()
