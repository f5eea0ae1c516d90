from http import HTTPStatus

from django.core.management import call_command
from wagtail.models import Page

from participation.accounts.models import User


def test_loading_the_demo_twice_creates_nothing_twice(db, capsys):
    call_command("load_demo")
    first = (Page.objects.count(), User.objects.count())
    call_command("load_demo")
    assert (Page.objects.count(), User.objects.count()) == first
    out = capsys.readouterr().out
    for role in ("resident", "organisation member", "planner", "moderator", "politician", "editor"):
        assert role in out


def test_the_demo_front_page_is_served_in_all_three_languages(demo_site, client):
    for prefix, lang in (("", "nb"), ("/nn", "nn"), ("/en", "en")):
        response = client.get(f"{prefix}/")
        assert response.status_code == HTTPStatus.OK
        assert f'<html lang="{lang}"' in response.content.decode()


def test_an_unknown_page_gets_a_friendly_not_found_page(demo_site, client):
    response = client.get("/nn/finst-ikkje/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b'<html lang="nn"' in response.content
