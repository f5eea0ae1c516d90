"""A comment on a plan section names the section by its heading, not by its anchor."""

from http import HTTPStatus

from django.urls import reverse

from cms.models import PlanPage
from hearings.operations import do_comment
from participation.accounts.models import User


def test_the_section_comment_form_names_the_section_by_its_heading(client, demo_site):
    hearing = PlanPage.objects.get(slug="sentrum-skole-og-park").hearing
    client.force_login(User.objects.get(email="innbygger@demo.medvirkning.no"))

    response = client.get(reverse("hearings:comment", args=[hearing.pk]) + "?seksjon=skole")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Om delen «Ny skole»" in html
    assert "«skole»" not in html


def test_a_section_comment_on_the_plan_page_names_its_section(client, demo_site):
    page = PlanPage.objects.get(slug="sentrum-skole-og-park")
    resident = User.objects.get(email="innbygger@demo.medvirkning.no")
    comment, _created = do_comment(resident, page.hearing, "Hvor mange elever?", section="park")

    html = client.get("/en" + page.url).content.decode()

    article = html[html.index(f'id="comment-{comment.pk}"') :]
    meta = article[: article.index("</p>")]
    assert "on the section \u201cParken\u201d" in meta
    assert "on a section of the plan" not in meta
