"""One-click unsubscribe from any e-mail (List-Unsubscribe), without logging in."""

from django.urls import path

from participation.notifications import unsubscribe

app_name = "unsubscribe"
urlpatterns = [path("<str:token>/", unsubscribe.confirm, name="confirm")]
