"""Planners create and edit the plan page a hearing belongs to, and no other pages."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.models import HomePage, PlanPage, StandardPage


@pytest.fixture
def planner(demo_site, make_user):
    return make_user(email="planlegger@kommune.example", roles=["planner"])


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


def assert_refused(response):
    # Wagtail's admin answers a PermissionDenied with its "no permission" message at home.
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("wagtailadmin_home")


def test_a_planner_opens_the_page_tree(planner, client):
    client.force_login(planner)

    assert client.get(reverse("wagtailadmin_explore_root")).status_code == HTTPStatus.OK


def test_a_planner_creates_and_publishes_a_plan_page(planner, client):
    home = HomePage.objects.get()
    client.force_login(planner)
    assert client.get(add_url(PlanPage, home)).status_code == HTTPStatus.OK

    data = nested_form_data(
        {
            "title": "Kommunedelplan for Nordbyen",
            "slug": "nordbyen",
            "plan_type": PlanPage.PlanType.SUB,
            "case_number": "2026/555",
            "intro": "Ny plan for boliger og grøntområder i Nordbyen.",
            "current_phase": PlanPage.PlanPhase.NOTICE,
            "phase_dates": streamfield([]),
            "body": streamfield([]),
            "documents": streamfield([]),
            "plan_area": "",
            "hearing": "",
            "comments": {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            },
            "action-publish": "action-publish",
        }
    )
    response = client.post(add_url(PlanPage, home), data)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[-3000:]
    page = PlanPage.objects.get(slug="nordbyen")
    assert page.live
    assert "Ny plan for boliger" in client.get(page.url).content.decode()


def test_a_planner_edits_a_plan_page_but_no_other_page(planner, client):
    client.force_login(planner)
    plan = PlanPage.objects.first()
    edit = "wagtailadmin_pages:edit"

    assert client.get(reverse(edit, args=[plan.pk])).status_code == HTTPStatus.OK
    for other in (HomePage.objects.get(), StandardPage.objects.first()):
        assert_refused(client.get(reverse(edit, args=[other.pk])))


def test_a_planner_may_not_create_other_kinds_of_page(planner, client):
    client.force_login(planner)

    response = client.get(add_url(StandardPage, HomePage.objects.get()))

    assert_refused(response)
    assert not StandardPage.objects.exclude(slug="om-tjenesten").exists()


def test_a_planner_may_not_put_a_plan_page_outside_the_site(planner, client):
    from wagtail.models import Page

    client.force_login(planner)

    assert_refused(client.get(add_url(PlanPage, Page.get_first_root_node())))
