"""Follows and notification settings: /varsler/ (the page listing them) and follow buttons."""

app_name = "follows"
urlpatterns = []
