"""One-click unsubscribe from any e-mail (List-Unsubscribe), without logging in."""

app_name = "unsubscribe"
urlpatterns = []
