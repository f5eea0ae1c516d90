"""A feed opened in a browser shows its title, language and items: the feeds carry an
<?xml-stylesheet?> pointing at an XSLT in the reader's language, and stay valid for readers."""

import re
from http import HTTPStatus

import feedparser
import pytest
from django.urls import reverse
from django.utils import translation


def url(name, *args, language="nb"):
    with translation.override(language):
        return reverse(f"notifications:{name}", args=args)


def stylesheet_href(xml: str) -> str:
    match = re.search(r'<\?xml-stylesheet href="([^"]+)"[^?]* type="text/xsl"', xml)
    assert match, xml[:300]
    # The processing instruction comes before the root element.
    assert xml.index("<?xml-stylesheet") < min(
        i for i in (xml.find("<feed"), xml.find("<rss")) if i >= 0
    )
    return match.group(1)


@pytest.mark.parametrize("name", ["hearings", "hearings_rss"])
def test_atom_and_rss_feeds_name_a_stylesheet_in_their_language_and_stay_valid(
    client, make_hearing, name
):
    make_hearing(title="Reguleringsplan for Sentrum")

    response = client.get(url(name, language="nn"))

    xml = response.content.decode()
    assert stylesheet_href(xml) == url("stylesheet", language="nn")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == ["Reguleringsplan for Sentrum"]


def test_the_submissions_feed_names_the_stylesheet(client, make_hearing):
    hearing = make_hearing()
    xml = client.get(url("hearing_submissions", hearing.pk)).content.decode()
    assert stylesheet_href(xml) == url("stylesheet")


def test_the_stylesheet_is_well_formed_xslt_in_the_readers_language(client):
    from xml.etree import ElementTree

    response = client.get(url("stylesheet", language="nn"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/xsl")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/1999/XSL/Transform}stylesheet"
    text = response.content.decode()
    # The page it makes carries the feed's language and title (tests/e2e renders it).
    assert 'lang="{$lang}"' in text and "atom:feed/@xml:lang" in text
    with translation.override("nn"):
        assert translation.gettext("Open the page on the site") in text
