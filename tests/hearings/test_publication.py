"""What is public about a hearing, and when: one rule for the municipality's responses (public
only once the planner publishes them) and one for draft hearings (planners only), asked by
every page, stream and feed."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from hearings.permissions import can_view_hearing, visible_hearings
from hearings.review import do_publish_responses, do_review_submission
from participation.contributions.permissions import can_view_discussion
from participation.contributions.streams import authorise_discussion
from tests.hearings.review_helpers import make_submission
from tests.plans import publish_plan_page

DRAFT_RESPONSE = "Utkast: parken skal bygges ned."


@pytest.fixture
def plan_page(demo_site):
    return publish_plan_page


@pytest.fixture
def planner(make_user):
    return make_user(email="planlegger@example.org", name="Plan Legger", roles=["planner"])


@pytest.fixture
def answered(make_hearing, planner):
    """A closed hearing with a submission the planner has answered, not yet published."""
    hearing = make_hearing("closed", title="Reguleringsplan Parken")
    submission = make_submission(hearing, "Bevar parken.", author_name="Kari Nordmann")
    do_review_submission(
        planner, submission, themes=[], summary="", response=DRAFT_RESPONSE, name_withheld=False
    )
    return hearing, submission


def public_pages(hearing, submission, plan_page):
    return {
        "plan page": plan_page(hearing).url,
        "hearing page": reverse("hearings:submissions", args=[hearing.pk]),
        "submission page": reverse("hearings:submission", args=[hearing.pk, submission.pk]),
    }


# ---------------------------------------------------------------- responses


@pytest.mark.parametrize("reader", ["anonymous", "resident", "planner"])
def test_a_draft_response_is_on_no_public_page_for_any_reader(
    client, answered, plan_page, make_user, planner, reader
):
    hearing, submission = answered
    if reader == "resident":
        client.force_login(make_user(name="Leser"))
    elif reader == "planner":
        client.force_login(planner)
    for name, url in public_pages(hearing, submission, plan_page).items():
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, name
        html = response.content.decode()
        assert "Bevar parken." in html, name
        assert DRAFT_RESPONSE not in html, name


def test_published_responses_appear_beside_the_submission_on_every_public_page(
    client, answered, plan_page, planner, django_capture_on_commit_callbacks
):
    hearing, submission = answered
    pages = public_pages(hearing, submission, plan_page)
    for url in pages.values():
        client.get(url)  # cached for readers without a session, before publishing
    with django_capture_on_commit_callbacks(execute=True):
        do_publish_responses(planner, hearing)
    for name, url in pages.items():
        assert DRAFT_RESPONSE in client.get(url).content.decode(), name


def test_a_response_edited_after_publishing_is_shown_at_once_on_cached_pages(
    client, answered, plan_page, planner, django_capture_on_commit_callbacks
):
    from hearings.models import Submission

    hearing, submission = answered
    with django_capture_on_commit_callbacks(execute=True):
        do_publish_responses(planner, hearing)
    pages = public_pages(hearing, submission, plan_page)
    for name, url in pages.items():
        assert DRAFT_RESPONSE in client.get(url).content.decode(), name

    with django_capture_on_commit_callbacks(execute=True):
        do_review_submission(
            planner,
            Submission.objects.get(pk=submission.pk),
            themes=[],
            summary="",
            response="Parken bevares likevel.",
            name_withheld=False,
        )
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert "Parken bevares likevel." in html and DRAFT_RESPONSE not in html, name


def test_a_response_to_a_submission_that_is_not_public_is_not_public(answered, planner):
    hearing, submission = answered
    do_publish_responses(planner, hearing)
    submission.refresh_from_db()
    assert submission.public_response == DRAFT_RESPONSE
    submission.state = submission.State.HIDDEN
    assert submission.public_response == ""


# ---------------------------------------------------------------- draft hearings


@pytest.fixture
def draft(make_hearing):
    return make_hearing("draft", title="Hemmelig utkast")


@pytest.mark.parametrize(
    ("role", "sees"),
    [("anonymous", False), ("resident", False), ("moderator", False), ("editor", False),
     ("planner", True)],
)  # fmt: skip
def test_a_draft_hearing_is_seen_by_planners_only_on_every_page_and_stream(
    client, draft, plan_page, make_user, role, sees
):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if role == "anonymous" else make_user(
        roles=() if role == "resident" else (role,)
    )  # fmt: skip
    if role != "anonymous":
        client.force_login(user)
    page = plan_page(draft)

    plan_html = client.get(page.url).content.decode()
    hearing_status = client.get(reverse("hearings:submissions", args=[draft.pk])).status_code
    answers = {
        "predicate": can_view_hearing(user, draft),
        "queryset": visible_hearings(user).filter(pk=draft.pk).exists(),
        "plan page": f'data-live-stream="{draft.discussion.stream}"' in plan_html,
        "hearing page": hearing_status == HTTPStatus.OK,
        "discussion": can_view_discussion(user, draft.discussion),
        "live stream": authorise_discussion(user, str(draft.discussion_id)),
    }
    assert answers == dict.fromkeys(answers, sees)
    if not sees:
        assert hearing_status == HTTPStatus.NOT_FOUND


def test_feeds_and_calendars_never_list_a_draft_hearing(client, draft, make_user):
    client.force_login(make_user(roles=("planner",)))  # feeds are public, whoever asks
    for name in ("hearings", "hearings_rss", "deadlines"):
        assert (
            "Hemmelig utkast" not in client.get(reverse(f"notifications:{name}")).content.decode()
        )
    response = client.get(reverse("notifications:hearing_submissions", args=[draft.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_hearings_ideas_and_initiatives_ask_one_rule_for_the_text_as_written():
    import hearings.permissions
    import ideabank.permissions
    import initiatives.permissions
    from participation.contributions import permissions as core

    for module in (hearings.permissions, ideabank.permissions, initiatives.permissions):
        assert module.can_see_original is core.can_see_original, module.__name__


def test_the_senders_own_privacy_export_shows_the_response_only_once_published(
    answered, planner, make_user
):
    from participation.accounts.privacy.contributions import export_contributions

    hearing, submission = answered
    sender = make_user(name="Kari Nordmann")
    submission.author = sender
    submission.save(update_fields=["author"])

    assert DRAFT_RESPONSE not in str(export_contributions(sender))
    do_publish_responses(planner, hearing)
    assert DRAFT_RESPONSE in str(export_contributions(sender))
