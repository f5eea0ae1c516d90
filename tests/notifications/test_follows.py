import re
from http import HTTPStatus

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from hearings.models import Hearing
from ideabank.models import Topic
from participation.notifications import operations
from participation.notifications.models import (
    DEFAULT_FREQUENCY,
    Follow,
    Frequency,
    NotificationKind,
    NotificationSetting,
)
from tests.ideabank.conftest import make_idea  # noqa: F401  (shared fixture)

POLITICIAN_DIGEST = NotificationKind.POLITICIAN_DIGEST


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Skule", slug="skule", official=True)


@pytest.fixture
def targets(make_hearing, make_idea, topic, make_area):  # noqa: F811
    return {
        "hearing": make_hearing(title="Reguleringsplan for Torget"),
        "idea": make_idea(title="Benkar i parken"),
        "topic": topic,
        "area": make_area("Sentrum", "sentrum"),
    }


def follow_url(name, kind, pk, language="nb"):
    with translation.override(language):
        return reverse(f"follows:{name}", args=[kind, pk])


def index_url(language="nb"):
    with translation.override(language):
        return reverse("follows:index")


# ---------------------------------------------------------------- operations


@pytest.mark.parametrize("kind", ["hearing", "idea", "topic", "area"])
def test_following_any_target_is_idempotent_and_unfollowing_removes_it(kind, targets, resident):
    target = targets[kind]

    assert operations.do_follow(resident, target) is True
    assert operations.do_follow(resident, target) is False
    assert Follow.objects.filter(user=resident, **{kind: target}).count() == 1
    assert operations.is_following(resident, target)

    assert operations.do_unfollow(resident, target) is True
    assert operations.do_unfollow(resident, target) is False
    assert not Follow.objects.filter(user=resident, **{kind: target}).exists()


@pytest.mark.parametrize("kind", ["hearing", "idea", "topic", "area"])
def test_an_anonymous_visitor_can_not_follow(kind, targets):
    from django.contrib.auth.models import AnonymousUser

    before = Follow.objects.count()  # the idea's author follows it
    with pytest.raises(operations.FollowLoginRequired):
        operations.do_follow(AnonymousUser(), targets[kind])
    assert Follow.objects.count() == before


def test_following_something_else_is_a_programming_error(resident):
    with pytest.raises(TypeError):
        operations.do_follow(resident, resident)


def test_the_database_refuses_a_second_follow_of_the_same_thing(resident, topic):
    operations.do_follow(resident, topic)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=resident, topic=topic)


def test_the_idea_banks_follow_uses_the_same_rows(make_idea, resident):  # noqa: F811
    from ideabank import operations as ideabank

    idea = make_idea()
    assert ideabank.do_follow(resident, idea) is True
    assert operations.do_follow(resident, idea) is False
    assert ideabank.do_unfollow(resident, idea) is True
    assert not operations.is_following(resident, idea)


def test_frequency_falls_back_to_the_default_until_the_person_chooses(resident):
    kind = NotificationKind.NEW_HEARING
    assert operations.frequency_for(resident, kind) == DEFAULT_FREQUENCY[kind]

    operations.do_set_frequencies(resident, {kind: Frequency.WEEKLY})

    assert operations.frequency_for(resident, kind) == Frequency.WEEKLY
    assert operations.frequency_for(resident.pk, kind) == Frequency.WEEKLY


def test_frequencies_for_many_people_is_one_query(make_user, django_assert_num_queries):
    people = [make_user() for _ in range(5)]
    operations.do_set_frequencies(people[0], {NotificationKind.REPLY: Frequency.NEVER})
    operations.do_set_frequencies(people[1], {NotificationKind.REPLY: Frequency.DAILY})
    operations.do_set_frequencies(people[2], {NotificationKind.MODERATION: Frequency.NEVER})

    with django_assert_num_queries(1):
        result = operations.frequencies_for([p.pk for p in people], NotificationKind.REPLY)

    assert result == {
        people[0].pk: Frequency.NEVER,
        people[1].pk: Frequency.DAILY,
        people[2].pk: Frequency.IMMEDIATE,
        people[3].pk: Frequency.IMMEDIATE,
        people[4].pk: Frequency.IMMEDIATE,
    }
    with django_assert_num_queries(0):
        assert operations.frequencies_for([], NotificationKind.REPLY) == {}


