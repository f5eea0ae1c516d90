"""Feeds anyone can subscribe to without an account: Atom/RSS for hearings and a hearing's
published submissions, and an iCal calendar of hearing deadlines.

Only what is public goes out: published hearings, published submissions with the public name and
the redacted text (`public_html`), never the text as written. Every feed is a fixed number of
queries and at most FEED_LIMIT items, because feed readers poll often.
"""

import copy
from datetime import UTC

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, Stylesheet
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator
from icalendar import Calendar, Event

from hearings.models import Hearing, Submission
from hearings.permissions import visible_hearings
from ideabank.models import Topic
from participation.contributions.models import Contribution
from participation.geo.models import Area
from participation.notifications.links import hearing_url, live_plan_pages

FEED_LIMIT = 50


# Served as XML, not application/atom+xml or rss+xml: Chromium shows those as plain text and
# applies no stylesheet. Feed readers read the format from the content (the pages' <link
# rel="alternate"> still name the feed type); one type for everyone also keeps the anonymous
# page cache, which stores one response per address, right.
BROWSER_READABLE_XML = "application/xml; charset=utf-8"


class StyledAtom1Feed(Atom1Feed):
    """Atom with the <?xml-stylesheet?> Django writes for RSS only: a feed opened in a browser
    is shown as a page (title, language, entries) instead of raw XML."""

    content_type = BROWSER_READABLE_XML

    def write(self, outfile, encoding):
        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        # Before the root element, as for RSS (https://www.w3.org/Style/styling-XML.en.html).
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class StyledRssFeed(Rss201rev2Feed):
    content_type = BROWSER_READABLE_XML


def feed_stylesheets(obj=None) -> list[Stylesheet]:
    """The XSLT a browser renders the feed with, in the feed's language (feed readers ignore it)."""
    return [Stylesheet(reverse("notifications:stylesheet"), mimetype="text/xsl")]


def stylesheet(request):
    """The feeds' XSLT: a template (.html for makemessages), so its words are in the reader's
    language."""
    return render(request, "notifications/feed.xsl.html", content_type="text/xsl; charset=utf-8")


def published_hearings(area=None, topic=None):
    hearings = (
        visible_hearings()  # the public's rule: drafts never reach a feed or calendar
        .select_related("area")
        .prefetch_related(live_plan_pages())
    )
    if area is not None:
        hearings = hearings.filter(area=area)
    if topic is not None:
        hearings = hearings.filter(topics=topic)
    return hearings


def home_url() -> str:
    return reverse("wagtail_serve", args=[""])


def deadline_text(hearing: Hearing) -> str:
    closes = timezone.localtime(hearing.closes_at)
    return _("Deadline for submissions: %(date)s") % {"date": closes.strftime("%d.%m.%Y %H:%M")}


class HearingsAtomFeed(Feed):
    """All published hearings, newest first."""

    feed_type = StyledAtom1Feed
    stylesheets = staticmethod(feed_stylesheets)

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request (it is in the URLconf): keep the request, which
        # hearing_url needs for plan pages' URLs, on a copy.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def title(self, obj=None):
        return _("Public hearings – %(municipality)s") % {
            "municipality": settings.MUNICIPALITY_NAME
        }

    def subtitle(self, obj=None):
        return _("New public hearings and their deadlines.")

    description = subtitle  # RSS's name for the subtitle

    def link(self, obj=None):
        return home_url()

    def items(self, obj=None):
        return published_hearings(area=obj).order_by("-opens_at", "-pk")[:FEED_LIMIT]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # The summary is plain text: escape it, then keep its paragraphs.
        return format_html(
            "{}<p>{}</p>",
            mark_safe(linebreaks(escape(item.summary))),
            deadline_text(item),
        )

    def item_link(self, item):
        return hearing_url(item, self.request)

    def item_guid(self, item):
        return f"hearing-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.opens_at

    def item_updateddate(self, item):
        return max(item.opens_at, item.created_at)

    def item_categories(self, item):
        return [item.area.name] if item.area else []


class HearingsRssFeed(HearingsAtomFeed):
    feed_type = StyledRssFeed


