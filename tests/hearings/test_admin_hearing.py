from datetime import datetime, time
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from hearings.models import Hearing, IdentityLevel
from hearings.operations import check_hearing_period
from participation.contributions.models import Discussion, ModerationMode
from tests.conftest import PASSWORD

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def planner(make_user):
    return make_user(email="planlegger@example.org", name="Plan Legger", roles=["planner"])


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def form_data(**overrides):
    data = {
        "title": "Reguleringsplan for Parken",
        "case_number": "2026/1234",
        "summary": "Ny skole ved parken.",
        "opens_date": "2026-03-02",
        "opens_time": "",
        "closes_date": "2026-04-20",
        "closes_time": "",
        "identity_level": IdentityLevel.SUBSTANTIAL,
        "comments_allowed": "on",
        "moderation": ModerationMode.PRE,
        "area": "",
        "is_published": "on",
        "is_plan_hearing": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_planner_creates_a_hearing_with_its_discussion_and_a_deadline_at_the_end_of_the_day(
    client, planner
):
    login(client, planner)
    response = client.post(reverse("hearing_admin:add"), form_data())
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    hearing = Hearing.objects.get(case_number="2026/1234")
    assert hearing.opens_at == datetime(2026, 3, 2, 0, 0, tzinfo=OSLO)
    assert hearing.closes_at == datetime(2026, 4, 20, 23, 59, 59, tzinfo=OSLO)
    assert hearing.identity_level == IdentityLevel.SUBSTANTIAL
    assert hearing.is_published and hearing.comments_allowed and hearing.is_plan_hearing
    assert hearing.discussion.kind == Discussion.Kind.HEARING
    assert hearing.discussion.moderation == ModerationMode.PRE
    assert not any(level == "warning" for level, _ in messages_of(response))


def test_a_deadline_with_a_time_is_that_time_in_norway(client, planner):
    login(client, planner)
    client.post(
        reverse("hearing_admin:add"),
        form_data(opens_time="09:00", closes_date="2026-07-01", closes_time="12:00"),
    )
    hearing = Hearing.objects.get()
    # Summer time: 12:00 in Oslo is 10:00 UTC.
    assert hearing.closes_at == datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("UTC"))
    assert hearing.opens_at.astimezone(OSLO).time() == time(9, 0)


def six_week_warning():
    # The admin speaks bokmål unless the planner chose otherwise.
    with translation.override("nb"):
        return str(check_hearing_period(datetime(2026, 1, 1), datetime(2026, 1, 2), True)[0])


def test_a_plan_hearing_shorter_than_six_weeks_is_refused_without_a_reason(client, planner):
    login(client, planner)
    response = client.post(reverse("hearing_admin:add"), form_data(closes_date="2026-03-20"))
    assert response.status_code == HTTPStatus.OK
    assert not Hearing.objects.exists()
    with translation.override("nb"):
        expected = translation.gettext(
            "A plan hearing shorter than six weeks needs a reason. The Planning and "
            "Building Act requires at least six weeks; say why this one is shorter."
        )
    assert expected in response.content.decode()


def test_a_short_plan_hearing_with_a_reason_is_saved_with_a_warning_and_the_reason_shown(
    client, planner, demo_site
):
    from cms.models import HomePage, PlanPage

    login(client, planner)
    reason = "Kort frist fordi saken er en mindre endring etter forrige høring."
    response = client.post(
        reverse("hearing_admin:add"),
        form_data(closes_date="2026-03-20", short_period_reason=reason, case_number="2026/4321"),
    )
    assert response.status_code == HTTPStatus.FOUND
    hearing = Hearing.objects.get(case_number="2026/4321")
    assert hearing.short_period_reason == reason
    assert ("warning", six_week_warning()) in messages_of(response)

    page = PlanPage(
        title="Parken", slug="parken", case_number="2026/4321", intro="Ny park.", hearing=hearing
    )
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    client.logout()
    html = client.get(page.url).content.decode()
    assert reason in html
    with translation.override("nb"):
        assert translation.gettext("Hearing period shorter than six weeks") in html