def test_setting_a_frequency_twice_keeps_one_row(resident):
    operations.do_set_frequencies(resident, {NotificationKind.REPLY: Frequency.DAILY})
    operations.do_set_frequencies(resident, {NotificationKind.REPLY: Frequency.NEVER})

    assert NotificationSetting.objects.filter(user=resident).count() == 1
    assert operations.frequency_for(resident, NotificationKind.REPLY) == Frequency.NEVER


def test_only_politicians_choose_the_politicians_digest_and_never_at_once(resident, make_user):
    politician = make_user(roles=["politician"])

    with pytest.raises(operations.FollowError):
        operations.do_set_frequencies(resident, {POLITICIAN_DIGEST: Frequency.DAILY})
    with pytest.raises(operations.FollowError):
        operations.do_set_frequencies(politician, {POLITICIAN_DIGEST: Frequency.IMMEDIATE})
    with pytest.raises(operations.FollowError):
        operations.do_set_frequencies(resident, {NotificationKind.REPLY: "hourly"})
    assert not NotificationSetting.objects.exists()

    operations.do_set_frequencies(politician, {POLITICIAN_DIGEST: Frequency.DAILY})
    assert operations.frequency_for(politician, POLITICIAN_DIGEST) == Frequency.DAILY


# ---------------------------------------------------------------- the follow endpoints


@pytest.mark.parametrize("kind", ["hearing", "idea", "topic", "area"])
def test_a_double_click_on_follow_is_one_row_and_unfollow_removes_it(
    kind, targets, client, resident
):
    target = targets[kind]
    client.force_login(resident)
    next_url = "/ideer/?tema=skule"

    first = client.post(follow_url("follow", kind, target.pk), {"next": next_url})
    second = client.post(follow_url("follow", kind, target.pk), {"next": next_url})

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert first["Location"] == next_url
    assert Follow.objects.filter(user=resident, **{kind: target}).count() == 1

    client.post(follow_url("unfollow", kind, target.pk), {"next": next_url})
    assert not Follow.objects.filter(user=resident).exists()


