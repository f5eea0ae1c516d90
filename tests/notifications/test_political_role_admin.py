"""Staff set an elected representative's party and role in the admin's user form; the badge
then shows on that politician's comments."""

from http import HTTPStatus

from django.contrib.auth.models import Group
from django.urls import reverse

from hearings.operations import do_comment
from participation.accounts.models import User

ROLE = "Sp, formannskapet 2023–2027"


def _form_data(user, **changes):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "name": user.name,
        "political_role": user.political_role,
        "preferred_language": user.preferred_language,
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
    }
    data.update(changes)
    return data


def test_the_user_edit_form_in_the_admin_has_the_party_and_role_field(client, make_user):
    admin = User.objects.create_superuser(email="admin@example.org", password="x-long-pass-42")
    politician = make_user(email="pol@example.org", roles=("politician",))
    client.force_login(admin)

    html = client.get(reverse("wagtailusers_users:edit", args=[politician.pk])).content.decode()

    assert 'name="political_role"' in html
    assert "Ap, bystyret 2023–2027" in html  # the help text's example names party, role, term


def test_a_role_set_in_the_admin_shows_as_a_badge_on_the_politicians_comment(
    client, make_hearing, make_user, plan_page
):
    admin = User.objects.create_superuser(email="admin@example.org", password="x-long-pass-42")
    politician = make_user(email="pol@example.org", name="Pål Politiker", roles=("politician",))
    hearing = make_hearing()
    page = plan_page(hearing)
    do_comment(politician, hearing, "Jeg følger saken.")

    client.force_login(admin)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[politician.pk]),
        _form_data(politician, political_role=ROLE),
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    client.logout()

    html = client.get(page.url).content.decode()
    assert 'class="author-badge"' in html
    assert ROLE in html


def test_staff_may_create_a_politician_with_a_role_in_the_admin(client, db):
    admin = User.objects.create_superuser(email="admin@example.org", password="x-long-pass-42")
    client.force_login(admin)
    politician_group = Group.objects.get(name="politician")

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "ny@example.org",
            "email": "ny@example.org",
            "first_name": "",
            "last_name": "",
            "name": "Nora Ny",
            "political_role": ROLE,
            "preferred_language": "nn",
            "password1": "a-long-test-password-42",
            "password2": "a-long-test-password-42",
            "groups": [str(politician_group.pk)],
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    created = User.objects.get(email="ny@example.org")
    assert created.political_role == ROLE
    assert created.preferred_language == "nn"
