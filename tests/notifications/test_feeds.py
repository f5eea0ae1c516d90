from datetime import UTC, date
from http import HTTPStatus

import feedparser
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from hearings.models import Hearing
from tests.text.identity_numbers import make_identity_number

PHONE = "912 34 567"
FNR = make_identity_number(date(1979, 5, 17))


def url(name, *args, language="nb"):
    with translation.override(language):
        return reverse(f"notifications:{name}", args=args)


def fetch_feed(client, address):
    response = client.get(address)
    assert response.status_code == HTTPStatus.OK
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


def fetch_calendar(client, address):
    response = client.get(address)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}, calendar


def unpublish(hearing):
    Hearing.objects.filter(pk=hearing.pk).update(is_published=False)


# ------------------------------------------------------------------ hearings


def test_the_hearings_feed_is_valid_atom_with_published_hearings_only(client, make_hearing):
    open_hearing = make_hearing(title="Reguleringsplan for Sentrum", summary="Nye boliger.")
    closed = make_hearing(phase="closed", title="Kommunedelplan for sjøen")
    make_hearing(phase="draft", title="Hemmelig utkast")

    response, feed = fetch_feed(client, url("hearings"))

    # XML a browser renders with the feed's stylesheet; readers see Atom in the content.
    assert response["Content-Type"].startswith("application/xml")
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert sorted(titles) == sorted([open_hearing.title, closed.title])
    assert "Hemmelig utkast" not in response.content.decode()
    entry = next(e for e in feed.entries if e.title == open_hearing.title)
    assert entry.link == "http://testserver" + reverse(
        "hearings:submissions", args=[open_hearing.pk]
    )
    assert "Nye boliger." in entry.summary


def test_the_hearings_feed_also_comes_as_valid_rss(client, make_hearing):
    hearing = make_hearing(title="Reguleringsplan for Sentrum")

    response, feed = fetch_feed(client, url("hearings_rss"))

    assert response["Content-Type"].startswith("application/xml")
    assert feed.version == "rss20"
    assert [entry.title for entry in feed.entries] == [hearing.title]


def test_a_hearing_with_a_live_plan_page_links_to_the_plan_page(client, make_hearing, plan_page):
    hearing = make_hearing()
    page = plan_page(hearing)

    _, feed = fetch_feed(client, url("hearings"))

    entry = next(e for e in feed.entries if e.title == hearing.title)
    assert entry.link == "http://testserver" + page.url


def test_a_hearing_summary_is_escaped_not_injected_into_the_feed(client, make_hearing):
    make_hearing(summary='<script>alert("x")</script> Tekst')

    response, _ = fetch_feed(client, url("hearings"))

    # feedparser's own sanitiser would hide the bug: read the HTML as sent.
    summary = feedparser.parse(response.content, sanitize_html=False).entries[0].summary
    assert "<script>" not in summary
    assert "&lt;script&gt;" in summary


def test_the_area_feed_lists_only_that_areas_published_hearings(client, make_hearing, make_area):
    sentrum = make_area("Sentrum", "sentrum")
    bygda = make_area("Bygda", "bygda")
    in_sentrum = make_hearing(title="Torget", area=sentrum)
    make_hearing(title="Skulen", area=bygda)
    make_hearing(title="Utan område")
    make_hearing(phase="draft", title="Utkast i sentrum", area=sentrum)

    _, feed = fetch_feed(client, url("area_hearings", "sentrum"))

    assert [entry.title for entry in feed.entries] == [in_sentrum.title]
    assert "Sentrum" in feed.feed.title


def test_an_unknown_area_is_not_found(client, db):
    assert client.get(url("area_hearings", "finst-ikkje")).status_code == HTTPStatus.NOT_FOUND
    assert client.get(url("area_deadlines", "finst-ikkje")).status_code == HTTPStatus.NOT_FOUND