def test_the_message_is_in_the_language_of_the_page(client, resident, topic):
    client.force_login(resident)

    response = client.post(follow_url("follow", "topic", topic.pk, "en"), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["You follow the topic “Skule”."]


def test_an_anonymous_follow_goes_to_the_login_and_back(client, topic):
    response = client.post(follow_url("follow", "topic", topic.pk), {"next": "/ideer/"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fideer%2F" in response["Location"]
    assert not Follow.objects.exists()


def test_a_get_never_follows_it_asks_with_one_button(client, resident, topic):
    client.force_login(resident)

    response = client.get(follow_url("follow", "topic", topic.pk), {"next": "/ideer/"})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'action="{follow_url("follow", "topic", topic.pk)}"' in html
    assert 'value="/ideer/"' in html
    assert not Follow.objects.exists()


def test_an_anonymous_visitor_who_logs_in_to_follow_lands_on_the_follow_button(
    client, resident, make_hearing, plan_page
):
    from tests.conftest import PASSWORD

    hearing = make_hearing()
    page = plan_page(hearing)
    html = client.get(page.url).content.decode()
    login_link = re.search(r'href="(/accounts/login/\?next=%2Fvarsler%2Ffolg[^"]+)"', html).group(1)

    response = client.post(
        login_link.replace("&amp;", "&"),
        {"login": resident.email, "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0].startswith(follow_url("follow", "hearing", hearing.pk))
    response = client.post(
        follow_url("follow", "hearing", hearing.pk), {"next": response.context["next"]}
    )
    assert Follow.objects.filter(user=resident, hearing=hearing).exists()
    assert response["Location"].startswith(page.url)


def test_a_foreign_next_address_is_ignored(client, resident, topic):
    client.force_login(resident)

    response = client.post(
        follow_url("follow", "topic", topic.pk), {"next": "https://evil.example/"}
    )

    assert response["Location"] == index_url()


def test_a_draft_hearing_or_an_unknown_target_can_not_be_followed(client, resident, make_hearing):
    draft = make_hearing(phase="draft")
    client.force_login(resident)

    assert client.post(follow_url("follow", "hearing", draft.pk)).status_code == 404
    assert client.post(follow_url("follow", "topic", 999_999)).status_code == 404
    assert client.post(follow_url("follow", "planet", 1)).status_code == 404
    assert not Follow.objects.exists()


# ---------------------------------------------------------------- buttons on the pages


def test_one_click_follow_on_the_plan_page(client, resident, make_hearing, plan_page):
    hearing = make_hearing()
    page = plan_page(hearing)
    client.force_login(resident)

    html = client.get(page.url).content.decode()
    action = follow_url("follow", "hearing", hearing.pk)
    assert f'action="{action}"' in html
    assert "Følg denne høringen" in html or "Follow this hearing" in html

    response = client.post(action, {"next": page.url}, follow=True)

    assert Follow.objects.filter(user=resident, hearing=hearing).exists()
    html = response.content.decode()
    assert f'action="{follow_url("unfollow", "hearing", hearing.pk)}"' in html


def test_the_plan_page_shows_the_hearings_topics(client, make_hearing, plan_page, topic):
    hearing = make_hearing()
    hearing.topics.add(topic)
    html = client.get(plan_page(hearing).url).content.decode()
    assert "Skule" in html
    assert "?topic=skule" in html


def test_an_anonymous_visitor_sees_a_login_link_instead_of_a_button(
    client, make_hearing, plan_page
):
    hearing = make_hearing()
    page = plan_page(hearing)

    html = client.get(page.url).content.decode()

    assert follow_url("follow", "hearing", hearing.pk) not in html
    assert f"{reverse('account_login')}?next=" in html


def test_one_click_follow_on_the_hearings_own_page(client, resident, make_hearing):
    hearing = make_hearing()
    client.force_login(resident)
    page = reverse("hearings:submissions", args=[hearing.pk])

    assert (
        f'action="{follow_url("follow", "hearing", hearing.pk)}"'
        in client.get(page).content.decode()
    )


def test_one_click_follow_on_the_idea_page(client, resident, make_idea):  # noqa: F811
    idea = make_idea()
    client.force_login(resident)
    page = reverse("ideabank:detail", args=[idea.pk])

    action = follow_url("follow", "idea", idea.pk)
    assert f'action="{action}"' in client.get(page).content.decode()
    client.post(action, {"next": page})

    assert Follow.objects.filter(user=resident, idea=idea).exists()
    assert (
        f'action="{follow_url("unfollow", "idea", idea.pk)}"' in client.get(page).content.decode()
    )


def test_the_idea_list_filtered_by_topic_and_area_offers_to_follow_them(
    client, resident, topic, make_area
):
    area = make_area("Sentrum", "sentrum")
    client.force_login(resident)

    html = client.get(reverse("ideabank:list"), {"topic": "skule", "area": "sentrum"}).content
    html = html.decode()

    assert f'action="{follow_url("follow", "topic", topic.pk)}"' in html
    assert f'action="{follow_url("follow", "area", area.pk)}"' in html

    unfiltered = client.get(reverse("ideabank:list")).content.decode()
    assert follow_url("follow", "topic", topic.pk) not in unfiltered


def test_buttons_cost_one_query_however_many_there_are(
    client, resident, make_hearing, plan_page, django_assert_num_queries
):
    from django.template import Context, Template
    from django.test import RequestFactory

    hearings = [make_hearing() for _ in range(4)]
    operations.do_follow(resident, hearings[0])
    request = RequestFactory().get("/")
    request.user = resident
    template = Template(
        "{% load follows %}{% for h in hearings %}{% follow_button h %}{% endfor %}"
    )

    with django_assert_num_queries(1):
        html = template.render(
            Context({"request": request, "user": resident, "hearings": hearings})
        )

    assert html.count("follows/slutt/") + html.count("/varsler/slutt/") == 1
    assert html.count("/varsler/folg/") == 3


def test_buttons_for_an_anonymous_visitor_cost_no_query(
    client, make_hearing, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template
    from django.test import RequestFactory

    hearing = make_hearing()
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    template = Template("{% load follows %}{% follow_button hearing %}")

    with django_assert_num_queries(0):
        html = template.render(
            Context({"request": request, "user": request.user, "hearing": hearing})
        )

    assert "/accounts/login/?next=%2F" in html


# ---------------------------------------------------------------- the follows page


def test_the_follows_page_needs_login(client, db):
    response = client.get(index_url())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_the_follows_page_lists_follows_by_kind_with_links_and_unfollow_buttons(
    client, resident, targets, plan_page
):
    page = plan_page(targets["hearing"])
    for target in targets.values():
        operations.do_follow(resident, target)
    client.force_login(resident)

    html = client.get(index_url(language="en")).content.decode()

    assert "Reguleringsplan for Torget" in html
    assert f'href="{page.url}"' in html
    assert "Benkar i parken" in html
    assert 'href="/en/ideer/?topic=skule"' in html or 'href="/ideer/?topic=skule"' in html
    assert "Sentrum" in html
    for kind, target in targets.items():
        assert f'action="{follow_url("unfollow", kind, target.pk, "en")}"' in html


def test_the_settings_are_saved_and_shown(client, resident):
    client.force_login(resident)
    data = {kind: Frequency.IMMEDIATE for kind in operations.kinds_for(resident)}
    data[NotificationKind.NEW_HEARING] = Frequency.WEEKLY
    data[NotificationKind.REPLY] = Frequency.NEVER

    response = client.post(index_url(language="en"), data, follow=True)

    html = response.content.decode()
    assert "Your notification settings are saved." in html
    assert operations.frequency_for(resident, NotificationKind.NEW_HEARING) == Frequency.WEEKLY
    assert operations.frequency_for(resident, NotificationKind.REPLY) == Frequency.NEVER
    assert 'name="new_hearing" value="weekly" id="id_new_hearing_2" checked' in html


def test_the_page_has_a_fieldset_and_legend_per_kind(client, resident):
    client.force_login(resident)

    html = client.get(index_url(language="en")).content.decode()

    assert html.count("<fieldset") == len(NotificationKind) - 1
    assert html.count("<legend") == len(NotificationKind) - 1
    assert str(NotificationKind.REPLY.label) in html


def test_residents_do_not_see_the_politicians_digest(client, resident):
    client.force_login(resident)

    html = client.get(index_url(language="en")).content.decode()
    assert 'name="politician_digest"' not in html

    client.post(index_url(), {POLITICIAN_DIGEST: Frequency.DAILY})
    assert not NotificationSetting.objects.filter(kind=POLITICIAN_DIGEST).exists()


def test_politicians_choose_their_digest_daily_weekly_or_never(client, make_user):
    politician = make_user(roles=["politician"])
    client.force_login(politician)

    html = client.get(index_url(language="en")).content.decode()

    assert 'name="politician_digest" value="weekly"' in html
    assert 'name="politician_digest" value="immediate"' not in html
    data = {kind: Frequency.NEVER for kind in operations.kinds_for(politician)}
    data[POLITICIAN_DIGEST] = Frequency.DAILY
    client.post(index_url(), data)
    assert operations.frequency_for(politician, POLITICIAN_DIGEST) == Frequency.DAILY


def test_a_tampered_choice_shows_an_error_and_keeps_the_rest(client, resident):
    client.force_login(resident)
    data = {kind: Frequency.DAILY for kind in operations.kinds_for(resident)}
    data[NotificationKind.REPLY] = "hourly"

    response = client.post(index_url(language="en"), data)

    assert response.status_code == HTTPStatus.OK
    assert not NotificationSetting.objects.exists()
    html = response.content.decode()
    assert 'name="moderation" value="daily" id="id_moderation_1" checked' in html


def test_the_page_is_in_nynorsk_at_the_nynorsk_address(client, resident):
    client.force_login(resident)

    response = client.get(index_url(language="nn"))

    assert response.status_code == HTTPStatus.OK
    assert '<html lang="nn"' in response.content.decode()


def test_the_profile_and_the_menu_link_to_the_follows_page(client, resident):
    client.force_login(resident)

    html = client.get(reverse("profile")).content.decode()

    # In the person's own language (whatever the address).
    assert html.count('varsler/"') >= 2


def test_a_logged_in_plan_page_asks_once_what_the_person_follows(
    client, resident, make_hearing, plan_page, topic
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hearing = make_hearing()
    hearing.topics.add(topic)
    page = plan_page(hearing)
    operations.do_follow(resident, topic)
    client.force_login(resident)
    client.get(page.url)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(page.url).content.decode()

    follow_table = Follow._meta.db_table
    assert sum(follow_table in q["sql"] for q in queries.captured_queries) == 1
    assert f'action="{follow_url("follow", "hearing", hearing.pk)}"' in html


# ---------------------------------------------------------------- topics in the planner's form


def test_the_planner_gives_a_hearing_topics_and_the_plan_page_shows_them_at_once(
    client, make_user, make_hearing, plan_page, topic
):
    from tests.hearings.test_admin_hearing import form_data

    free_tag = Topic.objects.create(name="Fritt merke", slug="fritt-merke", official=False)
    planner = make_user(roles=["planner"])
    client.force_login(planner)

    form = client.get(reverse("hearing_admin:add")).content.decode()
    assert "Skule" in form
    assert "Fritt merke" not in form

    client.post(reverse("hearing_admin:add"), form_data(case_number="2026/7777", topics=[topic.pk]))
    hearing = Hearing.objects.get(case_number="2026/7777")
    assert list(hearing.topics.all()) == [topic]
    refused = client.post(
        reverse("hearing_admin:add"), form_data(case_number="2026/9", topics=[free_tag.pk])
    )
    assert refused.status_code == HTTPStatus.OK

    page = plan_page(hearing)
    assert "?topic=skule" in client.get(page.url).content.decode()
    other = Topic.objects.create(name="Veg", slug="veg")
    response = client.post(
        reverse("hearing_admin:edit", args=[hearing.pk]),
        form_data(case_number="2026/7777", topics=[other.pk]),
    )
    assert response.status_code == HTTPStatus.FOUND
    html = client.get(page.url).content.decode()
    assert "?topic=veg" in html
    assert "?topic=skule" not in html


def test_the_map_filtered_by_area_offers_to_follow_it(client, resident, make_area):
    area = make_area("Sentrum", "sentrum")
    client.force_login(resident)

    html = client.get(reverse("ideabank:map"), {"area": "sentrum"}).content.decode()

    assert f'action="{follow_url("follow", "area", area.pk)}"' in html


def test_the_plan_page_links_to_the_hearings_area_where_it_can_be_followed(
    client, resident, make_hearing, plan_page, make_area
):
    area = make_area("Nordbyen", "nordbyen")
    page = plan_page(make_hearing(area=area))
    client.force_login(resident)

    html = client.get(page.url).content.decode()
    assert f'href="{reverse("ideabank:list")}?area=nordbyen"' in html

    listing = client.get(reverse("ideabank:list"), {"area": "nordbyen"}).content.decode()
    assert f'action="{follow_url("follow", "area", area.pk)}"' in listing
