"""Follows and notification settings: /varsler/ (the page listing them) and follow buttons."""

from django.urls import path

from participation.notifications import views

app_name = "follows"
urlpatterns = [
    path("", views.index, name="index"),
    path("sammendrag/", views.digest_preview, name="digest"),
    path("folg/<str:kind>/<int:pk>/", views.follow, name="follow"),
    path("slutt/<str:kind>/<int:pk>/", views.unfollow, name="unfollow"),
]
