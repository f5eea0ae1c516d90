"""The accessible frame every page shares (the browser checks with axe-core live in tests/e2e)."""

from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cms.models import AccessibilityStatementPage
from participation.context_processors import accessibility_statement

FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}


class Outline(HTMLParser):
    """Landmarks, nav labels and the focusable elements of a page, in document order."""

    def __init__(self):
        super().__init__()
        self.landmarks, self.nav_labels, self.focusable, self.ids = [], [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in {"header", "main", "footer", "nav"}:
            self.landmarks.append(tag)
        if tag == "nav":
            self.nav_labels.append(attrs.get("aria-label"))
        if tag in FOCUSABLE and attrs.get("type") != "hidden":
            self.focusable.append((tag, attrs))


def outline(response):
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


PAGES = ["/", "/nn/om-tjenesten/", "/en/accounts/login/", "/nn/finst-ikkje/"]


@pytest.mark.parametrize("path", PAGES)
def test_the_skip_link_comes_first_and_leads_to_the_main_content(demo_site, client, path):
    page = outline(client.get(path))

    tag, attrs = page.focusable[0]
    assert (tag, attrs["href"]) == ("a", "#main")
    assert "main" in page.ids


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_one_header_main_and_footer_and_distinctly_labelled_navs(
    demo_site, client, path
):
    page = outline(client.get(path))

    for landmark in ("header", "main", "footer"):
        assert page.landmarks.count(landmark) == 1, (path, landmark)
    assert len(page.nav_labels) >= 2
    assert all(page.nav_labels), "a nav without a label"
    assert len(set(page.nav_labels)) == len(page.nav_labels), page.nav_labels


@pytest.mark.parametrize(
    ("path", "href", "text"),
    [
        ("/", "/tilgjengelighet/", "Tilgjengelighetserklæring"),
        ("/nn/accounts/login/", "/nn/tilgjengelighet/", "Tilgjengelegheitserklæring"),
        ("/en/finst-ikkje/", "/en/tilgjengelighet/", "Accessibility statement"),
    ],
)
def test_every_page_links_to_the_accessibility_statement_in_its_language(
    demo_site, client, path, href, text
):
    html = client.get(path).content.decode()

    footer = html[html.index("<footer") :]
    assert f'<a class="ds-link" href="{href}">{text}</a>' in footer
    assert "postmottak@demo.kommune.no" in footer


def test_the_statement_link_leads_to_the_statement(demo_site, client):
    response = client.get("/nn/tilgjengelighet/")

    assert response.status_code == HTTPStatus.OK
    assert "WCAG 2.1 AA" in response.content.decode()


def test_looking_up_the_statement_costs_one_query_however_often_a_page_asks(demo_site):
    request = RequestFactory().get("/")
    accessibility_statement(request)  # Wagtail's site lookup, cached for the request.
    del request._accessibility_statement

    with CaptureQueriesContext(connection) as queries, translation.override("nb"):
        first = accessibility_statement(request)
        again = accessibility_statement(request)

    assert first == again == {"title": "Tilgjengelighetserklæring", "url": "/tilgjengelighet/"}
    assert len(queries) == 1


def test_without_a_published_statement_the_footer_has_no_broken_link(demo_site, client):
    AccessibilityStatementPage.objects.get().unpublish()

    response = client.get("/")

    assert response.status_code == HTTPStatus.OK
    assert "Tilgjengelighetserklæring" not in response.content.decode().split("<footer")[1]
