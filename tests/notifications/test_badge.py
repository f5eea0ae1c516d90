"""The "elected representative" badge on a politician's own comments: on plan pages, idea pages
and comments that arrive live; shown only for the politician role with a party/role set."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from hearings.operations import do_comment
from hearings.views import comment_page as hearing_comment_page
from ideabank.operations import do_comment_on_idea, do_post_idea
from ideabank.views import comment_page as idea_comment_page
from participation.contributions.models import Contribution
from participation.contributions.operations import public_event_payload
from participation.live.models import Event

ROLE = "Ap, bystyret"


@pytest.fixture
def politician(make_user):
    return make_user(
        email="ola@example.org", name="Ola Folkevalgt", roles=("politician",), political_role=ROLE
    )


def badges(html: str) -> list[str]:
    """The text of every badge on the page, tags removed."""
    found = re.findall(r'<span class="author-badge" id="[^"]+">(.*?)</span></span>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", b).split()) for b in found]


def test_a_politicians_comment_on_a_plan_page_says_elected_representative_and_the_role(
    client, make_hearing, make_user, plan_page, politician
):
    hearing = make_hearing()
    page = plan_page(hearing)
    resident = make_user(email="kari@example.org", name="Kari Nordmann")
    first, _ = do_comment(resident, hearing, "Jeg lurer på trafikken.")
    answer, _ = do_comment(politician, hearing, "Vi ser på det.", parent=first)
    own, _ = do_comment(politician, hearing, "Et eget innlegg.")

    html = client.get(page.url).content.decode()

    # Words, not colour: the label and the party/role, on the reply and the top-level comment.
    assert len(badges(html)) == 2
    assert all(ROLE in b for b in badges(html))
    # Screen readers hear it with the name when they move by article.
    for comment in (answer, own):
        assert f'aria-labelledby="comment-{comment.pk}-h comment-{comment.pk}-badge"' in html
    assert f'aria-labelledby="comment-{first.pk}-h"' in html


def test_no_badge_without_both_the_politician_role_and_a_party_role(
    client, make_hearing, make_user, plan_page
):
    hearing = make_hearing()
    page = plan_page(hearing)
    claims_a_role = make_user(email="a@example.org", political_role="Selvutnevnt")
    no_role = make_user(email="b@example.org", roles=("politician",))
    do_comment(claims_a_role, hearing, "Jeg er ikke folkevalgt.")
    do_comment(no_role, hearing, "Jeg har ingen rolle satt.")

    html = client.get(page.url).content.decode()

    assert badges(html) == []
    assert "Selvutnevnt" not in html


def test_a_politicians_comment_on_an_idea_has_the_badge(client, make_user, politician):
    resident = make_user(email="kari@example.org", name="Kari Nordmann")
    idea, _ = do_post_idea(resident, title="Benker i parken", body="Flere benker.")
    first, _ = do_comment_on_idea(resident, idea, "Enig!")
    do_comment_on_idea(politician, idea, "Jeg tar det opp i utvalget.", parent=first)
    do_comment_on_idea(politician, idea, "Og en egen kommentar.")

    with translation.override("en"):
        url = reverse("ideabank:detail", args=[idea.pk])
    html = client.get(url).content.decode()

    assert badges(html) == [f", Elected representative {ROLE}"] * 2


def test_a_live_comment_carries_the_badge_and_the_page_can_show_it(
    client, make_hearing, make_user, plan_page, politician
):
    hearing = make_hearing()
    page = plan_page(hearing)
    resident = make_user(email="kari@example.org")
    do_comment(politician, hearing, "Live fra bystyret.")
    do_comment(resident, hearing, "Et svar.")

    payloads = [
        e.payload
        for e in Event.objects.filter(
            stream=hearing.discussion.stream, type="contribution.published"
        ).order_by("id")
    ]
    assert [p["author_badge"] for p in payloads] == [ROLE, ""]
    # The live template has a hidden badge with the words, for live.js to fill and show.
    html = client.get(page.url).content.decode()
    template = re.search(r'<template data-live-template="comment">.*?</template>', html, re.S)
    assert 'data-field="badge" hidden' in template.group(0)
    assert 'data-field="badge-role"' in template.group(0)


def test_a_comment_published_by_a_moderator_carries_the_badge_too(make_hearing, politician):
    hearing = make_hearing()
    comment, _ = do_comment(politician, hearing, "Venter på moderator.")
    # As the moderation queue loads it: the author is not loaded with the contribution.
    fresh = Contribution.objects.get(pk=comment.pk).comment

    assert public_event_payload(fresh)["author_badge"] == ROLE


@override_settings(LANGUAGE_CODE="en")
@pytest.mark.parametrize("page", ["hearing", "idea"])
def test_the_badge_costs_no_query_per_comment(
    page, make_hearing, make_user, politician, django_assert_num_queries
):
    resident = make_user(email="kari@example.org")

    def fill(n):
        if page == "hearing":
            hearing = make_hearing()
            for i in range(n):
                top, _ = do_comment(politician if i % 2 else resident, hearing, f"K {i}")
                do_comment(politician, hearing, f"Svar {i}", parent=top)
            return lambda: hearing_comment_page(hearing, 1)
        idea, _ = do_post_idea(resident, title=f"Idé {n}", body="Flere benker.")
        for i in range(n):
            top, _ = do_comment_on_idea(politician if i % 2 else resident, idea, f"K {i}")
            do_comment_on_idea(politician, idea, f"Svar {i}", parent=top)
        return lambda: idea_comment_page(idea, 1)

    for make_page in (fill(2), fill(30)):
        # The count, the page of comments, their replies: the badge is in the same queries.
        with django_assert_num_queries(3):
            shown = make_page()
            tops = list(shown)
            replies = [r for c in tops for r in c.published_replies]
        assert {c.author_badge for c in tops} == {ROLE, ""}
        assert {r.author_badge for r in replies} == {ROLE}
