from django.urls import path

from participation.contributions import views

app_name = "contributions"
urlpatterns = [path("<int:pk>/rapporter/", views.report, name="report")]
