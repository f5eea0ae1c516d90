"""What a resident reads around a hearing that needs ID-porten: one notice, an honest receipt."""

from http import HTTPStatus

from django.urls import reverse
from django.utils import translation

from hearings.models import IdentityLevel
from hearings.operations import do_submit
from participation.accounts.models import AssuranceLevel, User

REQUIRES = "This hearing requires that you log in with"


def submit_url(hearing):
    with translation.override("en"):
        return reverse("hearings:submit", args=[hearing.pk])


def preview(client, hearing):
    payload = {"body": "Jeg er imot planen.", "idempotency_key": "k1", "action": "preview"}
    return client.post(submit_url(hearing), payload, follow=True)


def test_preview_below_the_hearings_level_shows_one_notice_not_two(client, make_hearing, resident):
    hearing = make_hearing(identity_level=IdentityLevel.HIGH)
    client.force_login(resident)

    page = preview(client, hearing).content.decode()

    assert "This hearing requires: ID-porten, high level" in page  # the form's own notice
    assert REQUIRES not in page
    assert page.count('class="ds-alert"') == 1


def test_preview_before_logging_in_shows_one_notice_on_the_login_page(client, make_hearing):
    hearing = make_hearing(identity_level=IdentityLevel.HIGH)

    page = preview(client, hearing).content.decode()

    assert "To continue, log in with ID-porten at a high security level" in page
    assert REQUIRES not in page


def eid_resident(email=""):
    return User.objects.create_user(
        username="user-0123456789abcdef",
        email=email,
        name="Ola Nordmann",
        assurance_level=AssuranceLevel.SUBSTANTIAL,
    )


def receipt_page(client, hearing, user):
    submission, _ = do_submit(user, hearing, "Jeg er for.", idempotency_key="r1")
    client.force_login(user)
    with translation.override("en"):
        url = reverse("hearings:receipt", args=[hearing.pk, submission.pk])
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_a_receipt_for_an_account_without_e_mail_says_it_is_only_on_the_page(client, make_hearing):
    hearing = make_hearing(identity_level=IdentityLevel.SUBSTANTIAL)

    page = receipt_page(client, hearing, eid_resident())

    assert "sent to your e-mail address" not in page
    assert "no copy is sent: this page is your receipt" in page
    with translation.override("en"):
        assert f'href="{reverse("account_email")}"' in page


def test_a_receipt_for_an_account_with_e_mail_says_a_copy_was_sent(client, make_hearing):
    hearing = make_hearing(identity_level=IdentityLevel.SUBSTANTIAL)

    page = receipt_page(client, hearing, eid_resident(email="ola@example.org"))

    assert "A receipt has been sent to your e-mail address" in page
    assert "this page is your receipt" not in page
