"""Hostile input anywhere a resident writes is stored as written and shown inert everywhere.

A corpus of several hundred payloads (script tags, event handlers, javascript:/data: URLs, SVG,
iframes, CSS expressions, entities, mixed case, broken tags, direction overrides, zero-width and
other odd Unicode, control characters, very long text, spreadsheet formulas) goes through the
real forms and operations into every field a resident writes: comments, submissions, idea title,
text and place, initiative title, proposal and justification, report details and the display
name. Then every output is parsed with an HTML parser: pages (public and the moderators' queue),
the Atom feed, mails, live event payloads; JSON answers must be JSON; CSV/XLSX exports must not
start a cell with a formula.

Payloads are batched: many per text, and as many per short field as fit, so the whole corpus is
covered by a few dozen objects.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from hashlib import sha256
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hearings import exports as hearing_exports
from hearings.models import Submission
from hearings.operations import do_submit
from ideabank import operations as ideas_ops
from ideabank.models import Idea, Topic
from initiatives import exports as initiative_exports
from initiatives import operations as initiatives
from initiatives.models import Initiative
from participation.accounts.forms import DeclareNameForm
from participation.accounts.models import User
from participation.contributions import moderation
from participation.contributions.models import Comment, Contribution, Report
from participation.live.models import Event
from tests.security.outputs import plan_page_for

# ---------------------------------------------------------------- the corpus

VECTORS = [
    "<script>alert(1)</script>",
    "<script src=https://evil.example/x.js></script>",
    "<SCRIPT SRC=//evil.example/x.js>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img src=`javascript:alert(1)`>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<a href="javascript:alert(1)">klikk</a>',
    '<a href="JAVASCRIPT:alert(1)">klikk</a>',
    '<a href="jav&#x09;ascript:alert(1)">klikk</a>',
    '<a href="&#106;avascript:alert(1)">klikk</a>',
    '<a href=" javascript:alert(1)">klikk</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klikk</a>',
    '<a href="vbscript:msgbox(1)">klikk</a>',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<form action="javascript:alert(1)"><button>send</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:/a/">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    'https://example.com/"onmouseover="alert(1)',
    "https://example.com/<script>alert(1)</script>",
    "www.example.com/?q=<svg/onload=alert(1)>",
    'mailto:x@example.com"><script>alert(1)</script>',
    "{{ 7|add:7 }} {% debug %} ${alert(1)} #{alert(1)}",
    "＜script＞alert(1)＜/script＞",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\u202e<script>alert(1)</script>\u202c",
    "gnp.exe\u202egnp.exe",
    "\ufeff<img src=x onerror=alert(1)>",
    '=HYPERLINK("https://evil.example","klikk")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\x01\x02\x08\x0b\x0c\x1f\x7f kontroll",
    "\ufffe\uffff ikke-tegn",
    "zalgo: Z\u0351\u036b\u0343a\u0364\u0368l\u0367g\u0346o",
    "emoji 👩‍👩‍👧 og 🏳️‍🌈 og \U0001f4a9",
]
WRAPPERS = [
    lambda v: v,
    lambda v: v.upper(),
    lambda v: "".join(c.upper() if i % 2 else c for i, c in enumerate(v)),
    lambda v: f"Hei kommunen! {v} Hilsen Kari",
    lambda v: v.replace("<", "<\u200d", 1),
    lambda v: f"\u202e{v}",
    lambda v: v.replace("<", "\n<"),
    lambda v: f"https://example.com/?q={v}",
    lambda v: v + v,
]


def corpus() -> list[str]:
    seen = dict.fromkeys(w(v) for v in VECTORS for w in WRAPPERS)
    return list(seen)


CORPUS = corpus()
# Short fields (titles, places, names) hold a few payloads each, so they get the vectors and
# their mixed-case forms; texts get the whole corpus.
SHORT = list(dict.fromkeys([*VECTORS, *(WRAPPERS[2](v) for v in VECTORS)]))
FORM_IDEAS = 6  # posted through the form; the rest through the same operation
LONG = ("<b>tykk</b><script>alert(1)</script>" * 300)[:9_000]
NULL = "før\x00etter<script>alert(1)</script>"


def pack(payloads, limit) -> list[str]:
    """As many payloads per value as fit in `limit` characters, space-separated."""
    packed, current = [], ""
    for payload in payloads:
        payload = payload[:limit]
        if current and len(current) + 1 + len(payload) > limit:
            packed.append(current)
            current = ""
        current = f"{current} {payload}" if current else payload
    return packed + ([current] if current else [])


def chunks(payloads, size) -> list[str]:
    return ["\n\n".join(payloads[i : i + size]) for i in range(0, len(payloads), size)]


def form_value(value: str) -> str:
    """What a Django form keeps of a text field: surrounding whitespace stripped."""
    return value.strip()


# ---------------------------------------------------------------- the checks

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "poster"}
FORBIDDEN_TAGS = {"svg", "math", "iframe", "frame", "frameset", "object", "embed", "applet", "base"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def executable_markup(html: str, *, where: str, admin: bool = False) -> list[str]:
    """What in `html` would run or load something a resident put there."""
    found = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        name = tag.name.lower()
        if name == "script":
            src = tag.get("src", "")
            kind = tag.get("type", "")
            if src:
                if not src.startswith(("/static/", "/admin/jsi18n/" if admin else "/static/")):
                    found.append(f"{where}: script from {src!r}")
            elif kind in ("application/json", "application/ld+json"):
                json.loads(tag.string or "null")  # user text cannot break out of it
            elif not admin:
                found.append(f"{where}: inline script {str(tag)[:80]!r}")
        if name in FORBIDDEN_TAGS and not (admin and name == "svg"):
            found.append(f"{where}: <{name}> {str(tag)[:80]!r}")
        if name == "style" and not admin:
            found.append(f"{where}: <style> {str(tag)[:80]!r}")
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.lower().startswith("on"):
                found.append(f"{where}: {attribute}= on <{name}>")
            if attribute.lower() in URL_ATTRIBUTES or (name == "meta" and attribute == "content"):
                bare = _INVISIBLE.sub("", value).lower()
                if re.search(r"(^|url=)(javascript|vbscript):", bare) or (
                    bare.startswith("data:") and name != "img"
                ):
                    found.append(f"{where}: {attribute}={value[:60]!r} on <{name}>")
            if attribute.lower() == "style" and re.search(r"expression|javascript:", value, re.I):
                found.append(f"{where}: style={value[:60]!r}")
    return found


def visible_text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ")


def assert_formula_safe(cells, where):
    risky = [c for c in cells if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not risky, f"{where}: cells a spreadsheet would run: {risky[:3]}"


# ---------------------------------------------------------------- the world


@pytest.fixture
def no_rate_limits(settings):
    settings.RATE_LIMITS = {action: {} for action in settings.RATE_LIMITS}


def eid_user(make_user, n, name):
    return make_user(
        name=name,
        email=f"eid{n}@example.org",
        assurance_level="substantial",
        pid_hash=sha256(f"hostile-{n}".encode()).hexdigest(),
        name_source="eid",
    )


@pytest.fixture
def hostile(make_user, make_hearing, no_rate_limits, mailoutbox):
    """The corpus written into every field a resident writes, through forms and operations."""
    resident = make_user(name="Kari Nordmann", email="kari@example.org")
    reader = make_user(name="Per Leser", email="per@example.org")
    staff = make_user(name="Mona Moderator", email="mona@kommune.no", roles=["moderator"])
    browser = Client()
    browser.force_login(resident)
    written = {}  # (model, pk, field) -> what was sent

    hearing = make_hearing()
    page = plan_page_for(hearing)
    comment_url = reverse("hearings:comment", args=[hearing.pk])
    # A first comment by the reader, so every hostile reply mails the reader.
    browser_reader = Client()
    browser_reader.force_login(reader)
    browser_reader.post(comment_url, {"body": "Hva mener dere om planen?"})
    first = Comment.objects.get(author=reader)
    for i, text in enumerate([*chunks(CORPUS, 45), LONG]):
        response = browser.post(
            comment_url, {"body": text, "parent": first.pk, "idempotency_key": f"c{i}"}
        )
        assert response.status_code < HTTPStatus.BAD_REQUEST, response.status_code
        comment = Comment.objects.get(author=resident, idempotency_key=f"c{i}")
        written[(Contribution, comment.pk, "body")] = form_value(text)
    # A NUL cannot be stored (PostgreSQL refuses it): the form says so and nothing is saved.
    before = Comment.objects.count()
    response = browser.post(comment_url, {"body": NULL})
    assert response.status_code == HTTPStatus.BAD_REQUEST and Comment.objects.count() == before

    for i, text in enumerate(chunks(CORPUS, 60)):
        submission, _ = do_submit(resident, hearing, text, idempotency_key=f"s{i}")
        written[(Contribution, submission.pk, "body")] = text

    topic = Topic.objects.create(name="Trafikk", slug="trafikk", official=True)
    titles = pack(SHORT, 200)
    places = pack(VECTORS, 100)  # the form's limit
    bodies = chunks(CORPUS, 60)
    for i, title in enumerate(titles[FORM_IDEAS:], start=FORM_IDEAS):
        idea, _ = ideas_ops.do_post_idea(
            resident,
            title=title,
            body=bodies[i % len(bodies)],
            topics=[topic],
            lat=59.91,
            lon=10.75,
            address=places[i % len(places)],
        )
        written[(Idea, idea.pk, "title")] = form_value(title)
        written[(Idea, idea.pk, "address")] = places[i % len(places)]
        written[(Contribution, idea.pk, "body")] = bodies[i % len(bodies)]
    for i, title in enumerate(titles[:FORM_IDEAS]):
        response = browser.post(
            reverse("ideabank:post"),
            {
                "title": title,
                "body": bodies[i % len(bodies)],
                "topics": [topic.slug],
                "place_query": places[i % len(places)],
                "lat": "59.91",
                "lon": "10.75",
                "idempotency_key": f"i{i}",
            },
        )
        assert response.status_code < HTTPStatus.BAD_REQUEST, response.content[:300]
        idea = Idea.objects.get(author=resident, idempotency_key=f"i{i}")
        written[(Idea, idea.pk, "title")] = form_value(title)
        written[(Idea, idea.pk, "address")] = form_value(places[i % len(places)])
        written[(Contribution, idea.pk, "body")] = form_value(bodies[i % len(bodies)])
    ideas = list(Idea.objects.filter(author=resident).order_by("-pk"))  # the form's first
    question, _ = idea_comment(reader, ideas[0])
    for i, text in enumerate(chunks(CORPUS, 90)):
        browser.post(
            reverse("ideabank:comment", args=[ideas[0].pk]),
            {"body": text, "parent": question.pk, "idempotency_key": f"ic{i}"},
        )
        comment = Comment.objects.get(author=resident, idempotency_key=f"ic{i}")
        written[(Contribution, comment.pk, "body")] = form_value(text)

    proposer = eid_user(make_user, 0, "Ola Forslag")
    for i, title in enumerate(pack(SHORT, 200)[::4]):
        text = chunks(CORPUS, 60)[i % len(chunks(CORPUS, 60))]
        initiative, _ = initiatives.do_start(
            proposer, title=title, proposal=text, justification=text, idempotency_key=f"n{i}"
        )
        moderation.do_publish(staff, initiative)
        written[(Initiative, initiative.pk, "title")] = form_value(title)
        written[(Initiative, initiative.pk, "justification")] = text
        written[(Contribution, initiative.pk, "body")] = text
    initiative_list = list(Initiative.objects.order_by("pk"))

    # Display names: whatever the name form lets through, published with a comment.
    formulas = [v for v in VECTORS if v.lstrip()[:1] in "=+-@"]
    names = [n for n in pack(SHORT, 200) if DeclareNameForm(data={"name": n}).is_valid()]
    assert len(names) > 10
    names += [n for n in formulas if DeclareNameForm(data={"name": n}).is_valid()]
    for i, raw in enumerate(names):
        form = DeclareNameForm(data={"name": raw})
        assert form.is_valid()
        author = User.objects.create(
            username=f"name{i}@example.org",
            email=f"name{i}@example.org",
            name=form.cleaned_data["name"],
        )
        comment, _ = hearing_comment(author, hearing, f"Kommentar {i}")
        written[(User, author.pk, "name")] = form.cleaned_data["name"]
        # Signers' names go to the council's list (CSV/XLSX).
        if i < 5 or raw in formulas:
            signer = eid_user(make_user, i + 1, form.cleaned_data["name"])
            initiatives.do_sign(signer, initiative_list[0])

    # Report details, one reporter each (a person reports a post once).
    for i, text in enumerate(pack(CORPUS, 2000)):  # the form's limit
        reporter = make_user(name=f"Melder {i}", email=f"melder{i}@example.org")
        client = Client()
        client.force_login(reporter)
        response = client.post(
            reverse("contributions:report", args=[first.pk]),
            {"reason": "offensive", "text": text},
        )
        assert response.status_code < HTTPStatus.BAD_REQUEST
        report = Report.objects.get(reporter=reporter)
        written[(Report, report.pk, "text")] = form_value(text)

    return {
        "written": written,
        "hearing": hearing,
        "page": page,
        "ideas": ideas,
        "initiatives": initiative_list,
        "staff": staff,
        "reader": reader,
        "resident": resident,
        "first": first,
    }


def idea_comment(user, idea):
    from ideabank.operations import do_comment_on_idea

    return do_comment_on_idea(user, idea, "Hvor da?")


def hearing_comment(user, hearing, text):
    from hearings.operations import do_comment

    return do_comment(user, hearing, text)


# ---------------------------------------------------------------- the tests


def test_the_corpus_is_several_hundred_payloads():
    assert len(CORPUS) >= 300
    assert len(set(CORPUS)) == len(CORPUS)


def test_hostile_input_is_stored_as_written(hostile):
    for (model, pk, field), sent in hostile["written"].items():
        stored = getattr(model.objects.get(pk=pk), field)
        assert stored == sent, f"{model.__name__}.{field} #{pk} changed when stored"
    # Every field a resident writes got payloads, and the texts got the whole corpus.
    fields = {(model.__name__, field) for model, _pk, field in hostile["written"]}
    assert fields == {
        ("Contribution", "body"),
        ("Idea", "title"),
        ("Idea", "address"),
        ("Initiative", "title"),
        ("Initiative", "justification"),
        ("User", "name"),
        ("Report", "text"),
    }
    bodies = "\n".join(
        v for (m, _pk, f), v in hostile["written"].items() if m is Contribution and f == "body"
    )
    assert all(payload.strip() in bodies for payload in CORPUS)


def _pages(hostile) -> dict[str, str]:
    hearing = hostile["hearing"]
    urls = [
        hostile["page"].url,
        reverse("hearings:submissions", args=[hearing.pk]),
        reverse("ideabank:list"),
        reverse("ideabank:map"),
        reverse("initiatives:list"),
    ]
    urls += [
        reverse("hearings:submission", args=[hearing.pk, s.pk])
        for s in Submission.objects.filter(hearing=hearing)
    ]
    # The map page's list, page by page, shows every idea's title and place.
    from ideabank.views import MAP_LIST_PER_PAGE

    pages_needed = -(-len(hostile["ideas"]) // MAP_LIST_PER_PAGE)
    urls += [f"{reverse('ideabank:map')}?side={n}" for n in range(2, pages_needed + 1)]
    urls += [reverse("ideabank:detail", args=[i.pk]) for i in hostile["ideas"][:FORM_IDEAS]]
    urls += [reverse("initiatives:detail", args=[i.pk]) for i in hostile["initiatives"][:4]]
    pages = {}
    anonymous, reader = Client(), Client()
    reader.force_login(hostile["reader"])
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == HTTPStatus.OK, url
        pages[url] = response.content.decode()
    for contribution in Contribution.objects.filter(state=Contribution.State.PUBLISHED)[:20]:
        url = reverse("contributions:report", args=[contribution.pk])
        pages[f"report {url}"] = reader.get(url).content.decode()
    # The plan page as a logged-in reader (forms and replies shown).
    pages[f"{hostile['page'].url} as reader"] = reader.get(hostile["page"].url).content.decode()
    return pages


def test_no_public_output_runs_what_a_resident_wrote(hostile):
    """Pages, the Atom feed, live updates, mails and JSON answers, in one pass (one world)."""
    pages = _pages(hostile)
    found = [f for where, html in pages.items() for f in executable_markup(html, where=where)]
    # The payloads did reach the pages, as text.
    assert "<script>alert(1)</script>" in visible_text(pages[hostile["page"].url])
    idea = hostile["ideas"][0]
    idea_page = visible_text(pages[reverse("ideabank:detail", args=[idea.pk])])
    assert idea.title.split()[0] in idea_page and "alert(1)" in idea_page

    response = Client().get(
        reverse("notifications:hearing_submissions", args=[hostile["hearing"].pk])
    )
    assert response.status_code == HTTPStatus.OK
    feed = ET.fromstring(response.content)  # well-formed XML, control characters and all
    entries = [el for el in feed.iter() if el.tag.rsplit("}", 1)[-1] in ("summary", "content")]
    assert entries
    for element in entries:
        found += executable_markup(element.text or "", where="feed entry")

    events = Event.objects.exclude(stream="moderation")
    assert events.filter(type="contribution.published").exists()
    for event in events:
        if html := event.payload.get("html"):
            found += executable_markup(html, where=f"live {event}")

    assert any(hostile["reader"].email in m.to for m in mail.outbox), "no reply mails"
    for message in mail.outbox:
        assert "\n" not in message.subject
        for content, mime in getattr(message, "alternatives", []):
            if mime == "text/html":
                found += executable_markup(str(content), where=f"mail {message.subject!r}")
    assert not found, found[:10]

    for url in [
        reverse("ideabank:map_data"),
        reverse("open311:requests"),
        reverse("open311:request", args=[hostile["ideas"][0].pk]),
    ]:
        response = Client().get(url)
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"].split(";")[0] in (
            "application/json",
            "application/geo+json",
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "<script>alert(1)</script>" in json.dumps(response.json(), ensure_ascii=False)


def test_the_moderators_queue_runs_nothing_a_resident_wrote(hostile):
    client = Client()
    client.force_login(hostile["staff"])
    found, shown = [], ""
    for url in [reverse("moderation:queue")]:
        response = client.get(url)
        if response.status_code != HTTPStatus.OK:
            continue
        html = response.content.decode()
        shown += visible_text(html)
        found += executable_markup(html, where=url, admin=True)
    assert not found, found[:10]
    assert "alert(1)" in shown


def test_exports_start_no_cell_with_a_formula(hostile):
    out = io.BytesIO()
    hearing_exports.write_csv(hostile["hearing"], out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert len(rows) > 1
    assert_formula_safe([c for row in rows for c in row], "hearing CSV")

    out = io.BytesIO()
    hearing_exports.write_xlsx(hostile["hearing"], out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert_formula_safe([c.value for row in sheet.iter_rows() for c in row], "hearing XLSX")

    initiative = hostile["initiatives"][0]
    rows = list(
        csv.reader(
            io.StringIO(initiative_exports.to_csv(initiative).decode("utf-8-sig")), delimiter=";"
        )
    )
    names = [c for row in rows for c in row]
    assert any("HYPERLINK" in c for c in names), "the formula names were not exported"
    assert_formula_safe(names, "signatures CSV")
    if initiative_exports.xlsx_available():
        sheet = load_workbook(io.BytesIO(initiative_exports.to_xlsx(initiative))).active
        assert_formula_safe([c.value for row in sheet.iter_rows() for c in row], "signatures XLSX")


def test_open311_keeps_hostile_text_as_written_and_refuses_a_nul(make_user, no_rate_limits):
    from ideabank.operations import do_create_open311_client

    Topic.objects.create(name="Veg", slug="veg", official=True)
    _client, key = do_create_open311_client("App", make_user(name="App", email="app@example.org"))
    client = Client()
    post = {"api_key": key, "service_code": "veg", "lat": "59.91", "long": "10.75"}
    text = "\n\n".join(CORPUS[:40])
    response = client.post(reverse("open311:requests"), {**post, "description": text})
    assert response.status_code == HTTPStatus.OK
    idea = Idea.objects.get(pk=response.json()[0]["service_request_id"])
    assert idea.body == text
    for field in ("description", "address_string"):
        data = {"description": "Hull i vegen.", **post, field: NULL}
        response = client.post(reverse("open311:requests"), data)
        assert response.status_code == HTTPStatus.BAD_REQUEST, field
    assert Idea.objects.count() == 1
