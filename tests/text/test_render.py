import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from participation.text.render import (
    render_original,
    render_public,
    render_redacted,
    sanitize,
    sanitize_rich_html,
)
from tests.text.identity_numbers import FNR_1985


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def link(url: str, text: str | None = None) -> str:
    return f'<a href="{url}" rel="nofollow ugc noopener">{text or url}</a>'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Hei", "<p>Hei</p>"),
        ("Linje 1\nLinje 2", "<p>Linje 1<br>Linje 2</p>"),
        ("Avsnitt 1\n\nAvsnitt 2", "<p>Avsnitt 1</p><p>Avsnitt 2</p>"),
        ("Avsnitt 1\r\n \r\n\r\nAvsnitt 2\r\nlinje", "<p>Avsnitt 1</p><p>Avsnitt 2<br>linje</p>"),
        ("\n\n  Hei  \n\n\n", "<p>Hei</p>"),
        ("", ""),
        (None, ""),
    ],
)
def test_plain_text_becomes_paragraphs_and_line_breaks(text, html):
    assert render_original(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "Se https://kommune.no/plan.",
            f"<p>Se {link('https://kommune.no/plan')}.</p>",
        ),
        (
            "Se (www.kommune.no/plan?a=1&b=2)",
            '<p>Se (<a href="http://www.kommune.no/plan?a=1&amp;b=2" rel="nofollow ugc noopener">'
            "www.kommune.no/plan?a=1&amp;b=2</a>)</p>",
        ),
        (
            "Skriv til post@kommune.no",
            '<p>Skriv til <a href="mailto:post@kommune.no" rel="nofollow ugc noopener">'
            "post@kommune.no</a></p>",
        ),
    ],
)
def test_links_are_made_clickable_and_marked_as_user_content(text, html):
    assert render_original(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        (
            '<img src=x onerror="alert(1)">',
            '<p>&lt;img src=x onerror="alert(1)"&gt;</p>',
        ),
        (
            '<a href="javascript:alert(1)">klikk</a>',
            '<p>&lt;a href="javascript:alert(1)"&gt;klikk&lt;/a&gt;</p>',
        ),
        ("javascript:alert(document.cookie)", "<p>javascript:alert(document.cookie)</p>"),
        ("[klikk](javascript:alert(1))", "<p>[klikk](javascript:alert(1))</p>"),
        ("&amp; &lt;b&gt; &#60;", "<p>&amp;amp; &amp;lt;b&amp;gt; &amp;#60;</p>"),
        ("<!-- kommentar -->", "<p>&lt;!-- kommentar --&gt;</p>"),
        ("Fil: \u202egnp.exe", "<p>Fil: [U+202E]gnp.exe</p>"),
        ("\u2066isolert\u2069", "<p>[U+2066]isolert[U+2069]</p>"),
    ],
)
def test_hostile_input_is_shown_as_written_and_never_becomes_markup(text, html):
    assert render_public(text) == html
    assert render_original(text) == html


def test_text_already_marked_safe_is_still_escaped():
    assert render_public(mark_safe("<b>fet</b>")) == "<p>&lt;b&gt;fet&lt;/b&gt;</p>"


def test_a_url_with_a_quote_cannot_break_out_of_the_link():
    html = render_original('https://example.com/"onmouseover="alert(1)')
    assert html == f'<p>{link("https://example.com/")}"onmouseover="alert(1)</p>'


def test_public_text_is_redacted_before_it_is_linkified():
    text = "Kontakt ola@example.no eller 41234567.\n\nSe https://kommune.no"

    html = render_public(text)

    assert html == (
        "<p>Kontakt [e-mail removed] eller [phone number removed].</p>"
        f"<p>Se {link('https://kommune.no')}</p>"
    )


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("https://ola@example.com/side", "<p>https://[e-mail removed]/side</p>"),
        (
            f"Se https://kommune.no/skjema?fnr={FNR_1985}&svar=ja",
            f"<p>Se {link('https://kommune.no/skjema?fnr=')}"
            "[identity number removed]&amp;svar=ja</p>",
        ),
    ],
)
def test_what_was_removed_from_inside_a_link_is_not_part_of_the_link(text, html):
    assert render_public(text) == html


def test_the_public_rendering_comes_with_what_was_removed():
    html, result = render_redacted("Ring 41234567 eller skriv til ola@example.no")

    assert html == "<p>Ring [phone number removed] eller skriv til [e-mail removed]</p>"
    assert result.describe() == ["1 phone number", "1 e-mail address"]


def test_the_original_is_shown_to_the_author_without_redaction():
    html = render_original("Kontakt ola@example.no eller 41234567.")
    assert "41234567" in html
    assert 'href="mailto:ola@example.no"' in html


def test_rendered_text_is_safe_to_put_in_a_template():
    assert isinstance(render_public("Hei"), SafeString)
    assert isinstance(render_original("Hei"), SafeString)
    assert not isinstance(sanitize("Hei"), SafeString)


def test_staff_rich_html_keeps_structure_and_loses_scripts():
    html = sanitize_rich_html(
        '<h2 onclick="x()">Høring</h2><script>alert(1)</script>'
        '<table><tr><th scope="col" style="color:red">Frist</th></tr>'
        "<tr><td>1. mai</td></tr></table>"
        '<p><a href="javascript:alert(1)">a</a> <a href="/planer/">planer</a></p>'
        '<img src="x" onerror="alert(1)"><iframe src="https://evil.example"></iframe>'
    )

    assert html == (
        "<h2>Høring</h2>"
        '<table><tbody><tr><th scope="col">Frist</th></tr><tr><td>1. mai</td></tr></tbody></table>'
        '<p><a rel="noopener">a</a> <a href="/planer/" rel="noopener">planer</a></p>'
    )


def test_template_filters_show_public_and_original_text():
    template = Template(
        "{% load public_text %}<div>{{ body|public_text }}</div><div>{{ body|original_text }}</div>"
    )

    html = template.render(Context({"body": "Ring 41234567 <b>nå</b>"}))

    assert html == (
        "<div><p>Ring [phone number removed] &lt;b&gt;nå&lt;/b&gt;</p></div>"
        "<div><p>Ring 41234567 &lt;b&gt;nå&lt;/b&gt;</p></div>"
    )


def test_template_filters_show_nothing_for_empty_text():
    template = Template("{% load public_text %}[{{ body|public_text }}|{{ body|original_text }}]")
    assert template.render(Context({"body": None})) == "[|]"


def test_a_megabyte_of_hostile_text_is_rendered():
    line = "<script>x</script> https://kommune.no/a ola@example.no Storgata 1\n\n"
    count = 1_000_000 // len(line)

    html = render_public(line * count)

    assert html.count("<p>") == count
    assert html.count("<a ") == count
    assert "<script>" not in html
