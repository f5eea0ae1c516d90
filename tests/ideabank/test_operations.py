import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import override_settings
from PIL import Image

from ideabank import operations
from ideabank.models import Idea, IdeaStatus, Support, Topic
from ideabank.tasks import notify_status_change
from participation.contributions.models import Contribution
from participation.contributions.operations import ContributionError
from participation.live.models import Event
from participation.notifications.models import Follow

from .conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- posting


def test_posted_idea_is_published_and_its_area_found_from_its_point(resident, areas, topics):
    idea, created = operations.do_post_idea(
        resident,
        title="Benches by the river",
        body="More benches, please.",
        topics=["parker"],
        lat=59.93,
        lon=10.75,
    )
    assert created
    assert idea.state == Contribution.State.PUBLISHED
    assert idea.area == areas["nord"]
    assert [t.slug for t in idea.topics.all()] == ["parker"]
    assert idea.status == IdeaStatus.RECEIVED
    assert idea.author_name == "Kari Nordmann"


def test_idea_outside_every_area_has_no_area(resident, areas):
    idea, _ = operations.do_post_idea(resident, title="Far away", body="x", lat=63.4, lon=10.4)
    assert idea.area is None
    assert idea.lat == 63.4


def test_idea_without_a_place_is_allowed(resident):
    idea, _ = operations.do_post_idea(resident, title="Anywhere", body="An idea")
    assert not idea.has_point


def test_idea_waits_for_a_moderator_when_the_idea_bank_is_premoderated(resident, premoderated):
    idea, _ = operations.do_post_idea(resident, title="Wait for me", body="x")
    assert idea.state == Contribution.State.PENDING
    assert not operations.listed_ideas().filter(pk=idea.pk).exists()