def test_the_feed_is_in_the_language_of_the_url(client, make_hearing):
    make_hearing()

    _, nynorsk = fetch_feed(client, url("hearings", language="nn"))
    _, english = fetch_feed(client, url("hearings", language="en"))

    assert url("hearings", language="nn").startswith("/nn/")
    assert nynorsk.feed.language == "nn"
    assert english.feed.language == "en"
    assert english.feed.title.startswith("Public hearings")
    assert nynorsk.feed.title.startswith("Offentlege høyringar")


def test_the_feed_has_at_most_fifty_hearings(client, make_hearing):
    for _ in range(52):
        make_hearing()

    _, feed = fetch_feed(client, url("hearings"))

    assert len(feed.entries) == 50


def test_the_hearings_feed_runs_the_same_queries_for_many_hearings_as_for_one(
    client, make_hearing, plan_page, django_assert_num_queries
):
    # Hearings (with area), their live plan pages, and Wagtail's site and root-path look-ups for
    # the plan pages' URLs, which it caches: measured cold, the worst case.
    plan_page(make_hearing())
    cache.clear()
    with django_assert_num_queries(5):
        fetch_feed(client, url("hearings"))
    for _ in range(5):
        plan_page(make_hearing())
    cache.clear()
    with django_assert_num_queries(5):
        _, feed = fetch_feed(client, url("hearings"))
    assert len(feed.entries) == Hearing.objects.filter(is_published=True).count() >= 6


# ------------------------------------------------------------------ submissions


def test_the_submissions_feed_has_published_submissions_with_the_redacted_text_only(
    client, make_hearing, make_submission
):
    hearing = make_hearing(title="Reguleringsplan for Sentrum")
    published = make_submission(
        hearing, body=f"Ring meg på {PHONE}, fødselsnummer {FNR}. Planen er for høg."
    )
    make_submission(hearing, body="Venter på moderator.", state="pending")
    make_submission(hearing, body="Avvist innhald.", state="rejected")

    response, feed = fetch_feed(client, url("hearing_submissions", hearing.pk))

    body = response.content.decode()
    assert feed.version == "atom10"
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert published.reference in entry.title
    assert entry.author == published.author_name
    assert "Planen er for høg." in entry.summary
    assert FNR not in body
    assert "912 34 567" not in body and "91234567" not in body
    assert published.author.email not in body
    assert "Venter på moderator." not in body
    assert "Avvist innhald." not in body
    assert entry.link == "http://testserver" + reverse(
        "hearings:submission", args=[hearing.pk, published.pk]
    )


def test_a_withheld_name_is_not_in_the_submissions_feed(client, make_hearing, make_submission):
    hearing = make_hearing()
    submission = make_submission(hearing, name_withheld=True)

    response, feed = fetch_feed(client, url("hearing_submissions", hearing.pk, language="en"))

    assert submission.author_name not in response.content.decode()
    assert feed.entries[0].author == "Name withheld"


def test_an_organisations_name_is_published_with_the_submission(
    client, make_hearing, make_submission
):
    hearing = make_hearing()
    make_submission(hearing, organisation_name="Sentrum velforening")

    _, feed = fetch_feed(client, url("hearing_submissions", hearing.pk))

    assert "Sentrum velforening" in feed.entries[0].author


def test_submissions_of_a_draft_or_unknown_hearing_are_not_found(
    client, make_hearing, make_submission
):
    hearing = make_hearing()
    make_submission(hearing, body="Publisert før høyringa vart trekt.")
    unpublish(hearing)

    response = client.get(url("hearing_submissions", hearing.pk))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Publisert før" not in response.content.decode()
    assert client.get(url("hearing_submissions", 999_999)).status_code == HTTPStatus.NOT_FOUND


def test_the_submissions_feed_runs_the_same_queries_for_many_submissions_as_for_one(
    client, make_hearing, make_submission, django_assert_num_queries
):
    hearing = make_hearing()
    make_submission(hearing)
    with django_assert_num_queries(2):  # the hearing + its submissions
        fetch_feed(client, url("hearing_submissions", hearing.pk))
    for _ in range(5):
        make_submission(hearing)
    with django_assert_num_queries(2):
        _, feed = fetch_feed(client, url("hearing_submissions", hearing.pk))
    assert len(feed.entries) == 6