def test_a_six_week_hearing_does_not_show_an_old_reason(client, planner, make_hearing):
    hearing = make_hearing("open", short_period_reason="Gammel begrunnelse")
    assert not hearing.has_short_plan_period
    html = client.get(reverse("hearings:submissions", args=[hearing.pk])).content.decode()
    assert "Gammel begrunnelse" not in html


def test_a_short_hearing_that_is_not_a_plan_hearing_gets_no_warning(client, planner):
    login(client, planner)
    response = client.post(
        reverse("hearing_admin:add"), form_data(closes_date="2026-03-20", is_plan_hearing=None)
    )
    assert Hearing.objects.get().is_plan_hearing is False
    assert not [text for level, text in messages_of(response) if level == "warning"]


def test_a_deadline_before_the_opening_is_refused_with_the_form_kept(client, planner):
    login(client, planner)
    response = client.post(reverse("hearing_admin:add"), form_data(closes_date="2026-03-01"))
    assert response.status_code == HTTPStatus.OK
    assert not Hearing.objects.exists()
    with translation.override("nb"):
        expected = translation.gettext("The deadline must be after the opening.")
    assert expected in response.content.decode()


def test_planner_edits_a_hearing_and_the_discussion_follows(client, planner, make_hearing):
    hearing = make_hearing("open")
    login(client, planner)
    page = client.get(reverse("hearing_admin:edit", args=[hearing.pk]))
    assert page.status_code == HTTPStatus.OK
    response = client.post(
        reverse("hearing_admin:edit", args=[hearing.pk]),
        form_data(title="Nytt navn", moderation=ModerationMode.POST, closes_date="2026-05-15"),
    )
    assert response.status_code == HTTPStatus.FOUND
    hearing.refresh_from_db()
    hearing.discussion.refresh_from_db()
    assert hearing.title == "Nytt navn"
    assert hearing.discussion.title == "Nytt navn"
    assert hearing.discussion.moderation == ModerationMode.POST
    assert hearing.closes_at == datetime(2026, 5, 15, 23, 59, 59, tzinfo=OSLO)
    assert Discussion.objects.count() == 1


def test_hearing_list_shows_the_submission_count_linked_to_the_workspace(
    client, planner, make_hearing
):
    hearing = make_hearing("open", title="Kommuneplanen")
    login(client, planner)
    response = client.get(reverse("hearing_admin:index"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Kommuneplanen" in html
    assert reverse("hearings_review:workspace", args=[hearing.pk]) in html


def test_hearing_list_counts_the_submissions_instead_of_saying_none(
    client, planner, make_hearing, make_user
):
    from bs4 import BeautifulSoup

    from hearings.operations import do_submit

    hearing = make_hearing("open", title="Kommuneplanen")
    for n in range(2):
        do_submit(make_user(email=f"r{n}@example.org"), hearing, "Jeg har en mening.")
    login(client, planner)

    html = client.get(reverse("hearing_admin:index")).content.decode()

    table = BeautifulSoup(html, "html.parser").find("table", class_="listing")
    link = table.find("a", href=reverse("hearings_review:workspace", args=[hearing.pk]))
    assert link.get_text(strip=True) == "2"
    assert "None" not in table.get_text()


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_other_staff_cannot_list_create_or_edit_hearings(client, make_user, make_hearing, role):
    hearing = make_hearing("open", title="Hemmelig utkast")
    login(client, make_user(roles=[role]))
    for url in (
        reverse("hearing_admin:index"),
        reverse("hearing_admin:add"),
        reverse("hearing_admin:edit", args=[hearing.pk]),
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response.url == reverse("wagtailadmin_home")
    response = client.post(reverse("hearing_admin:add"), form_data())
    assert not Hearing.objects.filter(case_number="2026/1234").exists()
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("hearing_admin:index") not in menu


def test_residents_and_anonymous_visitors_are_sent_to_the_login(client, make_user):
    url = reverse("hearing_admin:add")
    assert reverse("wagtailadmin_login") in client.get(url).url
    login(client, make_user())
    assert reverse("wagtailadmin_login") in client.get(url).url
    client.post(url, form_data())
    assert not Hearing.objects.exists()