def test_a_retried_post_with_the_same_key_creates_one_idea(resident):
    first, created = operations.do_post_idea(
        resident, title="Once", body="x", idempotency_key="k-1"
    )
    again, created_again = operations.do_post_idea(
        resident, title="Once", body="x", idempotency_key="k-1"
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert Idea.objects.count() == 1


def test_anonymous_person_is_asked_to_log_in(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(operations.LoginRequired):
        operations.do_post_idea(AnonymousUser(), title="Hello", body="x")


@pytest.mark.parametrize("title", ["", "ab", "x" * 201])
def test_title_must_be_three_to_two_hundred_characters(resident, title):
    with pytest.raises(ContributionError):
        operations.do_post_idea(resident, title=title, body="x")


def test_identity_number_and_phone_are_redacted_from_what_is_published_but_kept(resident):
    idea, _ = operations.do_post_idea(
        resident,
        title="Call 412 34 567 about the park",
        body="My number is 01010112345? No: ring 412 34 567.",
    )
    assert "412 34 567" not in idea.public_title
    assert "412 34 567" not in idea.public_html
    assert "412 34 567" in idea.title
    assert "412 34 567" in idea.body


def test_hostile_text_is_stored_as_written_and_published_inert(resident):
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> \u202eexe.png " + "ø" * 50
    idea, _ = operations.do_post_idea(resident, title="<b>Bold</b> idea", body=hostile)
    assert idea.body == hostile
    assert "<script>" not in idea.public_html
    assert "<img" not in idea.public_html
    assert "&lt;script&gt;" in idea.public_html


def test_official_topics_only_unless_the_site_allows_free_tags(resident, topics):
    with pytest.raises(ContributionError):
        operations.do_post_idea(resident, title="Tagged", body="x", free_tags=["sykkel"])


@override_settings(IDEABANK_ALLOW_FREE_TAGS=True)
def test_free_tags_become_unofficial_topics_when_the_site_allows_them(resident, topics):
    idea, _ = operations.do_post_idea(
        resident, title="Tagged", body="x", topics=["trafikk"], free_tags=["Sykkel", "trafikk"]
    )
    slugs = sorted(t.slug for t in idea.topics.all())
    assert slugs == ["sykkel", "trafikk"]
    assert Topic.objects.get(slug="sykkel").official is False
    # The municipality's own topic stays official, and is not doubled.
    assert Topic.objects.get(slug="trafikk").official is True


def test_photo_is_kept_without_its_gps_metadata(resident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    upload = SimpleUploadedFile("phone.jpg", original, content_type="image/jpeg")
    idea, _ = operations.do_post_idea(resident, title="With photo", body="x", photos=[upload])
    photo = idea.photos.get()
    with photo.file.open("rb") as stored:
        exif = Image.open(stored).getexif()
    assert not exif.get_ifd(0x8825)
    assert 0x010F not in exif


def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(resident):
    upload = SimpleUploadedFile("holiday.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ContributionError, match="holiday.jpg"):
        operations.do_post_idea(resident, title="With photo", body="x", photos=[upload])
    assert not Idea.objects.exists()


def test_new_idea_is_announced_to_moderators(resident):
    idea, _ = operations.do_post_idea(resident, title="Announce me", body="x")
    assert Event.objects.filter(
        stream="moderation", type="contribution.created", payload__contribution_id=idea.pk
    ).exists()


# ---------------------------------------------------------------- supporting


def test_support_counts_once_per_account(make_idea, resident):
    idea = make_idea()
    assert operations.do_support(resident, idea) is True
    assert operations.do_support(resident, idea) is False
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert Support.objects.filter(idea=idea).count() == 1


def test_the_same_eid_person_with_two_accounts_cannot_support_twice(make_idea, make_user):
    idea = make_idea()
    first = make_user(assurance_level="substantial")
    second = make_user(assurance_level="substantial")
    # Two accounts that logged in with the same national identity (pid_hash is unique per
    # account, so the second one stands in through the support's identity copy).
    first.pid_hash = "a" * 64
    first.save()
    assert operations.do_support(first, idea)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(idea=idea, user=second, identity_hash="a" * 64)
    second.pid_hash = None
    assert operations.do_support(second, idea)  # without eID it is a different person
    idea.refresh_from_db()
    assert idea.support_count == 2


def test_a_second_account_of_an_eid_person_is_refused_by_do_support(make_idea, make_user):
    idea = make_idea()
    first = make_user()
    first.pid_hash = "b" * 64
    first.save()
    operations.do_support(first, idea)
    second = make_user()
    # The same person again: as if the hash were copied from a second eID login.
    second.pid_hash = "b" * 64  # not saved: the accounts table allows it only once
    assert operations.do_support(second, idea) is False
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_withdrawn_support_lowers_the_count_and_can_be_given_again(make_idea, resident):
    idea = make_idea()
    operations.do_support(resident, idea)
    assert operations.do_withdraw_support(resident, idea) is True
    idea.refresh_from_db()
    assert idea.support_count == 0
    assert operations.do_withdraw_support(resident, idea) is False
    operations.do_support(resident, idea)
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_support_count_is_sent_live_on_the_ideas_stream(make_idea, resident):
    idea = make_idea()
    operations.do_support(resident, idea)
    event = Event.objects.filter(stream=idea.comments_stream, type="idea.support_count").get()
    assert event.payload == {"idea_id": idea.pk, "support_count": 1}


def test_a_pending_idea_cannot_be_supported(make_idea, resident, premoderated):
    idea = make_idea()
    with pytest.raises(ContributionError):
        operations.do_support(resident, idea)


# ---------------------------------------------------------------- follow and comment


def test_author_follows_own_idea_and_others_can_follow_once(make_idea, resident):
    idea = make_idea()
    assert Follow.objects.filter(idea=idea, user=idea.author).exists()
    assert operations.do_follow(resident, idea) is True
    assert operations.do_follow(resident, idea) is False
    assert operations.do_unfollow(resident, idea) is True
    assert not Follow.objects.filter(idea=idea, user=resident).exists()


def test_comments_go_to_the_ideas_own_discussion(make_idea, resident):
    idea = make_idea()
    comment, created = operations.do_comment_on_idea(resident, idea, "I agree!")
    assert created
    assert comment.discussion_id == idea.comments_discussion_id
    assert comment.discussion_id != idea.discussion_id
    assert Event.objects.filter(stream=idea.comments_stream, type="contribution.published").exists()


def test_reply_must_be_to_a_comment_on_the_same_idea(make_idea, resident):
    one, other = make_idea(), make_idea()
    comment, _ = operations.do_comment_on_idea(resident, one, "On one")
    with pytest.raises(ContributionError):
        operations.do_comment_on_idea(resident, other, "Reply", parent=comment)


# ---------------------------------------------------------------- status and answer


def test_only_planners_set_status(make_idea, resident):
    idea = make_idea()
    with pytest.raises(ContributionError):
        operations.do_set_status(resident, idea, IdeaStatus.PLANNED, "Yes")


def test_not_pursued_needs_a_reason(make_idea, planner):
    idea = make_idea()
    with pytest.raises(ContributionError):
        operations.do_set_status(planner, idea, IdeaStatus.NOT_PURSUED, "")


def test_status_change_is_public_kept_in_history_and_sent_live(make_idea, planner):
    idea = make_idea()
    operations.do_set_status(planner, idea, IdeaStatus.CONSIDERING, "We are looking at it.")
    operations.do_set_status(planner, idea, IdeaStatus.PLANNED, "It is in next year's budget.")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PLANNED
    assert idea.answer == "It is in next year's budget."
    assert list(idea.status_changes.values_list("status", flat=True)) == [
        "received",
        "considering",
        "planned",
    ]
    assert Event.objects.filter(
        stream=idea.comments_stream, type="idea.status_changed", payload__status="planned"
    ).exists()


def test_supporters_and_followers_are_mailed_once_each_in_their_own_language(
    make_idea, make_user, planner, mailoutbox, django_capture_on_commit_callbacks
):
    author = make_user(name="Author", preferred_language="en")
    idea = make_idea(author=author, title="Lights in the park")
    nynorsk = make_user(preferred_language="nn")
    operations.do_support(nynorsk, idea)
    operations.do_follow(nynorsk, idea)  # supports and follows: still one mail
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        operations.do_set_status(planner, idea, IdeaStatus.DONE, "The lights are up.")
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([author.email, nynorsk.email])
    english = next(m for m in mailoutbox if m.to == [author.email])
    assert "Done" in english.subject
    assert "The lights are up." in english.body
    assert planner.email not in recipients


def test_a_retried_status_mail_task_sends_nothing_more(
    make_idea, planner, mailoutbox, django_capture_on_commit_callbacks
):
    idea = make_idea()
    with django_capture_on_commit_callbacks(execute=True):
        change = operations.do_set_status(planner, idea, IdeaStatus.PLANNED, "Yes")
    sent = len(mailoutbox)
    assert sent == 1
    notify_status_change.call(change.pk)
    assert len(mailoutbox) == sent


# ---------------------------------------------------------------- merging


def test_merge_carries_supports_over_once_per_person(make_idea, make_user, planner):
    keep, duplicate = make_idea(title="Bike racks"), make_idea(title="Bicycle parking")
    both, only_dup, eid_twin_a, eid_twin_b = (make_user() for _ in range(4))
    eid_twin_a.pid_hash = "c" * 64
    eid_twin_a.save()
    for user in (both,):
        operations.do_support(user, keep)
    operations.do_support(eid_twin_a, keep)
    for user in (both, only_dup):
        operations.do_support(user, duplicate)
    # Another account of the same eID person supported the duplicate.
    Support.objects.create(idea=duplicate, user=eid_twin_b, identity_hash="c" * 64)
    Idea.objects.filter(pk=duplicate.pk).update(support_count=3)

    operations.do_merge_ideas(planner, duplicate, keep)

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert keep.support_count == 3  # both, eid person, only_dup
    assert set(Support.objects.filter(idea=keep).values_list("user_id", flat=True)) == {
        both.pk,
        eid_twin_a.pk,
        only_dup.pk,
    }
    assert duplicate.merged_into == keep
    assert duplicate.support_count == 0
    assert not Support.objects.filter(idea=duplicate).exists()
    assert not operations.listed_ideas().filter(pk=duplicate.pk).exists()


def test_followers_of_the_duplicate_follow_the_merged_idea(make_idea, resident, planner):
    keep, duplicate = make_idea(), make_idea()
    operations.do_follow(resident, duplicate)
    operations.do_follow(resident, keep)
    operations.do_merge_ideas(planner, duplicate, keep)
    assert Follow.objects.filter(idea=keep, user=resident).count() == 1
    assert Follow.objects.filter(idea=keep, user=duplicate.author).exists()


def test_an_idea_cannot_be_merged_into_itself_or_twice(make_idea, planner):
    one, two, three = make_idea(), make_idea(), make_idea()
    with pytest.raises(ContributionError):
        operations.do_merge_ideas(planner, one, one)
    operations.do_merge_ideas(planner, one, two)
    with pytest.raises(ContributionError):
        operations.do_merge_ideas(planner, one, three)
    with pytest.raises(ContributionError):
        operations.do_merge_ideas(planner, three, one)


def test_a_merged_idea_can_no_longer_be_supported(make_idea, resident, planner):
    keep, duplicate = make_idea(), make_idea()
    operations.do_merge_ideas(planner, duplicate, keep)
    duplicate.refresh_from_db()
    with pytest.raises(ContributionError):
        operations.do_support(resident, duplicate)
