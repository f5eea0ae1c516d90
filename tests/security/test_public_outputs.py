"""Every public output of a contribution reads the same public fields.

One scenario holds each kind of private value a contribution can carry:

- a submission whose sender asked to have the name withheld, and the planner agreed;
- a sentence a moderator removed (from the submission and from an idea);
- a phone number in the text, which redaction removes;
- the planner's draft response to the submission, not yet published.

Then every output a person other than the author can reach is walked: pages, lists, map data,
feeds, calendars, mails, the Open311 API, the live event log (what `broadcast()` sends to a
public group, and what a reconnecting reader is replayed), the report page and another person's
privacy export. Each output must show the public version of the contribution (so a 404 cannot
pass for "nothing leaked") and none of the private values.

Adding an output is one line in OUTPUTS: a name, a function from the scenario to text, and a
public phrase that proves the output is about the contribution. There is no public export of a
hearing: the merknadsbehandling exports are planner-only admin views (tests/hearings).
"""

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hearings.operations import do_submit
from hearings.review import do_review_submission
from ideabank.operations import do_comment_on_idea, do_support
from participation.accounts.privacy.export import build_export
from participation.contributions.moderation import do_redact
from participation.live.events import events_since
from participation.notifications.delivery import build_digest, build_single, notify
from participation.notifications.models import Frequency, NotificationKind
from participation.notifications.operations import do_follow
from participation.notifications.politician_digest import build_politician_digests, render_digest
from tests.security.outputs import _text, live_payloads, plan_page_for, readable

SENDER = "Sigrun Hemmeligsen"
REMOVED = "Naboen Ole er en kjeltring."
PHONE = "912 34 567"
DRAFT_RESPONSE = "Utkast til svar: parken bygges ned likevel."

SUBMISSION_TEXT = "Jeg er imot planen fordi parken forsvinner."
SUBMISSION_BODY = f"{SUBMISSION_TEXT} {REMOVED} Ring meg på {PHONE}."
SUBMISSION_EDITED = f"{SUBMISSION_TEXT} Ring meg på {PHONE}."

IDEA_TITLE = "Benk ved dammen"
IDEA_TEXT = "Sett opp en benk ved dammen."
IDEA_BODY = f"{IDEA_TEXT} {REMOVED} Ring {PHONE}."
IDEA_EDITED = f"{IDEA_TEXT} Ring {PHONE}."

HEARING_TITLE = "Reguleringsplan for Dammen"

PRIVATE = {
    "the withheld name": [SENDER, "Hemmeligsen"],
    "the sentence a moderator removed": [REMOVED, "kjeltring"],
    "the redacted phone number": [PHONE, PHONE.replace(" ", "")],
    "the unpublished response": [DRAFT_RESPONSE, "bygges ned likevel"],
}


