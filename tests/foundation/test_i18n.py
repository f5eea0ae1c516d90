"""Bokmål, nynorsk and English: the page's language, the switcher and complete catalogues."""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import translation

from participation.views import server_error

BASE_DIR = Path(settings.BASE_DIR)
LOCALE = BASE_DIR / "locale"

SKIP_LINK = {
    "nb": "Hopp til hovedinnholdet",
    "nn": "Hopp til hovudinnhaldet",
    "en": "Skip to main content",
}
PREFIX = {"nb": "", "nn": "/nn", "en": "/en"}


def _language_links(html):
    nav = re.search(r'<nav aria-label="[^"]*" class="language-switcher">(.*?)</nav>', html, re.S)
    assert nav, "no language switcher on the page"
    return [
        dict(re.findall(r'(\w[\w-]*)="([^"]*)"', attributes), text=text.strip())
        for attributes, text in re.findall(r"<a ([^>]*)>(.*?)</a>", nav.group(1), re.S)
    ]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_each_language_has_its_own_url_html_lang_and_interface_text(demo_site, client, language):
    html = client.get(f"{PREFIX[language]}/").content.decode()

    assert f'<html lang="{language}"' in html
    assert f'href="#main">{SKIP_LINK[language]}</a>' in html
    others = set(SKIP_LINK.values()) - {SKIP_LINK[language]}
    assert not any(text in html for text in others)


def test_nynorsk_pages_use_nynorsk_words_not_bokmaal(demo_site, client):
    html = client.get("/nn/accounts/login/").content.decode()

    assert "Logg inn" in html
    assert "Tilgjengelegheitserklæring" in html
    assert "Tilgjengelighetserklæring" not in html


def test_the_language_switcher_links_to_the_same_page_in_each_language(demo_site, client):
    html = client.get("/nn/om-tjenesten/?side=2").content.decode()

    links = _language_links(html)
    assert [(link["lang"], link["hreflang"], link["href"], link["text"]) for link in links] == [
        ("nb", "nb", "/om-tjenesten/?side=2", "Norsk bokmål"),
        ("nn", "nn", "/nn/om-tjenesten/?side=2", "Norsk nynorsk"),
        ("en", "en", "/en/om-tjenesten/?side=2", "English"),
    ]
    assert [link.get("aria-current") for link in links] == [None, "true", None]


def test_the_language_switcher_on_a_form_page_keeps_the_page_and_its_next_parameter(db, client):
    html = client.get("/en/accounts/login/?next=/nn/om-tjenesten/").content.decode()

    hrefs = [link["href"] for link in _language_links(html)]
    assert hrefs == [
        "/accounts/login/?next=/nn/om-tjenesten/",
        "/nn/accounts/login/?next=/nn/om-tjenesten/",
        "/en/accounts/login/?next=/nn/om-tjenesten/",
    ]


def test_a_failed_login_is_explained_in_nynorsk(db, client, make_user):
    make_user(email="kari@example.org")

    response = client.post(
        "/nn/accounts/login/", {"login": "kari@example.org", "password": "feil passord"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "E-postadressa og/eller passordet du skreiv inn, er feil." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [
        ("nb", "Noe gikk galt", 'href="/"'),
        ("nn", "Noko gjekk gale", 'href="/nn/"'),
        ("en", "Something went wrong", 'href="/en/"'),
    ],
)
def test_the_server_error_page_is_in_the_readers_language(language, heading, home):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert home in html


def test_a_missing_page_is_explained_in_nynorsk(db, client):
    response = client.get("/nn/finst-ikkje/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Fann ikkje sida" in response.content.decode()


def test_the_front_page_in_nynorsk_links_to_its_sections_in_nynorsk(demo_site, client):
    html = client.get("/nn/").content.decode()

    assert 'href="/nn/om-tjenesten/">Om tjenesten</a>' in html
    assert 'href="/om-tjenesten/"' not in html


def test_untranslated_editor_text_is_marked_with_its_own_language(demo_site, client):
    nynorsk = client.get("/nn/om-tjenesten/").content.decode()
    bokmaal = client.get("/om-tjenesten/").content.decode()

    assert '<article class="stack" lang="nb">' in nynorsk
    assert '<article class="stack">' in bokmaal


# The catalogues. A string a resident can meet must exist in bokmål and nynorsk.


def _entries(path):
    """(msgctxt, msgid, msgstrs, flags) for each live entry of a .po file, header excluded."""
    entries, entry, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry and entry.get("msgid"):
                entries.append(entry)
            entry = None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (.*)$", line):
            key = (match.group(1).partition("[")[0], match.group(2))
            value = ast.literal_eval(match.group(3))
            if key[0] == "msgstr":
                entry["msgstr"][int(key[1] or 0)] = value
            else:
                entry[key[0]] = value
        elif line.startswith('"'):
            if key[0] == "msgstr":
                entry["msgstr"][int(key[1] or 0)] += ast.literal_eval(line)
            else:
                entry[key[0]] += ast.literal_eval(line)
    return [entry for entry in entries if not entry.get("obsolete")]


def _untranslated(path):
    return [
        entry["msgid"]
        for entry in _entries(path)
        if "fuzzy" in entry["flags"] or not all(entry["msgstr"].values()) or not entry["msgstr"]
    ]


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_message_in_the_catalogue_is_translated_and_none_is_fuzzy(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"

    assert _entries(po), f"{po} has no messages"
    untranslated = _untranslated(po)
    assert not untranslated, f"Translate these in {po}:\n" + "\n".join(untranslated)


def test_the_nynorsk_catalogue_carries_our_translation_of_allauth():
    ours = {(e.get("msgctxt"), e["msgid"]) for e in _entries(LOCALE / "nn" / "allauth.po")}
    merged = {(e.get("msgctxt"), e["msgid"]) for e in _entries(LOCALE / "nn/LC_MESSAGES/django.po")}

    assert len(ours) > 200
    missing = sorted(msgid for _, msgid in ours - merged)
    assert not missing, "Run `make messages` to merge locale/nn/allauth.po:\n" + "\n".join(missing)
    assert not _untranslated(LOCALE / "nn" / "allauth.po")


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_compiled_catalogue_matches_the_translations(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    with (po.parent / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog

    stale = []
    for entry in _entries(po):
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            found = [catalog.get((msgid, n)) for n in sorted(entry["msgstr"])]
            expected = [entry["msgstr"][n] for n in sorted(entry["msgstr"])]
        else:
            found, expected = catalog.get(msgid), entry["msgstr"][0]
        if found != expected:
            stale.append(entry["msgid"])
    assert not stale, f"Run `make messages` to compile {po}; stale:\n" + "\n".join(stale)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_every_string_in_the_sources_is_in_the_catalogues(tmp_path):
    """Run makemessages on a copy of the sources: no string may come out untranslated."""
    copy = tmp_path / "src"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", ".git", "media", "staticfiles", "*.sqlite3*", "__pycache__"
        ),
    )
    command = [sys.executable, "manage.py", "makemessages", "-l", "nb", "-l", "nn"]
    for ignored in ("tests", "bench", "docs", "staticfiles", "media"):
        command.append(f"--ignore={ignored}")
    result = subprocess.run(
        [*command, "--no-obsolete"], cwd=copy, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr

    for language in ("nb", "nn"):
        untranslated = _untranslated(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        assert not untranslated, (
            f"New strings without a {language} translation (run `make messages` and translate "
            "them in locale/):\n" + "\n".join(untranslated)
        )
