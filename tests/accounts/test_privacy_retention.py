"""Retention rules and the staff privacy page."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from participation.accounts.models import PrivacySettings, User
from participation.accounts.privacy.retention import apply_retention
from participation.contributions.models import AuditEntry, Contribution
from participation.contributions.operations import do_create_comment
from participation.notifications.models import Notification

LONG_AGO = timezone.now() - timedelta(days=400)


@pytest.fixture
def discussion(db):
    from participation.contributions.models import Discussion

    return Discussion.objects.create(kind="ideabank", title="Idébank")


def test_unconfirmed_email_accounts_are_deleted_after_the_set_days_and_only_those(make_user):
    stale = make_user(email="stale@example.org", verified=False)
    fresh = make_user(email="fresh@example.org", verified=False)
    confirmed = make_user(email="ok@example.org", verified=True)
    User.objects.filter(pk__in=[stale.pk, confirmed.pk]).update(date_joined=LONG_AGO)
    result = apply_retention()
    assert result.accounts == 1
    assert not User.objects.filter(pk=stale.pk).exists()
    assert User.objects.filter(pk__in=[fresh.pk, confirmed.pk]).count() == 2
    assert not EmailAddress.objects.filter(email="stale@example.org").exists()
    # Idempotent: a second run finds nothing more.
    assert apply_retention().accounts == 0


def test_zero_days_keeps_unconfirmed_accounts(make_user):
    stale = make_user(email="stale@example.org", verified=False)
    User.objects.filter(pk=stale.pk).update(date_joined=LONG_AGO)
    rules = PrivacySettings.load()
    rules.unverified_account_days = 0
    rules.save()
    assert apply_retention().accounts == 0
    assert User.objects.filter(pk=stale.pk).exists()


def test_old_notifications_and_old_rejected_posts_are_deleted(make_user, discussion):
    person = make_user()
    old = Notification.objects.create(user=person, kind="reply", key="old")
    new = Notification.objects.create(user=person, kind="reply", key="new")
    Notification.objects.filter(pk=old.pk).update(created_at=LONG_AGO)
    rejected, _ = do_create_comment(person, discussion, "Avvist for lenge siden.")
    recent, _ = do_create_comment(person, discussion, "Avvist i går.")
    kept, _ = do_create_comment(person, discussion, "Publisert for lenge siden.")
    Contribution.objects.filter(pk=rejected.pk).update(state="rejected", reviewed_at=LONG_AGO)
    Contribution.objects.filter(pk=recent.pk).update(state="rejected", reviewed_at=timezone.now())
    Contribution.objects.filter(pk=kept.pk).update(state="published", reviewed_at=LONG_AGO)
    call_command("apply_retention", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Notification.objects.values_list("pk", flat=True)) == [new.pk]
    assert set(Contribution.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}


def test_the_staff_privacy_page_lists_who_read_originals_for_editors_only(
    client, make_user, discussion
):
    editor = make_user(email="ed@example.org", name="Eva Redaktør", roles=["editor"])
    planner = make_user(email="pl@example.org", name="Per Planlegger", roles=["planner"])
    author = make_user()
    comment, _ = do_create_comment(author, discussion, "Original tekst.")
    AuditEntry.objects.create(contribution=comment, actor=planner, action="viewed_original")
    url = reverse("privacy_admin:overview")

    client.force_login(planner)
    assert client.get(url).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.FOUND)

    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Per Planlegger" in page
    assert f"{comment.pk}" in page