# ------------------------------------------------------------------ iCal


def test_the_deadline_calendar_has_one_event_per_published_hearing(client, make_hearing):
    hearing = make_hearing(title="Reguleringsplan for Sentrum")
    closed = make_hearing(phase="closed")
    draft = make_hearing(phase="draft")

    events, calendar = fetch_calendar(client, url("deadlines", language="en"))

    assert str(calendar["VERSION"]) == "2.0"
    assert set(events) == {f"hearing-{hearing.pk}@testserver", f"hearing-{closed.pk}@testserver"}
    assert f"hearing-{draft.pk}@testserver" not in events
    event = events[f"hearing-{hearing.pk}@testserver"]
    assert event.decoded("DTSTART") == hearing.closes_at.astimezone(UTC).replace(microsecond=0)
    assert event["DTSTAMP"]
    assert str(event["SUMMARY"]) == f"Hearing deadline: {hearing.title}"
    with translation.override("en"):
        hearing_page = reverse("hearings:submissions", args=[hearing.pk])
    assert str(event["URL"]) == "http://testserver" + hearing_page


def test_the_event_uid_stays_the_same_so_calendars_update_rather_than_duplicate(
    client, make_hearing
):
    hearing = make_hearing()

    first, _ = fetch_calendar(client, url("deadlines"))
    again, _ = fetch_calendar(client, url("deadlines", language="nn"))

    assert set(first) == set(again) == {f"hearing-{hearing.pk}@testserver"}


def test_the_calendar_is_in_the_language_of_the_url(client, make_hearing):
    hearing = make_hearing(title="Skulen")
    uid = f"hearing-{hearing.pk}@testserver"

    bokmal, _ = fetch_calendar(client, url("deadlines"))
    nynorsk, _ = fetch_calendar(client, url("deadlines", language="nn"))
    english, _ = fetch_calendar(client, url("deadlines", language="en"))

    assert str(bokmal[uid]["SUMMARY"]) == "Høringsfrist: Skulen"
    assert str(nynorsk[uid]["SUMMARY"]) == "Høyringsfrist: Skulen"
    assert str(english[uid]["SUMMARY"]) == "Hearing deadline: Skulen"


def test_the_area_calendar_has_only_that_areas_deadlines(client, make_hearing, make_area):
    sentrum = make_area("Sentrum", "sentrum")
    in_sentrum = make_hearing(area=sentrum)
    make_hearing()

    events, _ = fetch_calendar(client, url("area_deadlines", "sentrum"))

    assert set(events) == {f"hearing-{in_sentrum.pk}@testserver"}


def test_the_calendar_runs_the_same_queries_for_many_hearings_as_for_one(
    client, make_hearing, django_assert_num_queries
):
    make_hearing()
    with django_assert_num_queries(2):
        fetch_calendar(client, url("deadlines"))
    for _ in range(5):
        make_hearing()
    with django_assert_num_queries(2):
        events, _ = fetch_calendar(client, url("deadlines"))
    assert len(events) == 6


# ------------------------------------------------------------------ links on pages


def test_the_hearing_page_links_to_its_feeds(client, make_hearing):
    hearing = make_hearing()

    page = client.get(reverse("hearings:submissions", args=[hearing.pk])).content.decode()

    feed = url("hearing_submissions", hearing.pk)
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert f'href="{feed}"' in page
    assert f'href="{url("deadlines")}"' in page


def test_the_home_page_links_to_the_hearings_feed_and_calendar(client, demo_site):
    page = client.get("/").content.decode()

    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert f'href="{url("hearings")}"' in page
    assert f'href="{url("deadlines")}"' in page


# ------------------------------------------------------------------ by topic


@pytest.fixture
def topic(db):
    from ideabank.models import Topic

    return Topic.objects.create(name="Skule", slug="skule", official=True)


