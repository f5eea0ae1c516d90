"""One-click unsubscribe (RFC 8058): a POST with no session and no CSRF token stops the mail;
a GET (a link scanner, a preview) only shows the button."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hearings.operations import do_comment
from participation.notifications import unsubscribe
from participation.notifications.models import Frequency, NotificationKind, NotificationSetting

Kind = NotificationKind


@pytest.fixture
def kari(make_user):
    return make_user(email="kari@example.org", name="Kari Nordmann", preferred_language="en")


@pytest.fixture
def anonymous():
    """A mail program's request: no cookies, and CSRF checked as in production."""
    return Client(enforce_csrf_checks=True)


def url_for(user, scope) -> str:
    with translation.override("en"):  # the page in English, whatever the catalogues say
        return reverse("unsubscribe:confirm", args=[unsubscribe.make_token(user.pk, scope)])


def settings_of(user) -> dict:
    return dict(NotificationSetting.objects.filter(user=user).values_list("kind", "frequency"))


def test_the_unsubscribe_link_in_a_mail_works_with_one_post_and_no_session(
    make_hearing, make_user, kari, anonymous, django_capture_on_commit_callbacks
):
    hearing = make_hearing("open")
    comment, _ = do_comment(kari, hearing, "Bygg sykkelvei langs elva.")
    with django_capture_on_commit_callbacks(execute=True):
        do_comment(make_user(), hearing, "Enig.", parent=comment)
    (message,) = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")

    response = anonymous.post(
        url,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == HTTPStatus.OK
    assert settings_of(kari) == {Kind.REPLY: Frequency.NEVER}
    assert "sessionid" not in response.cookies
    with translation.override("en"):
        assert reverse("follows:index") in response.content.decode()


def test_a_get_shows_a_button_and_changes_nothing(kari, anonymous):
    response = anonymous.get(url_for(kari, Kind.REPLY))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert '<form method="post"' in page and "Someone replies to me" in page
    assert settings_of(kari) == {}


def test_the_confirm_button_on_the_page_stops_the_mail(kari, anonymous):
    url = url_for(kari, Kind.NEW_HEARING)
    response = anonymous.post(url)
    assert response.status_code == HTTPStatus.OK
    assert "You are unsubscribed" in response.content.decode()
    assert settings_of(kari) == {Kind.NEW_HEARING: Frequency.NEVER}


def test_unsubscribing_from_all_stops_every_kind_a_resident_can_choose(kari, anonymous):
    anonymous.post(url_for(kari, "all"))
    stopped = settings_of(kari)
    assert set(stopped.values()) == {Frequency.NEVER}
    assert set(stopped) == set(Kind.values) - {Kind.POLITICIAN_DIGEST}


def test_unsubscribing_from_a_digest_stops_only_the_kinds_in_it(kari, anonymous):
    NotificationSetting.objects.create(user=kari, kind=Kind.REPLY, frequency=Frequency.DAILY)
    NotificationSetting.objects.create(user=kari, kind=Kind.RESPONSE, frequency=Frequency.WEEKLY)

    anonymous.post(url_for(kari, "digest-daily"))

    assert settings_of(kari) == {Kind.REPLY: Frequency.NEVER, Kind.RESPONSE: Frequency.WEEKLY}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_broken_link_says_so_and_changes_nothing(kari, anonymous, method):
    good = unsubscribe.make_token(kari.pk, Kind.REPLY)
    forged = good.replace(good[-5:], "AAAAA")
    with translation.override("en"):
        url = reverse("unsubscribe:confirm", args=[forged])
    response = getattr(anonymous, method)(url)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "does not work" in response.content.decode()
    assert settings_of(kari) == {}


def test_an_expired_link_says_so(kari, anonymous, monkeypatch):
    monkeypatch.setattr(unsubscribe, "MAX_AGE_SECONDS", -1)
    response = anonymous.post(url_for(kari, Kind.REPLY))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert settings_of(kari) == {}


def test_a_token_for_another_purpose_is_refused(kari, anonymous):
    from django.core import signing

    other = signing.dumps({"u": kari.pk, "s": Kind.REPLY}, salt="something-else", compress=True)
    response = anonymous.post(reverse("unsubscribe:confirm", args=[other]))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert settings_of(kari) == {}
