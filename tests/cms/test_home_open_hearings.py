"""The front page says where a resident can have a say: open hearings first, with the
deadline and the days left, the one closing first first."""

from datetime import timedelta
from http import HTTPStatus

from django.utils import timezone

from cms.models import HomePage, PlanPage
from hearings.operations import do_create_hearing


def _plan_with_hearing(title, slug, opens_in_days, closes_in_days):
    now = timezone.now()
    hearing = do_create_hearing(
        title=title,
        case_number=f"2026/{abs(hash(slug)) % 9000 + 1000}",
        opens_at=now + timedelta(days=opens_in_days),
        closes_at=now + timedelta(days=closes_in_days, hours=1),
        is_published=True,
    )
    home = HomePage.objects.get(locale__language_code="nb")
    page = PlanPage(
        title=title, slug=slug, case_number=hearing.case_number, intro="Kort.", hearing=hearing
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _open_hearings_section(html: str) -> str:
    start = html.index('id="open-hearings-heading"')
    return html[start : html.index("</section>", start)]


def test_the_front_page_lists_open_hearings_with_deadline_and_days_left(client, demo_site):
    demo_plan = PlanPage.objects.get(slug="sentrum-skole-og-park")
    days = demo_plan.hearing.days_left()

    response = client.get("/")

    assert response.status_code == HTTPStatus.OK
    section = _open_hearings_section(response.content.decode())
    assert "Sentrum skole og park" in section
    assert f"{days} dager igjen" in section
    assert "Frist" in section
    assert f"/horinger/{demo_plan.hearing.pk}/send/" in section


def test_open_hearings_come_closing_first_and_closed_or_upcoming_ones_are_left_out(
    client, demo_site
):
    _plan_with_hearing("Brygga", "brygga", opens_in_days=-10, closes_in_days=3)
    _plan_with_hearing("Gamle brannstasjon", "brannstasjon", opens_in_days=-60, closes_in_days=-2)
    _plan_with_hearing("Nytt torg", "nytt-torg", opens_in_days=5, closes_in_days=50)

    section = _open_hearings_section(client.get("/nn/").content.decode())

    assert section.index("Brygga") < section.index("Sentrum skole og park")
    assert "3 dagar att" in section
    assert "Gamle brannstasjon" not in section
    assert "Nytt torg" not in section
    assert 'href="/nn/brygga/"' in section
