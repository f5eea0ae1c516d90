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


def test_load_demo_prints_the_address_of_the_port_the_server_uses(db, capsys, monkeypatch):
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8123")

    call_command("load_demo")

    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out
    assert "http://127.0.0.1:8123/admin/" in out
    assert ":8000" not in out


def test_the_demo_politician_has_a_party_role_and_follows_the_demo_hearing(demo_site):
    from hearings.demo import CASE_NUMBER
    from participation.notifications.models import Follow

    politician = User.objects.get(email="politiker@demo.medvirkning.no")

    assert politician.political_role
    assert Follow.objects.filter(user=politician, hearing__case_number=CASE_NUMBER).exists()


def test_the_demo_politicians_comment_carries_the_elected_representative_badge(demo_site, client):
    from cms.models import PlanPage

    politician = User.objects.get(email="politiker@demo.medvirkning.no")
    html = client.get(PlanPage.objects.get(case_number="2026/1234").url).content.decode()

    assert 'class="author-badge"' in html
    assert politician.political_role in html
