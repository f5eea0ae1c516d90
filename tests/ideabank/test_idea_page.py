"""What a reader sees of an idea's place on its page."""

from http import HTTPStatus

from django.urls import reverse


def _place_line(client, idea) -> str:
    response = client.get(reverse("ideabank:detail", args=[idea.pk]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    start = html.index('id="place-heading"')
    paragraph = html.index('<p class="ds-paragraph">', start) + len('<p class="ds-paragraph">')
    return html[paragraph : html.index("</p>", paragraph)]


def test_a_place_named_like_its_area_is_named_once(client, make_idea, areas):
    idea = make_idea(lat=59.91, lon=10.75, address="Sentrum")

    assert idea.area == areas["sentrum"]
    assert _place_line(client, idea) == "Sentrum"


def test_a_place_in_an_area_of_another_name_shows_both(client, make_idea, areas):
    idea = make_idea(lat=59.91, lon=10.75, address="Torget")

    assert _place_line(client, idea) == "Torget, Sentrum"


def test_a_point_without_a_place_name_shows_its_area(client, make_idea, areas):
    idea = make_idea(lat=59.91, lon=10.75)

    assert _place_line(client, idea) == "Sentrum"
