from django.urls import path

from participation.notifications import feeds

app_name = "notifications"
urlpatterns = [
    path("horinger/", feeds.HearingsAtomFeed(), name="hearings"),
    path("horinger/rss/", feeds.HearingsRssFeed(), name="hearings_rss"),
    path("horinger/<int:pk>/uttalelser/", feeds.SubmissionsFeed(), name="hearing_submissions"),
    path("omrade/<slug:slug>/", feeds.AreaHearingsFeed(), name="area_hearings"),
    path("frister.ics", feeds.deadlines_calendar, name="deadlines"),
    path("omrade/<slug:slug>/frister.ics", feeds.deadlines_calendar, name="area_deadlines"),
]