class AreaHearingsFeed(HearingsAtomFeed):
    """Published hearings in one area (bydel, grend)."""

    def get_object(self, request, slug):
        return get_object_or_404(Area, slug=slug)

    def title(self, obj):
        return _("Public hearings in %(area)s – %(municipality)s") % {
            "area": obj.name,
            "municipality": settings.MUNICIPALITY_NAME,
        }

    def subtitle(self, obj):
        return _("New public hearings in %(area)s and their deadlines.") % {"area": obj.name}

    description = subtitle


class AreaHearingsRssFeed(AreaHearingsFeed):
    feed_type = StyledRssFeed


class TopicHearingsFeed(HearingsAtomFeed):
    """Published hearings on one topic (the idea bank's topics, which hearings are tagged with)."""

    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj):
        return _("Public hearings about %(topic)s – %(municipality)s") % {
            "topic": obj.name,
            "municipality": settings.MUNICIPALITY_NAME,
        }

    def subtitle(self, obj):
        return _("New public hearings about %(topic)s and their deadlines.") % {"topic": obj.name}

    description = subtitle

    def items(self, obj):
        return published_hearings(topic=obj).order_by("-opens_at", "-pk")[:FEED_LIMIT]


class TopicHearingsRssFeed(TopicHearingsFeed):
    feed_type = StyledRssFeed


class SubmissionsFeed(Feed):
    """A published hearing's published submissions: the public name and the redacted text."""

    feed_type = StyledAtom1Feed
    stylesheets = staticmethod(feed_stylesheets)

    def get_object(self, request, pk):
        return get_object_or_404(visible_hearings(), pk=pk)

    def title(self, obj):
        return _("Submissions to %(hearing)s") % {"hearing": obj.title}

    def subtitle(self, obj):
        return _("Published submissions to the public hearing %(hearing)s (%(case)s).") % {
            "hearing": obj.title,
            "case": obj.case_number,
        }

    def link(self, obj):
        return reverse("hearings:submissions", args=[obj.pk])

    def items(self, obj):
        return (
            Submission.objects.filter(hearing=obj, state=Contribution.State.PUBLISHED)
            # The text as written may hold what redaction removed; it never leaves the database.
            .defer("body", "moderated_body")
            .order_by("-published_at", "-pk")[:FEED_LIMIT]
        )

    def item_title(self, item):
        return _("Submission %(reference)s from %(name)s") % {
            "reference": item.reference,
            "name": self.item_author_name(item),
        }

    def item_description(self, item):
        return item.public_html

    def item_link(self, item):
        return reverse("hearings:submission", args=[item.hearing_id, item.pk])

    def item_author_name(self, item):
        if item.organisation_name:
            return _("%(name)s, on behalf of %(organisation)s") % {
                "name": item.public_name,
                "organisation": item.organisation_name,
            }
        return item.public_name

    def item_pubdate(self, item):
        return item.published_at or item.created_at


def deadlines_calendar(request, slug=None):
    """Hearing deadlines as an iCal calendar to subscribe to, one event per deadline."""
    area = get_object_or_404(Area, slug=slug) if slug else None
    if area:
        name = _("Hearing deadlines in %(area)s – %(municipality)s") % {
            "area": area.name,
            "municipality": settings.MUNICIPALITY_NAME,
        }
    else:
        name = _("Hearing deadlines – %(municipality)s") % {
            "municipality": settings.MUNICIPALITY_NAME
        }
    return _calendar(request, published_hearings(area=area), name)


def topic_deadlines_calendar(request, slug):
    """The deadlines of hearings on one topic."""
    topic = get_object_or_404(Topic, slug=slug)
    name = _("Hearing deadlines about %(topic)s – %(municipality)s") % {
        "topic": topic.name,
        "municipality": settings.MUNICIPALITY_NAME,
    }
    return _calendar(request, published_hearings(topic=topic), name)


def _calendar(request, hearings, name: str) -> HttpResponse:
    hearings = hearings.order_by("-closes_at", "-pk")[:FEED_LIMIT]
    host = request.get_host().split(":")[0]
    now = timezone.now().astimezone(UTC)

    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.MUNICIPALITY_NAME}//Medvirkning//NO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for hearing in hearings:
        url = request.build_absolute_uri(hearing_url(hearing, request))
        event = Event()
        # Stable across requests, so a calendar updates the event rather than adding another.
        event.add("uid", f"hearing-{hearing.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", hearing.closes_at.astimezone(UTC))
        event.add("summary", _("Hearing deadline: %(title)s") % {"title": hearing.title})
        event.add("description", f"{hearing.summary}\n\n{url}".strip())
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