def test_the_topic_feed_lists_only_published_hearings_on_that_topic(client, make_hearing, topic):
    from ideabank.models import Topic

    other = Topic.objects.create(name="Veg", slug="veg")
    on_topic = make_hearing(title="Ny skule i sentrum")
    on_topic.topics.add(topic, other)
    make_hearing(title="Ny veg").topics.add(other)
    make_hearing(title="Utan tema")
    make_hearing(phase="draft", title="Hemmeleg skuleplan").topics.add(topic)

    response, feed = fetch_feed(client, url("topic_hearings", "skule", language="en"))

    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [on_topic.title]
    assert "Hemmeleg" not in response.content.decode()
    assert feed.feed.title.startswith("Public hearings about Skule")


def test_the_topic_feed_also_comes_as_rss(client, make_hearing, topic):
    hearing = make_hearing()
    hearing.topics.add(topic)

    response, feed = fetch_feed(client, url("topic_hearings_rss", "skule"))

    assert response["Content-Type"].startswith("application/xml")
    assert feed.version == "rss20"
    assert [entry.title for entry in feed.entries] == [hearing.title]


def test_a_topic_with_a_norwegian_letter_in_its_slug_has_a_feed(client, make_hearing):
    from ideabank.models import Topic

    topic = Topic.objects.create(name="Miljø", slug="miljø")
    hearing = make_hearing()
    hearing.topics.add(topic)

    _, feed = fetch_feed(client, url("topic_hearings", "miljø"))

    assert [entry.title for entry in feed.entries] == [hearing.title]


def test_the_topic_calendar_has_only_that_topics_deadlines(client, make_hearing, topic):
    on_topic = make_hearing()
    on_topic.topics.add(topic)
    make_hearing()
    make_hearing(phase="draft").topics.add(topic)

    events, calendar = fetch_calendar(client, url("topic_deadlines", "skule", language="en"))

    assert set(events) == {f"hearing-{on_topic.pk}@testserver"}
    assert str(calendar["X-WR-CALNAME"]).startswith("Hearing deadlines about Skule")


def test_an_unknown_topic_is_not_found(client, db):
    assert client.get(url("topic_hearings", "finst-ikkje")).status_code == HTTPStatus.NOT_FOUND
    assert client.get(url("topic_deadlines", "finst-ikkje")).status_code == HTTPStatus.NOT_FOUND


def test_the_topic_feed_runs_the_same_queries_for_many_hearings_as_for_one(
    client, make_hearing, topic, django_assert_num_queries
):
    make_hearing().topics.add(topic)
    with django_assert_num_queries(3):  # the topic, its hearings (with area), their plan pages
        fetch_feed(client, url("topic_hearings", "skule"))
    for _ in range(5):
        make_hearing().topics.add(topic)
    with django_assert_num_queries(3):
        _, feed = fetch_feed(client, url("topic_hearings", "skule"))
    assert len(feed.entries) == 6


def test_the_area_feed_also_comes_as_rss(client, make_hearing, make_area):
    sentrum = make_area("Sentrum", "sentrum")
    hearing = make_hearing(area=sentrum)

    _, feed = fetch_feed(client, url("area_hearings_rss", "sentrum"))

    assert feed.version == "rss20"
    assert [entry.title for entry in feed.entries] == [hearing.title]


def test_the_idea_list_by_topic_and_area_links_to_their_feeds(client, topic, make_area):
    make_area("Sentrum", "sentrum")

    html = client.get(reverse("ideabank:list"), {"topic": "skule", "area": "sentrum"})
    html = html.content.decode()

    for name, slug in [
        ("topic_hearings", "skule"),
        ("topic_deadlines", "skule"),
        ("area_hearings", "sentrum"),
        ("area_deadlines", "sentrum"),
    ]:
        assert f'href="{url(name, slug)}"' in html
    assert html.count('<link rel="alternate" type="application/atom+xml"') == 2
    unfiltered = client.get(reverse("ideabank:list")).content.decode()
    assert url("topic_hearings", "skule") not in unfiltered