@dataclass
class Scenario:
    client: object
    hearing: object
    submission: object
    idea: object
    plan_page: object
    reader: object  # another resident: follows, comments, supports; never the author
    politician: object

    def get(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return _text(response)


def _mail_text(message) -> str:
    if message is None:
        return ""
    parts = [message.subject, message.body]
    parts += [content for content, _type in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def notification_mails(s: Scenario) -> str:
    """Every mail the reader is sent about the hearing, the submission and the idea, rendered
    one by one and as a digest."""
    from participation.notifications.models import Notification

    mail.outbox.clear()
    notify(NotificationKind.NEW_HEARING, [s.reader.pk], "t:new", hearing=s.hearing)
    notify(NotificationKind.HEARING_CLOSING, [s.reader.pk], "t:closing", hearing=s.hearing)
    # A response notification about the submission (as its sender would get once published).
    notify(NotificationKind.RESPONSE, [s.reader.pk], "t:response", contribution=s.submission)
    notify(NotificationKind.FOLLOWED_ACTIVITY, [s.reader.pk], "t:idea", idea=s.idea)
    rows = list(Notification.objects.filter(user=s.reader))
    texts = [_mail_text(build_single(n)) for n in rows]
    texts.append(_mail_text(build_digest(s.reader, Frequency.DAILY, rows)))
    texts += [_mail_text(m) for m in mail.outbox]
    return "\n".join(texts) + HEARING_TITLE  # some kinds have nothing to say: that is fine


def politician_digest(s: Scenario) -> str:
    now = timezone.now()
    period = (now - timedelta(days=7), now + timedelta(minutes=1))
    digests = [
        d
        for frequency in (Frequency.DAILY, Frequency.WEEKLY)
        for d in build_politician_digests(frequency, now, period=period, include_empty=True)
    ]
    return "\n".join(_mail_text(render_digest(d, now)) for d in digests)


def live_events(s: Scenario) -> str:
    """What broadcast() sends to every group a reader may join (all but `moderation`)."""
    return "\n".join(live_payloads().values())


def live_replay(s: Scenario) -> str:
    """What a reader who reconnects with last_id 0 is replayed on the hearing and idea streams."""
    streams = [s.hearing.discussion.stream, s.idea.discussion.stream, s.idea.comments_stream]
    return json.dumps([events_since(stream, 0) for stream in streams], ensure_ascii=False)


def privacy_export_of_the_reader(s: Scenario) -> str:
    return json.dumps(build_export(s.reader), ensure_ascii=False, default=str)


def hearing_url(name, *extra):
    return lambda s: s.get(reverse(name, args=[s.hearing.pk, *[getattr(s, a).pk for a in extra]]))


def idea_url(name):
    return lambda s: s.get(reverse(name, args=[s.idea.pk]))


def url(name):
    return lambda s: s.get(reverse(name))


# name, what the output is, a public phrase that proves it is about the contribution
OUTPUTS = [
    ("plan page", lambda s: s.get(s.plan_page.url), SUBMISSION_TEXT),
    ("hearing page", hearing_url("hearings:submissions"), SUBMISSION_TEXT),
    ("submission page", hearing_url("hearings:submission", "submission"), SUBMISSION_TEXT),
    ("idea page", idea_url("ideabank:detail"), IDEA_TEXT),
    ("idea list", url("ideabank:list"), IDEA_TITLE),
    ("map data", url("ideabank:map_data"), IDEA_TITLE),
    ("map page", url("ideabank:map"), ""),
    ("hearings feed (Atom)", url("notifications:hearings"), HEARING_TITLE),
    ("hearings feed (RSS)", url("notifications:hearings_rss"), HEARING_TITLE),
    ("submissions feed", hearing_url("notifications:hearing_submissions"), SUBMISSION_TEXT),
    ("deadlines calendar (iCal)", url("notifications:deadlines"), HEARING_TITLE),
    ("Open311 requests", lambda s: s.get("/open311/v2/requests.json"), IDEA_TEXT),
    ("Open311 request", lambda s: s.get(f"/open311/v2/requests/{s.idea.pk}.json"), IDEA_TEXT),
    ("Open311 requests (XML)", lambda s: s.get("/open311/v2/requests.xml"), IDEA_TEXT),
    ("Open311 request (XML)", lambda s: s.get(f"/open311/v2/requests/{s.idea.pk}.xml"), IDEA_TEXT),
    ("report page (submission)", lambda s: s.report(s.submission), SUBMISSION_TEXT),
    ("report page (idea)", lambda s: s.report(s.idea), IDEA_TEXT),
    ("live events", live_events, SUBMISSION_TEXT),
    ("live replay", live_replay, SUBMISSION_TEXT),
    ("notification mails", notification_mails, HEARING_TITLE),
    ("politician digest", politician_digest, HEARING_TITLE),
    ("privacy export of another person", privacy_export_of_the_reader, "God idé"),
]


@pytest.fixture
def scenario(client, make_hearing, make_idea, make_user):
    sender = make_user(name=SENDER, email="sigrun@example.org")
    reader = make_user(name="Rolf Leser", email="rolf@example.org")
    moderator = make_user(name="Mona Moderator", roles=["moderator"])
    planner = make_user(name="Per Planlegger", roles=["planner"])
    politician = make_user(name="Pia Politiker", roles=["politician"])

    # The deadline has passed: the planner is answering, and has not published the answers.
    hearing = make_hearing("closed", title=HEARING_TITLE)
    submission, _ = do_submit(sender, hearing, SUBMISSION_BODY, name_withheld_requested=True)
    do_redact(moderator, submission, SUBMISSION_EDITED, "Personangrep")
    do_review_submission(
        planner, submission, themes=["park"], summary="", response=DRAFT_RESPONSE,
        name_withheld=True,
    )  # fmt: skip

    idea = make_idea(title=IDEA_TITLE, body=IDEA_BODY, lat=59.91, lon=10.75)
    do_redact(moderator, idea, IDEA_EDITED, "Personangrep")
    do_comment_on_idea(reader, idea, "God idé, den trengs.")
    do_support(reader, idea)
    for follower in (reader, politician):
        do_follow(follower, hearing)
        do_follow(follower, idea)

    page = plan_page_for(hearing)

    submission.refresh_from_db()
    idea.refresh_from_db()
    s = Scenario(client, hearing, submission, idea, page, reader, politician)
    s.report = lambda item: s.get(reverse("contributions:report", args=[item.pk]))
    return s


def leaks(text: str) -> list[str]:
    text = readable(text)
    return [what for what, forms in PRIVATE.items() if any(f in text for f in forms)]


def walk(s: Scenario, outputs=OUTPUTS) -> dict:
    found = {}
    for name, output, public in outputs:
        text = output(s)
        if public and public not in text:
            found[name] = f"does not show the public text {public!r}: wrong object or empty"
        elif leaks(text):
            found[name] = leaks(text)
    return found


def test_no_public_output_shows_a_private_value_to_an_anonymous_reader(scenario):
    # The report page needs an account; everything else is open to anyone.
    assert walk(scenario, [o for o in OUTPUTS if not o[0].startswith("report page")]) == {}


def test_no_public_output_shows_a_private_value_to_another_logged_in_resident(scenario):
    scenario.client.force_login(scenario.reader)
    assert walk(scenario) == {}


def test_the_walk_sees_every_private_value_where_the_planner_is_shown_it(scenario, make_user):
    """The planner's review page shows the name, the text as written and the draft response:
    the same check finds all of them there, so a walk that finds nothing is not blind."""
    scenario.client.force_login(make_user(roles=["planner"]))
    page = scenario.get(
        reverse("hearings_review:submission", args=[scenario.hearing.pk, scenario.submission.pk])
    )
    assert leaks(page) == list(PRIVATE)
