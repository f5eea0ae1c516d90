"""Every public output of what residents wrote, fetched as an anonymous reader (or, for the
report page and mails, as another resident), for the security tests to search.

`public_outputs()` returns {"what": text}: pages, the map's GeoJSON, Open311, feeds, live event
payloads on public streams and mails to people other than the author. Shared by the tests that
look for personal data and for executable markup in them.
"""

import json
from html import unescape

from django.core import mail
from django.test import Client
from django.urls import reverse

from participation.contributions.models import Contribution
from participation.live.models import Event


def minimal_site():
    """A home page and the default Site, without the demo's content (fast)."""
    from participation.demo import _pages, ensure_roles

    ensure_roles()
    return _pages()


def plan_page_for(hearing):
    """A published plan page showing `hearing` (comments and submissions)."""
    from tests.plans import publish_plan_page

    return publish_plan_page(hearing, minimal_site())


def _text(response) -> str:
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json") or body[:1] in "[{":
        # The JSON as the client reads it: \u003c and friends decoded.
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            return body
    return body


def public_pages(*, hearings=(), plan_pages=(), ideas=(), initiatives=()) -> dict[str, str]:
    """The anonymous reader's pages, feeds and APIs for these objects."""
    client = Client()
    urls = []
    for hearing in hearings:
        urls += [
            reverse("hearings:submissions", args=[hearing.pk]),
            reverse("notifications:hearing_submissions", args=[hearing.pk]),
        ]
        for submission in hearing.submissions.filter(state=Contribution.State.PUBLISHED):
            urls.append(reverse("hearings:submission", args=[hearing.pk, submission.pk]))
    urls += [page.url for page in plan_pages]
    if ideas:
        urls += [
            reverse("ideabank:list"),
            reverse("ideabank:map"),
            reverse("ideabank:map_data"),
            reverse("open311:requests"),
        ]
        for idea in ideas:
            urls += [
                reverse("ideabank:detail", args=[idea.pk]),
                reverse("open311:request", args=[idea.pk]),
            ]
    if initiatives:
        urls.append(reverse("initiatives:list"))
        urls += [reverse("initiatives:detail", args=[i.pk]) for i in initiatives]
    outputs = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        outputs[url] = _text(response)
    return outputs


def report_pages(reader, contributions) -> dict[str, str]:
    """The report page of each contribution, as `reader` (a logged-in resident) sees it."""
    client = Client()
    client.force_login(reader)
    outputs = {}
    for contribution in contributions:
        url = reverse("contributions:report", args=[contribution.pk])
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        outputs[url] = response.content.decode()
    return outputs


def live_payloads() -> dict[str, str]:
    """Everything sent on readers' streams (every stream but the moderators')."""
    return {
        f"live {event.stream} #{event.pk} {event.type}": json.dumps(
            event.payload, ensure_ascii=False
        )
        for event in Event.objects.exclude(stream="moderation")
    }


def mails_to_others(author_emails) -> dict[str, str]:
    """Mails sent to anyone but the authors (whose receipts may show what they wrote)."""
    outputs = {}
    for i, message in enumerate(mail.outbox):
        if set(message.to) & set(author_emails):
            continue
        parts = [message.subject, message.body]
        parts += [content for content, _mime in getattr(message, "alternatives", [])]
        outputs[f"mail {i} to {message.to}"] = "\n".join(str(p) for p in parts)
    return outputs


def readable(text: str) -> str:
    """The text as a reader sees it: entities decoded (a &#52; is still a 4)."""
    return unescape(unescape(text))
