from django.urls import path

from participation.accounts import views

urlpatterns = [
    path("name/", views.declare_name, name="declare_name"),
    path("profile/", views.profile, name="profile"),
]
