from django.urls import path

from participation.notifications import feeds

app_name = "notifications"
urlpatterns = [
    path("stil.xsl", feeds.stylesheet, name="stylesheet"),
    path("horinger/", feeds.HearingsAtomFeed(), name="hearings"),
    path("horinger/rss/", feeds.HearingsRssFeed(), name="hearings_rss"),
    path("horinger/<int:pk>/uttalelser/", feeds.SubmissionsFeed(), name="hearing_submissions"),
    path("omrade/<slug:slug>/", feeds.AreaHearingsFeed(), name="area_hearings"),
    path("frister.ics", feeds.deadlines_calendar, name="deadlines"),
    path("omrade/<slug:slug>/frister.ics", feeds.deadlines_calendar, name="area_deadlines"),
    path("omrade/<slug:slug>/rss/", feeds.AreaHearingsRssFeed(), name="area_hearings_rss"),
    path("tema/<str:slug>/", feeds.TopicHearingsFeed(), name="topic_hearings"),
    path("tema/<str:slug>/rss/", feeds.TopicHearingsRssFeed(), name="topic_hearings_rss"),
    path("tema/<str:slug>/frister.ics", feeds.topic_deadlines_calendar, name="topic_deadlines"),
]
