"""Open311 GeoReport v2, JSON only, outside the language prefixes (machines read it)."""

from django.urls import path

from ideabank import open311

app_name = "open311"
urlpatterns = [
    path("services.json", open311.services, name="services"),
    path("requests.json", open311.requests, name="requests"),
    path("requests/<int:pk>.json", open311.request_detail, name="request"),
]
